/**
 * The client side of the Jupyter protocol over ZeroMQ: DEALER sockets for shell and control, a SUB
 * socket for IOPub. Replies and IOPub messages are routed to whoever sent the request, by the
 * request's msg_id (their `parent_header.msg_id`). Framing and signing come from protocol/wire.ts.
 */
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import {
  createMessage,
  deserialize,
  endpoint,
  serialize,
  Signer,
  WireError,
  type ConnectionInfo,
  type JsonObject,
  type Message,
} from "../protocol/wire";

type RequestChannel = "shell" | "control";
type IopubHandler = (message: Message) => void;

export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly pendingReplies = new Map<string, (reply: Message) => void>();
  private readonly iopubHandlers = new Map<string, IopubHandler>();
  private closed = false;
  /** Messages dropped for a bad signature or framing; counted so tests and reports can see them. */
  droppedMessages = 0;

  constructor(readonly connection: ConnectionInfo) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
    this.shell.connect(endpoint(connection, "shell"));
    this.control.connect(endpoint(connection, "control"));
    this.iopub.connect(endpoint(connection, "iopub"));
    this.iopub.subscribe();
    void this.receiveLoop(this.shell, (message) => this.routeReply(message));
    void this.receiveLoop(this.control, (message) => this.routeReply(message));
    void this.receiveLoop(this.iopub, (message) => this.routeIopub(message));
  }

  /**
   * Sends a request; `reply` resolves with the matching reply and never rejects (callers race it
   * against their own timeouts and the kernel's death). IOPub messages that the request causes go to
   * `onIopub` until `stopListening(msgId)`.
   */
  async request(
    channel: RequestChannel,
    msgType: string,
    content: JsonObject,
    onIopub?: IopubHandler,
  ): Promise<{ msgId: string; reply: Promise<Message> }> {
    const message = createMessage(msgType, content, { session: this.session });
    const msgId = message.header.msg_id;
    const reply = new Promise<Message>((resolve) => this.pendingReplies.set(msgId, resolve));
    // Registered before sending: IOPub output may arrive before `send` resolves.
    if (onIopub) this.iopubHandlers.set(msgId, onIopub);
    const socket = channel === "shell" ? this.shell : this.control;
    await socket.send(serialize(message, this.signer));
    return { msgId, reply };
  }

  stopListening(parentMsgId: string): void {
    this.iopubHandlers.delete(parentMsgId);
  }

  /** Forgets a request whose reply will never be awaited (timed out, kernel dead). */
  forget(msgId: string): void {
    this.pendingReplies.delete(msgId);
    this.iopubHandlers.delete(msgId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
    this.pendingReplies.clear();
    this.iopubHandlers.clear();
  }

  private routeReply(message: Message): void {
    const parentId = message.parent_header.msg_id;
    if (typeof parentId !== "string") return;
    const resolve = this.pendingReplies.get(parentId);
    if (!resolve) return;
    this.pendingReplies.delete(parentId);
    resolve(message);
  }

  private routeIopub(message: Message): void {
    const parentId = message.parent_header.msg_id;
    if (typeof parentId === "string") this.iopubHandlers.get(parentId)?.(message);
  }

  private async receiveLoop(socket: zmq.Dealer | zmq.Subscriber, route: (message: Message) => void): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch {
        return; // socket closed
      }
      try {
        route(deserialize(frames, this.signer));
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.droppedMessages++;
      }
    }
  }
}
