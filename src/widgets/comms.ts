/**
 * Raw comms for notebook code: open a comm to a front-end target, or serve a target the front end
 * opens comms to. Widgets are built on these; most notebooks never need them directly.
 */
import { getCommSink, type Comm, type CommData, type CommHandlers, type CommTargetHandler } from "./commProtocol";

export const noKernelCommsMessage = (): string =>
  "comms need a Jupyter kernel: run this cell in a notebook on the optimlab kernel (outside one there is no front end to talk to).";

function sink() {
  const found = getCommSink();
  if (!found) throw new Error(noKernelCommsMessage());
  return found;
}

/** Opens a comm to the front end's `targetName` (sends `comm_open` with `data` and optional binary `buffers`). */
export function openComm(
  targetName: string,
  data: CommData = {},
  handlers: CommHandlers = {},
  options: { buffers?: Uint8Array[]; metadata?: CommData } = {},
): Comm {
  return sink().open(targetName, data, handlers, options);
}

/**
 * Serves `targetName`: when the front end opens a comm to it, `handler(comm, openMessage)` runs and
 * sets the comm's handlers (`comm.setHandlers({ onMessage, onClose })`). `undefined` unregisters.
 */
export function registerCommTarget(targetName: string, handler: CommTargetHandler | undefined): void {
  sink().registerTarget(targetName, handler);
}

export type { Comm, CommData, CommHandlers, CommMessage, CommTargetHandler, CommJson } from "./commProtocol";
