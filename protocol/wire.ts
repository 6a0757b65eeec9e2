/**
 * The Jupyter wire protocol (messaging spec 5.4): framing, HMAC signing and (de)serialisation.
 *
 * Shared by the kernel (kernel/) and the notebook runner (runner/), so both ends of our tests speak
 * exactly the same bytes. Pure functions plus one small class holding the key (and, on the receiving
 * side, the signatures already seen: a replayed message is rejected, as ipykernel does).
 *
 * A message on a ZeroMQ socket is a list of frames:
 *   [routing ids…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]
 * The signature is the hex HMAC of the four JSON frames; an empty key means "no signing".
 */
import { createHmac, getHashes, randomUUID, timingSafeEqual } from "node:crypto";
import { isObject, type Json, type JsonObject } from "./json";

export { isObject, type Json, type JsonObject } from "./json";

export const PROTOCOL_VERSION = "5.4";
export const DELIMITER = "<IDS|MSG>";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [key: string]: Json;
}

export interface Message<C extends JsonObject = JsonObject> {
  /** ZeroMQ routing identities (ROUTER sockets) or the topic (IOPub). */
  identities: Buffer[];
  header: MessageHeader;
  /** `{}` when the message has no parent. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
}

/** What a connection file (`kernel-*.json`) holds. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port` as const];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

export class WireError extends Error {
  override name = "WireError";
}

export const replayedMessage = (): string => "Replayed message: this signature was already received";

/** The HMAC schemes a connection file may name: `hmac-<digest>` with a digest this Node.js has. */
export function signatureAlgorithm(scheme: string): string | undefined {
  const match = /^hmac-([a-z0-9-]+)$/i.exec(scheme);
  if (!match) return undefined;
  const algorithm = match[1].toLowerCase();
  return getHashes().includes(algorithm) ? algorithm : undefined;
}

/** How many signatures a receiver remembers to reject replays (ipykernel keeps 2^16 too). */
export const DIGEST_HISTORY_SIZE = 1 << 16;

/** Signs and verifies messages with the connection's key and scheme ("hmac-sha256" etc.). */
export class Signer {
  private readonly algorithm: string;
  private readonly key: Buffer;
  /** Signatures of messages already accepted: the same signed message twice is a replay. */
  private readonly seen = new Set<string>();

  constructor(key: string, scheme = "hmac-sha256") {
    if (typeof key !== "string") throw new WireError(`The signing key must be a string, got ${typeof key}`);
    const algorithm = signatureAlgorithm(scheme);
    if (key !== "" && !algorithm) {
      throw new WireError(`Unsupported signature_scheme "${scheme}": expected hmac-<digest>, e.g. hmac-sha256`);
    }
    this.algorithm = algorithm ?? "sha256";
    this.key = Buffer.from(key, "utf8");
  }

  get enabled(): boolean {
    return this.key.length > 0;
  }

  sign(frames: Buffer[]): string {
    if (!this.enabled) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  /** Constant-time check; with signing disabled every message is accepted. */
  verify(signature: string, frames: Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(frames), "utf8");
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /**
   * Remembers an accepted signature; false when it was seen before (a replayed message). When the
   * history is full the older half is forgotten (a replay that old is also rejected by its date).
   */
  firstSighting(signature: string): boolean {
    if (!this.enabled) return true;
    if (this.seen.has(signature)) return false;
    if (this.seen.size >= DIGEST_HISTORY_SIZE) {
      let drop = this.seen.size >> 1;
      for (const old of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(old);
      }
    }
    this.seen.add(signature);
    return true;
  }
}

export function newHeader(msgType: string, session: string, username = "optimlab"): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Builds a message; replies and IOPub output pass the request as `parent` so clients can route them. */
export function createMessage<C extends JsonObject>(
  msgType: string,
  content: C,
  options: { parent?: Message; session: string; identities?: Buffer[]; metadata?: JsonObject; buffers?: Buffer[] },
): Message<C> {
  return {
    identities: options.identities ?? options.parent?.identities ?? [],
    header: newHeader(msgType, options.session),
    parent_header: options.parent ? options.parent.header : {},
    metadata: options.metadata ?? {},
    content,
    buffers: options.buffers ?? [],
  };
}

export function serialize(message: Message, signer: Signer): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), "utf8"),
  );
  return [...message.identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...message.buffers];
}

/**
 * Parses frames into a message. Throws WireError for a missing delimiter, a bad signature or bad JSON:
 * callers log and drop such messages (a malformed message must never take the kernel down). A kernel
 * passes `rejectReplays`: a signature it has already accepted is refused (replayedMessage()).
 */
export function deserialize(frames: Buffer[], signer: Signer, options: { rejectReplays?: boolean } = {}): Message {
  const at = frames.findIndex((frame) => frame.length === DELIMITER.length && frame.toString() === DELIMITER);
  if (at < 0) throw new WireError("Message has no <IDS|MSG> delimiter frame");
  if (frames.length < at + 6)
    throw new WireError(`Message has ${frames.length - at - 1} frames after the delimiter; expected at least 5`);
  const signature = frames[at + 1].toString("utf8");
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) throw new WireError("Invalid message signature");
  if (options.rejectReplays && !signer.firstSighting(signature)) throw new WireError(replayedMessage());
  let parsed: Json[];
  try {
    parsed = parts.map((part) => JSON.parse(part.toString("utf8")) as Json);
  } catch (error) {
    throw new WireError(`Message frame is not valid JSON: ${(error as Error).message}`);
  }
  const [header, parent, metadata, content] = parsed;
  if (!isObject(header) || typeof header.msg_type !== "string") throw new WireError("Message header has no msg_type");
  return {
    identities: frames.slice(0, at),
    header: header as MessageHeader,
    parent_header: (isObject(parent) ? parent : {}) as Message["parent_header"],
    metadata: isObject(metadata) ? metadata : {},
    content: isObject(content) ? content : {},
    buffers: frames.slice(at + 6),
  };
}
