/**
 * The runner's Jupyter client: shell and control requests whose replies and IOPub output go back to
 * the caller by the request's msg_id. Sockets, signing and routing are protocol/kernelConnection.ts
 * (shared with the kernel test harness); what the runner adds is the request shape its fault handling
 * in session.ts needs: a reply promise that never rejects, registered before the request is sent.
 */
import { KernelConnection, type IopubHandler } from "../protocol/kernelConnection";
import type { ConnectionInfo, JsonObject, Message } from "../protocol/wire";

type RequestChannel = "shell" | "control";

export class KernelClient extends KernelConnection {
  constructor(connection: ConnectionInfo) {
    super(connection, { channels: ["shell", "control"] });
  }

  get connection(): ConnectionInfo {
    return this.info;
  }

  /**
   * Sends a request; `reply` resolves with the matching reply and never rejects (callers race it
   * against their own timeouts and the kernel's death). IOPub messages that the request causes go to
   * `onIopub` until `stopListening(msgId)` or `forget(msgId)`.
   */
  async request(
    channel: RequestChannel,
    msgType: string,
    content: JsonObject,
    onIopub?: IopubHandler,
  ): Promise<{ msgId: string; reply: Promise<Message> }> {
    const message = this.message(msgType, content);
    const msgId = message.header.msg_id;
    const reply = this.reply(msgId);
    // Registered before sending: IOPub output may arrive before `send` resolves.
    if (onIopub) this.listen(msgId, onIopub);
    await this.send(channel, message);
    return { msgId, reply };
  }
}
