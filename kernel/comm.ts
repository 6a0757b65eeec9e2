/**
 * Comms in the kernel (Jupyter messaging spec, "Custom messages"): `comm_open` / `comm_msg` /
 * `comm_close` in both directions, binary buffers, `comm_info_request`, and a registry of kernel-side
 * targets. This is what ipywidgets-style widgets (src/widgets) talk through.
 *
 * The server needs exactly one hook: pass every `comm_*` shell message to `handleCommMessage`, inside
 * the request's output scope (so what a callback prints goes to that request: the front end shows it
 * under the widget's cell, or in an Output widget capturing that message id). The library reaches
 * this manager only through the `CommSink` it installs on `globalThis` (src/widgets/commProtocol.ts).
 *
 * Like ipykernel: a `comm_open` to an unknown target is answered with `comm_close` (the front end
 * learns the kernel cannot serve it); messages for unknown comm ids are logged and dropped; a handler
 * that throws prints its error to the request's stderr and leaves the comm open.
 */
import { randomUUID } from "node:crypto";
import type {
  Comm,
  CommData,
  CommHandlers,
  CommMessage,
  CommSink,
  CommTargetHandler,
} from "../src/widgets/commProtocol";
import type { JsonObject, Message } from "../protocol/wire";
import { runUserCode } from "./userCodeScope";
import { cellContext, type CellScope } from "./output";

export type CommMessageType = "comm_open" | "comm_msg" | "comm_close";

/** How the manager sends: IOPub publishing, after any buffered stream text, as a child of `parent`. */
export interface CommTransport {
  publish(
    msgType: CommMessageType,
    content: JsonObject,
    options: { parent?: Message; metadata?: JsonObject; buffers?: Buffer[] },
  ): void;
  /** The request being handled now (its output scope), if any. */
  currentParent(): Message | undefined;
  /** Kernel log (stderr of the kernel process, not a cell). */
  log(text: string): void;
}

export const COMM_MESSAGE_TYPES: readonly string[] = ["comm_open", "comm_msg", "comm_close", "comm_info_request"];

export const unknownTargetLog = (target: string): string =>
  `comm_open for unknown target "${target}": closing it (register the target in the kernel first)`;
export const unknownCommLog = (msgType: string, commId: string): string =>
  `${msgType} for unknown comm ${commId}: ignored`;

/** How a callback's error shows in the request's stderr. */
function callbackErrorText(what: string, error: unknown): string {
  return `Error in ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function isObject(value: unknown): value is CommData {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class KernelComm implements Comm {
  closed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
    public handlers: CommHandlers,
    private readonly manager: CommManager,
  ) {}

  send(data: CommData, options: { buffers?: Uint8Array[]; metadata?: CommData } = {}): void {
    if (this.closed) return;
    this.manager.send("comm_msg", { comm_id: this.commId, data: data }, options);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.manager.forget(this.commId);
    this.manager.send("comm_close", { comm_id: this.commId, data: data }, {});
  }

  setHandlers(handlers: CommHandlers): void {
    this.handlers = handlers;
  }
}

export class CommManager implements CommSink {
  private readonly comms = new Map<string, KernelComm>();
  private readonly targets = new Map<string, CommTargetHandler>();

  constructor(private readonly transport: CommTransport) {}

  // ------------------------------------------------------------------------------------------------
  // CommSink: what the library calls

  open(
    targetName: string,
    data: CommData,
    handlers: CommHandlers,
    options: { buffers?: Uint8Array[]; metadata?: CommData; commId?: string } = {},
  ): Comm {
    const comm = new KernelComm(options.commId ?? randomUUID().replace(/-/g, ""), targetName, handlers, this);
    this.comms.set(comm.commId, comm);
    this.send("comm_open", { comm_id: comm.commId, target_name: targetName, data: data }, options);
    return comm;
  }

  registerTarget(targetName: string, handler: CommTargetHandler | undefined): void {
    if (handler) this.targets.set(targetName, handler);
    else this.targets.delete(targetName);
  }

  currentMessageId(): string {
    return this.transport.currentParent()?.header.msg_id ?? "";
  }

  captureScope(): unknown {
    return cellContext.getStore();
  }

  runInScope<T>(scope: unknown, fn: () => T): T {
    return runUserCode(scope as CellScope | undefined, fn);
  }

  keepOpen(work: PromiseLike<unknown>): void {
    const scope = cellContext.getStore();
    // Only a front end's comm message waits (a cell's reply must not wait for a widget callback).
    if (!scope || !COMM_MESSAGE_TYPES.includes(scope.parent.header.msg_type)) return;
    scope.pending.push(
      Promise.resolve(work).catch((error: unknown) =>
        runUserCode(scope, () => process.stderr.write(callbackErrorText("an async comm callback", error))),
      ),
    );
  }

  // ------------------------------------------------------------------------------------------------
  // The server's hook

  /**
   * Handles `comm_open` / `comm_msg` / `comm_close` from the front end and answers
   * `comm_info_request` (through `reply`). Returns false for any other message type.
   */
  async handleCommMessage(
    message: Message,
    reply: (msgType: string, content: JsonObject) => Promise<void>,
  ): Promise<boolean> {
    const content = message.content;
    switch (message.header.msg_type) {
      case "comm_info_request":
        await reply("comm_info_reply", {
          status: "ok",
          comms: this.info(typeof content.target_name === "string" ? content.target_name : undefined),
        });
        return true;
      case "comm_open":
        this.receiveOpen(message);
        return true;
      case "comm_msg":
      case "comm_close":
        this.receive(message);
        return true;
      default:
        return false;
    }
  }

  /** Open comms, optionally only those of one target: `{ [comm_id]: { target_name } }`. */
  info(targetName?: string): JsonObject {
    const comms: JsonObject = {};
    for (const comm of this.comms.values()) {
      if (targetName === undefined || targetName === "" || comm.targetName === targetName)
        comms[comm.commId] = { target_name: comm.targetName };
    }
    return comms;
  }

  /** Number of open comms (tests, and the kernel's shutdown log). */
  get size(): number {
    return this.comms.size;
  }

  // ------------------------------------------------------------------------------------------------
  // Internals used by KernelComm

  send(msgType: CommMessageType, content: JsonObject, options: { buffers?: Uint8Array[]; metadata?: CommData }): void {
    this.transport.publish(msgType, content, {
      parent: this.transport.currentParent(),
      metadata: options.metadata ?? {},
      buffers: (options.buffers ?? []).map(toBuffer),
    });
  }

  forget(commId: string): void {
    this.comms.delete(commId);
  }

  private commMessage(message: Message): CommMessage {
    const data = message.content.data;
    return {
      data: isObject(data) ? data : {},
      buffers: message.buffers,
      metadata: message.metadata,
      msgId: message.header.msg_id,
    };
  }

  private receiveOpen(message: Message): void {
    const commId = asString(message.content.comm_id);
    const targetName = asString(message.content.target_name);
    const handler = this.targets.get(targetName);
    const comm = new KernelComm(commId, targetName, {}, this);
    if (!commId || !handler) {
      this.transport.log(unknownTargetLog(targetName));
      comm.close();
      return;
    }
    this.comms.set(commId, comm);
    this.guard(`comm_open handler of target "${targetName}"`, () => handler(comm, this.commMessage(message)));
  }

  private receive(message: Message): void {
    const msgType = message.header.msg_type;
    const commId = asString(message.content.comm_id);
    const comm = this.comms.get(commId);
    if (!comm) {
      this.transport.log(unknownCommLog(msgType, commId));
      return;
    }
    const received = this.commMessage(message);
    if (msgType === "comm_close") {
      comm.closed = true;
      this.forget(commId);
      this.guard(`close handler of comm ${commId}`, () => comm.handlers.onClose?.(received));
    } else {
      this.guard(`message handler of comm ${commId}`, () => comm.handlers.onMessage?.(received));
    }
  }

  /**
   * Runs a handler in the request's scope, also after its `await`s (kernel/userCodeScope.ts). A throwing
   * handler must not take the comm (or the kernel) down: its error goes to the request's stderr.
   */
  private guard(what: string, run: () => void): void {
    try {
      runUserCode(cellContext.getStore(), run);
    } catch (error) {
      process.stderr.write(callbackErrorText(what, error));
    }
  }
}
