/**
 * The client end of one kernel's ZeroMQ sockets, shared by the kernel test harness
 * (protocol/kernelHarness.ts) and the notebook runner (runner/client.ts): it connects the sockets
 * from a connection info, signs what it sends, and routes what comes back by the request's msg_id
 * (the `parent_header.msg_id` of replies and IOPub messages). Process handling, readiness and fault
 * handling stay with the two users.
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
} from "./wire";

/** Channels a client sends requests on (DEALER sockets). */
export type ClientChannel = "shell" | "control" | "stdin";
export type IopubHandler = (message: Message) => void;

export interface KernelConnectionOptions {
  /** DEALER channels to open; shell and control by default. */
  channels?: readonly ClientChannel[];
  /** Also open the heartbeat REQ socket (for `ping`). */
  heartbeat?: boolean;
  /** The header's session; a random UUID by default. */
  session?: string;
  /**
   * Keep a reply that arrives before anyone waits for it, for a later `reply(msgId)`. Off by default:
   * a client that registers before sending would only collect replies it stopped waiting for.
   */
  keepEarlyReplies?: boolean;
  /** Called with every IOPub message, whoever its parent is. */
  onAnyIopub?: IopubHandler;
}

export function noReplyMessage(msgType: string, timeoutMs: number): string {
  return `no reply to ${msgType} within ${timeoutMs} ms`;
}

export function channelNotOpenMessage(channel: string): string {
  return `the ${channel} channel is not open on this connection (pass it in the "channels" option)`;
}

export class KernelConnection {
  readonly signer: Signer;
  readonly session: string;
  /** Messages dropped for a bad signature or framing; counted so tests and reports can see them. */
  droppedMessages = 0;
  private readonly dealers = new Map<ClientChannel, zmq.Dealer>();
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly hb: zmq.Request | undefined;
  private readonly replyWaiters = new Map<string, (reply: Message) => void>();
  private readonly earlyReplies = new Map<string, Message>();
  private readonly iopubHandlers = new Map<string, IopubHandler>();
  private readonly keepEarlyReplies: boolean;
  private readonly onAnyIopub: IopubHandler | undefined;
  private closed = false;

  constructor(
    readonly info: ConnectionInfo,
    options: KernelConnectionOptions = {},
  ) {
    this.signer = new Signer(info.key, info.signature_scheme);
    this.session = options.session ?? randomUUID();
    this.keepEarlyReplies = options.keepEarlyReplies ?? false;
    this.onAnyIopub = options.onAnyIopub;
    for (const channel of options.channels ?? ["shell", "control"]) {
      const socket = new zmq.Dealer({ linger: 0 });
      socket.connect(endpoint(info, channel));
      this.dealers.set(channel, socket);
    }
    if (options.heartbeat) {
      this.hb = new zmq.Request({ linger: 0, receiveTimeout: 2000 });
      this.hb.connect(endpoint(info, "hb"));
    }
    this.iopub.connect(endpoint(info, "iopub"));
    this.iopub.subscribe();
    for (const socket of this.dealers.values()) void this.receiveLoop(socket, (message) => this.routeReply(message));
    void this.receiveLoop(this.iopub, (message) => this.routeIopub(message));
  }

  /** A new request with this connection's session (not sent). */
  message(msgType: string, content: JsonObject): Message {
    return createMessage(msgType, content, { session: this.session });
  }

  /** Signs (with this connection's key unless `signer` says otherwise) and sends `message`. */
  send(channel: ClientChannel, message: Message, signer: Signer = this.signer): Promise<void> {
    return this.sendFrames(channel, serialize(message, signer));
  }

  /** Sends frames as they are (tests of malformed or badly signed messages). */
  sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void> {
    const socket = this.dealers.get(channel);
    if (!socket) return Promise.reject(new Error(channelNotOpenMessage(channel)));
    return socket.send(frames);
  }

  /**
   * The reply whose parent is `msgId`. Without `timeoutMs` it never rejects (the caller races it
   * against its own timeouts); with it, it rejects with `noReplyMessage` and stops waiting.
   */
  reply(msgId: string, timeoutMs?: number, msgType = "request"): Promise<Message> {
    const early = this.earlyReplies.get(msgId);
    if (early) {
      this.earlyReplies.delete(msgId);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.replyWaiters.delete(msgId);
          reject(new Error(noReplyMessage(msgType, timeoutMs)));
        }, timeoutMs);
        timer.unref();
      }
      this.replyWaiters.set(msgId, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  /** Sends IOPub messages whose parent is `msgId` to `handler` until `stopListening(msgId)`. */
  listen(msgId: string, handler: IopubHandler): void {
    this.iopubHandlers.set(msgId, handler);
  }

  stopListening(msgId: string): void {
    this.iopubHandlers.delete(msgId);
  }

  /** Forgets a request whose reply will never be awaited (timed out, kernel dead). */
  forget(msgId: string): void {
    this.replyWaiters.delete(msgId);
    this.earlyReplies.delete(msgId);
    this.iopubHandlers.delete(msgId);
  }

  /** One heartbeat ping; resolves with the echoed bytes. */
  async ping(payload = "ping"): Promise<string> {
    if (!this.hb) throw new Error(channelNotOpenMessage("hb"));
    await this.hb.send(payload);
    const [echo] = await this.hb.receive();
    return echo.toString();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.dealers.values()) socket.close();
    this.iopub.close();
    this.hb?.close();
    this.replyWaiters.clear();
    this.earlyReplies.clear();
    this.iopubHandlers.clear();
  }

  private routeReply(message: Message): void {
    const parentId = message.parent_header.msg_id;
    if (typeof parentId !== "string" || !parentId) return;
    const resolve = this.replyWaiters.get(parentId);
    if (resolve) {
      this.replyWaiters.delete(parentId);
      resolve(message);
    } else if (this.keepEarlyReplies) {
      this.earlyReplies.set(parentId, message); // arrived before anyone asked for it
    }
  }

  private routeIopub(message: Message): void {
    this.onAnyIopub?.(message);
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
