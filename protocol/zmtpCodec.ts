/**
 * ZMTP 3 framing (ZeroMQ's wire protocol, rfc.zeromq.org/spec/23 and 37) with the NULL mechanism:
 * the greeting, the READY handshake, and frames. Pure data: no sockets here (see zmtpSocket.ts).
 *
 * Why we speak it ourselves: the kernel's control thread is a worker, and ZeroMQ's native addon does not
 * survive a worker's teardown (zeromq.js#411: the process aborts with a corrupted heap in about one
 * shutdown in ten). Jupyter's control, stdin and heartbeat channels need only a ROUTER and a REP socket
 * with no security, which are a few dozen lines of this protocol over `node:net`.
 */

/** A complete greeting is always 64 bytes. */
export const GREETING_LENGTH = 64;
/** Refuse any single message bigger than this: a peer cannot make us buffer without limit. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

const MORE = 0x01;
const LONG = 0x02;
const COMMAND = 0x04;

/**
 * Our greeting: signature (0xFF, 8 padding bytes, 0x7F; the padding's last byte is 1 as libzmq sends,
 * so ZMTP 1.0 peers read a valid length), version 3.0, mechanism "NULL", as-server 0, filler.
 */
export function greeting(): Buffer {
  const bytes = Buffer.alloc(GREETING_LENGTH);
  bytes[0] = 0xff;
  bytes[8] = 0x01;
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes[11] = 0;
  bytes.write("NULL", 12, "ascii");
  return bytes;
}

export class ZmtpError extends Error {
  override name = "ZmtpError";
}

/** Checks a peer's 64-byte greeting: ZMTP 3 or later, NULL mechanism. */
export function checkGreeting(bytes: Buffer): void {
  if (bytes[0] !== 0xff || bytes[9] !== 0x7f) throw new ZmtpError("not a ZMTP 3 peer (bad greeting signature)");
  if (bytes[10] < 3) throw new ZmtpError(`the peer speaks ZMTP ${bytes[10]}; ZMTP 3 or later is needed`);
  const mechanism = bytes.subarray(12, 32).toString("ascii").replace(/\0+$/, "");
  if (mechanism !== "NULL") throw new ZmtpError(`the peer asks for the ${mechanism} mechanism; only NULL is served`);
}

/** One frame on the wire: flags, a 1- or 8-byte size, the body. */
export function encodeFrame(body: Uint8Array, more: boolean, command = false): Buffer {
  const long = body.length > 255;
  const head = Buffer.alloc(long ? 9 : 2);
  head[0] = (more ? MORE : 0) | (long ? LONG : 0) | (command ? COMMAND : 0);
  if (long) head.writeBigUInt64BE(BigInt(body.length), 1);
  else head[1] = body.length;
  return Buffer.concat([head, body]);
}

/** A multipart message as frames, each but the last marked MORE. */
export function encodeMessage(frames: readonly Uint8Array[]): Buffer {
  if (frames.length === 0) throw new ZmtpError("a ZeroMQ message has at least one frame");
  return Buffer.concat(frames.map((frame, i) => encodeFrame(frame, i < frames.length - 1)));
}

/** A command frame: name length, name, data. */
export function encodeCommand(name: string, data: Uint8Array = Buffer.alloc(0)): Buffer {
  const nameBytes = Buffer.from(name, "ascii");
  return encodeFrame(Buffer.concat([Buffer.from([nameBytes.length]), nameBytes, data]), false, true);
}

/** The READY command's metadata: (name length, name, 4-byte value length, value) per property. */
export function encodeReady(properties: Record<string, string | Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const valueBytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(valueBytes.length);
    parts.push(Buffer.from([name.length]), Buffer.from(name, "ascii"), size, valueBytes);
  }
  return encodeCommand("READY", Buffer.concat(parts));
}

export interface Command {
  name: string;
  data: Buffer;
}

export function decodeCommand(body: Buffer): Command {
  const length = body[0] ?? 0;
  if (body.length < 1 + length) throw new ZmtpError("truncated command frame");
  return { name: body.subarray(1, 1 + length).toString("ascii"), data: body.subarray(1 + length) };
}

/** Properties of a READY command; names are case-insensitive in ZMTP, so keys are lower-cased. */
export function decodeProperties(data: Buffer): Map<string, Buffer> {
  const properties = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    const nameLength = data[at];
    const valueAt = at + 1 + nameLength + 4;
    if (valueAt > data.length) throw new ZmtpError("truncated READY metadata");
    const name = data.subarray(at + 1, at + 1 + nameLength).toString("ascii");
    const valueLength = data.readUInt32BE(at + 1 + nameLength);
    if (valueAt + valueLength > data.length) throw new ZmtpError("truncated READY metadata");
    properties.set(name.toLowerCase(), data.subarray(valueAt, valueAt + valueLength));
    at = valueAt + valueLength;
  }
  return properties;
}

export type Received = { kind: "message"; frames: Buffer[] } | { kind: "command"; command: Command };

/**
 * Reads frames from a byte stream that arrives in arbitrary chunks, and hands out whole messages and
 * commands in order. The greeting is read first.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private greeted = false;
  private frames: Buffer[] = [];
  private messageBytes = 0;

  /** Feeds bytes; returns the greeting (once) and every complete message or command now available. */
  push(chunk: Buffer): { greeting?: Buffer; received: Received[] } {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    let peerGreeting: Buffer | undefined;
    if (!this.greeted) {
      if (this.buffered < GREETING_LENGTH) return { received: [] };
      peerGreeting = this.take(GREETING_LENGTH);
      this.greeted = true;
    }
    const received: Received[] = [];
    for (;;) {
      const header = this.peek(9);
      if (header.length < 2) break;
      const flags = header[0];
      const long = (flags & LONG) !== 0;
      if (long && header.length < 9) break;
      const size = long ? header.readBigUInt64BE(1) : BigInt(header[1]);
      if (size + BigInt(this.messageBytes) > BigInt(MAX_MESSAGE_BYTES)) {
        throw new ZmtpError(`a message over ${MAX_MESSAGE_BYTES} bytes was refused`);
      }
      const headLength = long ? 9 : 2;
      if (this.buffered < headLength + Number(size)) break;
      this.take(headLength);
      const body = this.take(Number(size));
      if (flags & COMMAND) {
        received.push({ kind: "command", command: decodeCommand(body) });
        continue;
      }
      this.frames.push(body);
      this.messageBytes += body.length;
      if (!(flags & MORE)) {
        received.push({ kind: "message", frames: this.frames });
        this.frames = [];
        this.messageBytes = 0;
      }
    }
    return peerGreeting ? { greeting: peerGreeting, received } : { received };
  }

  /** Up to `length` leading bytes without consuming them. */
  private peek(length: number): Buffer {
    if (this.chunks.length === 0) return Buffer.alloc(0);
    if (this.chunks[0].length >= length || this.chunks.length === 1) return this.chunks[0].subarray(0, length);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].subarray(0, length);
  }

  private take(length: number): Buffer {
    if (length === 0) return Buffer.alloc(0); // an empty frame (the REQ delimiter), maybe at the end
    if (this.chunks[0].length < length) this.chunks = [Buffer.concat(this.chunks)];
    const head = this.chunks[0];
    const taken = head.subarray(0, length);
    if (head.length === length) this.chunks.shift();
    else this.chunks[0] = head.subarray(length);
    this.buffered -= length;
    return taken;
  }
}
