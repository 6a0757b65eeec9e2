/**
 * The kernel's five ZeroMQ sockets, bound where the connection file says.
 *
 * shell/control/stdin are ROUTER sockets (requests carry the client's routing id), iopub a PUB socket,
 * hb a REP socket that echoes. Incoming frames are verified and parsed with wire.ts; a message that
 * fails (bad signature, malformed) is logged to stderr and dropped, never thrown. zeromq allows one
 * send in flight per socket, so sends are queued per socket.
 */
import * as zmq from "zeromq";
import { kernelLog } from "./output";
import { deserialize, endpoint, serialize, Signer, type Channel, type ConnectionInfo, type Message } from "./wire";

export type RequestChannel = "shell" | "control" | "stdin";
export type MessageHandler = (message: Message, channel: RequestChannel) => void;

export const droppedMessageLog = (channel: string, reason: string): string => `dropped a message on ${channel}: ${reason}`;

export class KernelChannels {
  readonly signer: Signer;
  private readonly routers: Record<RequestChannel, zmq.Router>;
  private readonly iopub = new zmq.Publisher({ linger: 1000 });
  private readonly heartbeat = new zmq.Reply({ linger: 0 });
  private readonly sendQueues = new Map<zmq.Socket, Promise<void>>();
  private closed = false;

  constructor(private readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    this.routers = {
      shell: new zmq.Router({ linger: 1000 }),
      control: new zmq.Router({ linger: 1000 }),
      stdin: new zmq.Router({ linger: 0 }),
    };
  }

  /** Binds all sockets; rejects when a port is taken (the caller exits with that message). */
  async bind(): Promise<void> {
    const binds: Array<[Channel, zmq.Socket]> = [
      ["shell", this.routers.shell],
      ["control", this.routers.control],
      ["stdin", this.routers.stdin],
      ["iopub", this.iopub],
      ["hb", this.heartbeat],
    ];
    await Promise.all(
      binds.map(async ([channel, socket]) => {
        const address = endpoint(this.info, channel);
        try {
          await socket.bind(address);
        } catch (error) {
          throw new Error(`Cannot bind the ${channel} socket to ${address}: ${(error as Error).message}`);
        }
      }),
    );
  }

  /** Starts the receive loops; `handler` is called for every valid message. */
  listen(handler: MessageHandler): void {
    for (const channel of ["shell", "control", "stdin"] as const) void this.receiveLoop(channel, handler);
    void this.echoHeartbeats();
  }

  private async receiveLoop(channel: RequestChannel, handler: MessageHandler): Promise<void> {
    const socket = this.routers[channel];
    try {
      for await (const frames of socket) {
        let message: Message;
        try {
          message = deserialize(frames, this.signer);
        } catch (error) {
          kernelLog(droppedMessageLog(channel, (error as Error).message));
          continue;
        }
        try {
          handler(message, channel);
        } catch (error) {
          kernelLog(`handler for ${message.header.msg_type} failed: ${(error as Error).stack ?? error}`);
        }
      }
    } catch (error) {
      if (!this.closed) kernelLog(`${channel} socket stopped: ${(error as Error).message}`);
    }
  }

  private async echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch (error) {
      if (!this.closed) kernelLog(`heartbeat socket stopped: ${(error as Error).message}`);
    }
  }

  /** Sends a reply on shell/control/stdin (routed back by the message's identities). */
  send(channel: RequestChannel, message: Message): Promise<void> {
    return this.enqueue(this.routers[channel], serialize(message, this.signer));
  }

  /** Publishes on IOPub; the topic frame is `kernel.<session>.<msg_type>` like ipykernel's. */
  publish(message: Message): Promise<void> {
    const topic = Buffer.from(`kernel.${message.header.session}.${message.header.msg_type}`);
    return this.enqueue(this.iopub, serialize({ ...message, identities: [topic] }, this.signer));
  }

  private enqueue(socket: zmq.Socket & { send(frames: Buffer[]): Promise<void> }, frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    const previous = this.sendQueues.get(socket) ?? Promise.resolve();
    const next = previous.then(() => socket.send(frames)).catch((error: unknown) => {
      if (!this.closed) kernelLog(`send failed: ${(error as Error).message}`);
    });
    this.sendQueues.set(socket, next);
    return next;
  }

  /** Resolves once every queued send was handed to ZeroMQ (whose I/O thread then delivers it). */
  async flushed(): Promise<void> {
    await Promise.all(this.sendQueues.values());
  }

  /** Waits for queued sends (so a shutdown reply goes out), then closes every socket. */
  async close(): Promise<void> {
    await Promise.all(this.sendQueues.values());
    this.closed = true;
    for (const socket of [...Object.values(this.routers), this.iopub, this.heartbeat]) socket.close();
  }
}
