/**
 * A bound ZeroMQ ROUTER or REP socket written in TypeScript over `node:net` (ZMTP 3, NULL mechanism):
 * what the kernel's control thread needs, without ZeroMQ's native addon, which cannot be torn down
 * safely in a worker thread (see zmtpCodec.ts). libzmq clients (pyzmq, zeromq.js) connect to it as to
 * any ZeroMQ socket.
 *
 * - ROUTER: every received message starts with the sending peer's routing id (its `Identity` property,
 *   or a generated 5-byte id); `send([id, ...frames])` goes to that peer, and is dropped when the peer
 *   is gone, as libzmq does. A newer connection announcing an id already in use takes it over (libzmq's
 *   ROUTER_HANDOVER), so a client that reconnects is answered on its new connection.
 * - REP: requests are answered one at a time, in order; `send` answers the request last received,
 *   with its envelope (the frames up to the empty delimiter).
 */
import { existsSync, unlinkSync } from "node:fs";
import * as net from "node:net";
import {
  checkGreeting,
  encodeCommand,
  encodeMessage,
  encodeReady,
  decodeProperties,
  FrameReader,
  greeting,
  ZmtpError,
  type Command,
} from "./zmtpCodec";

export type ZmtpSocketType = "ROUTER" | "REP";

/** Which peers each of our socket types may talk to (ZMTP's socket-type compatibility table). */
const COMPATIBLE: Record<ZmtpSocketType, readonly string[]> = {
  ROUTER: ["DEALER", "REQ", "ROUTER"],
  REP: ["REQ", "DEALER"],
};

export interface ZmtpSocketOptions {
  /** How long `close()` waits for queued output to reach peers before dropping it (ms). */
  lingerMs?: number;
  /** Where to report a peer dropped for breaking the protocol (default: nowhere). */
  log?: (line: string) => void;
}

interface Peer {
  socket: net.Socket;
  id: Buffer;
  ready: boolean;
}

interface Request {
  peer: Peer;
  envelope: Buffer[];
  body: Buffer[];
}

export class ZmtpSocket implements AsyncIterable<Buffer[]> {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly peers = new Set<Peer>();
  private readonly byId = new Map<string, Peer>();
  /** Received messages not yet taken by the reader, and the reader waiting for one. */
  private readonly inbox: Request[] = [];
  private waiting: ((request: Request | undefined) => void) | undefined;
  /** REP: the request being answered. */
  private current: Request | undefined;
  private nextId = Math.floor(Math.random() * 0xffffffff);
  private closed = false;

  constructor(
    readonly type: ZmtpSocketType,
    private readonly options: ZmtpSocketOptions = {},
  ) {}

  /** Listens on `tcp://host:port` (host `*` for all interfaces, port 0 for any) or `ipc://path`. */
  async bind(endpoint: string): Promise<void> {
    const target = parseEndpoint(endpoint);
    if ("path" in target && existsSync(target.path)) unlinkSync(target.path); // a stale socket file, as libzmq does
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(target, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /** The TCP port actually bound (useful after binding port 0). */
  get port(): number | undefined {
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : undefined;
  }

  /** Messages as they arrive: ROUTER's start with the peer's id; REP's are the request's body. */
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer[]> {
    for (;;) {
      const request = this.inbox.shift() ?? (await new Promise<Request | undefined>((r) => (this.waiting = r)));
      if (!request) return;
      if (this.type === "ROUTER") {
        yield [request.peer.id, ...request.body];
      } else {
        this.current = request;
        yield request.body;
      }
    }
  }

  /** ROUTER: `[peerId, ...frames]`; REP: the reply to the current request. */
  send(frames: readonly Uint8Array[]): void {
    if (this.closed) throw new ZmtpError("the socket is closed");
    if (this.type === "ROUTER") {
      const [id, ...rest] = frames;
      if (id === undefined || rest.length === 0) throw new ZmtpError("ROUTER send needs [peer id, ...frames]");
      const peer = this.byId.get(Buffer.from(id).toString("latin1"));
      if (peer && !peer.socket.destroyed) peer.socket.write(encodeMessage(rest));
      return;
    }
    const request = this.current;
    if (!request) throw new ZmtpError("REP send without a request to answer");
    this.current = undefined;
    if (!request.peer.socket.destroyed) request.peer.socket.write(encodeMessage([...request.envelope, ...frames]));
  }

  /** Stops listening, lets queued output drain for `lingerMs`, then drops every peer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waiting?.(undefined);
    this.waiting = undefined;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const linger = this.options.lingerMs ?? 0;
    await Promise.all(
      [...this.peers].map(
        (peer) =>
          new Promise<void>((resolve) => {
            if (peer.socket.destroyed) return resolve();
            peer.socket.once("close", () => resolve());
            if (linger <= 0) {
              peer.socket.destroy();
              return;
            }
            peer.socket.end();
            setTimeout(() => peer.socket.destroy(), linger).unref();
          }),
      ),
    );
    await stopped;
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const peer: Peer = { socket, id: Buffer.alloc(0), ready: false };
    this.peers.add(peer);
    const reader = new FrameReader();
    socket.write(greeting());
    socket.on("data", (chunk: Buffer) => {
      try {
        const { greeting: peerGreeting, received } = reader.push(chunk);
        if (peerGreeting) {
          checkGreeting(peerGreeting);
          socket.write(encodeReady({ "Socket-Type": this.type }));
        }
        for (const item of received) {
          if (item.kind === "command") this.command(peer, item.command);
          else if (!peer.ready) throw new ZmtpError("a message arrived before the READY handshake");
          else this.deliver(peer, item.frames);
        }
      } catch (error) {
        this.options.log?.(`ZMTP peer dropped: ${(error as Error).message}`);
        socket.destroy();
      }
    });
    socket.on("error", () => undefined); // a reset peer; "close" follows and cleans up
    socket.on("close", () => {
      this.peers.delete(peer);
      const key = peer.id.toString("latin1");
      if (this.byId.get(key) === peer) this.byId.delete(key);
    });
  }

  private command(peer: Peer, command: Command): void {
    switch (command.name) {
      case "READY": {
        if (peer.ready) throw new ZmtpError("READY sent twice");
        const properties = decodeProperties(command.data);
        const peerType = properties.get("socket-type")?.toString("ascii") ?? "";
        if (!COMPATIBLE[this.type].includes(peerType)) {
          peer.socket.write(encodeCommand("ERROR", errorReason(`${this.type} does not talk to ${peerType || "?"}`)));
          throw new ZmtpError(`a ${peerType || "typeless"} peer cannot talk to ${this.type}`);
        }
        const announced = properties.get("identity");
        peer.id = announced && announced.length > 0 ? Buffer.from(announced) : this.generatedId();
        this.byId.set(peer.id.toString("latin1"), peer);
        peer.ready = true;
        return;
      }
      case "PING": // ZMTP 3.1 heartbeat: answer with the ping's context (after its 2-byte TTL)
        peer.socket.write(encodeCommand("PONG", command.data.subarray(2)));
        return;
      case "ERROR":
        throw new ZmtpError(`the peer reported an error: ${command.data.subarray(1).toString("utf8")}`);
      default:
        return; // PONG and unknown commands carry nothing for us
    }
  }

  private deliver(peer: Peer, frames: Buffer[]): void {
    if (this.closed) return;
    let request: Request;
    if (this.type === "ROUTER") {
      request = { peer, envelope: [], body: frames };
    } else {
      const delimiter = frames.findIndex((frame) => frame.length === 0);
      // A REQ peer always sends the empty delimiter; a DEALER may not (then the envelope is empty).
      request =
        delimiter < 0
          ? { peer, envelope: [], body: frames }
          : { peer, envelope: frames.slice(0, delimiter + 1), body: frames.slice(delimiter + 1) };
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(request);
    else this.inbox.push(request);
  }

  /** libzmq's form: a zero byte, then a 32-bit counter. */
  private generatedId(): Buffer {
    const id = Buffer.alloc(5);
    this.nextId = (this.nextId + 1) >>> 0;
    id.writeUInt32BE(this.nextId, 1);
    return id;
  }
}

function errorReason(reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 255), "utf8");
  return Buffer.concat([Buffer.from([text.length]), text]);
}

function parseEndpoint(endpoint: string): { path: string } | { host: string; port: number } {
  const ipc = /^ipc:\/\/(.+)$/.exec(endpoint);
  if (ipc) return { path: ipc[1] };
  const tcp = /^tcp:\/\/(\*|\[[^\]]+\]|[^:]+):(\d+|\*)$/.exec(endpoint);
  if (!tcp) throw new ZmtpError(`cannot bind ${JSON.stringify(endpoint)}: use tcp://host:port or ipc://path`);
  const host = tcp[1] === "*" ? "0.0.0.0" : tcp[1].replace(/^\[|\]$/g, "");
  return { host, port: tcp[2] === "*" ? 0 : Number(tcp[2]) };
}
