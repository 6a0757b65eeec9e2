/**
 * The comm protocol between library objects (widgets) and whatever carries comms (our kernel).
 *
 * Same layer and same trick as the display protocol (src/display/protocol.ts): the kernel installs a
 * `CommSink` on `globalThis` under a `Symbol.for` key, library objects look it up. The library never
 * imports the kernel, and two copies of this module (the kernel's, a notebook's `import "optimlab"`)
 * still meet. Outside a kernel there is no sink: widgets then live only in this process (values,
 * observers and callbacks work; nothing is sent).
 *
 * A comm (Jupyter messaging spec, "Custom messages") is a channel between one kernel-side object and
 * its front-end twin: `comm_open` creates it, `comm_msg` carries `data` (JSON) plus binary
 * `buffers` both ways, `comm_close` ends it.
 */
import { globalSlot } from "../display/protocol";

/** JSON values as they travel in comm data. */
export type CommJson = null | boolean | number | string | CommJson[] | { [key: string]: CommJson };
export type CommData = { [key: string]: CommJson };

/** One comm message as a kernel-side handler sees it. */
export interface CommMessage {
  data: CommData;
  buffers: Uint8Array[];
  metadata: CommData;
  /** The `msg_id` of the message that carried it (front-end update → `echo_update` parent, Output capture). */
  msgId: string;
}

/** What a kernel-side comm object reacts to. */
export interface CommHandlers {
  onMessage?(message: CommMessage): void;
  onClose?(message: CommMessage): void;
}

/** The kernel end of one open comm. */
export interface Comm {
  readonly commId: string;
  readonly targetName: string;
  send(data: CommData, options?: { buffers?: Uint8Array[]; metadata?: CommData }): void;
  close(data?: CommData): void;
  /** Replaces the handlers (a target's open callback sets them for front-end-opened comms). */
  setHandlers(handlers: CommHandlers): void;
}

/** Called when the front end opens a comm to a registered target; sets the comm's handlers. */
export type CommTargetHandler = (comm: Comm, open: CommMessage) => void;

/** What the kernel provides. */
export interface CommSink {
  /** Opens a comm from the kernel side (sends `comm_open`). */
  open(
    targetName: string,
    data: CommData,
    handlers: CommHandlers,
    options?: { buffers?: Uint8Array[]; metadata?: CommData; commId?: string },
  ): Comm;
  /** Registers (or with `undefined`, removes) a kernel-side target for comms the front end opens. */
  registerTarget(targetName: string, handler: CommTargetHandler | undefined): void;
  /** `msg_id` of the request being handled now (a cell, or a front end's comm_msg); "" outside any. */
  currentMessageId(): string;
  /**
   * The output scope of the request being handled now, and a way to run code in it later: work a
   * callback finishes after an `await` (interact's runs) still belongs to the request that caused it.
   */
  captureScope?(): unknown;
  runInScope?<T>(scope: unknown, fn: () => T): T;
  /**
   * Keeps the request being handled open (its `idle` status waits) until `work` settles: front ends
   * drop a request's output after its idle (JupyterLab disposes the message's future), so an async
   * callback's output after an `await` needs the request still open. A rejection is shown as the
   * callback's error.
   */
  keepOpen?(work: PromiseLike<unknown>): void;
}

/** What a callback returned: when it is a promise (an async callback), its request stays open until it settles. */
export function keepRequestOpen(result: unknown): void {
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function")
    getCommSink()?.keepOpen?.(result as PromiseLike<unknown>);
}

/** Captures the current request's scope; the returned function runs code in it (plain call outside a kernel). */
export function captureScope(): <T>(fn: () => T) => T {
  const sink = getCommSink();
  const scope = sink?.captureScope?.();
  return <T>(fn: () => T): T => (sink?.runInScope ? sink.runInScope(scope, fn) : fn());
}

const commSink = globalSlot<CommSink>("optimlab.commSink");

export function setCommSink(sink: CommSink | undefined): void {
  commSink.set(sink);
}

export function getCommSink(): CommSink | undefined {
  return commSink.get();
}
