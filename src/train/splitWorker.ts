/**
 * A thread of `fit`'s splits over threads — by hidden units (unitSplit.ts) or by examples and
 * weights for a convolutional network (convSplit.ts): started once and kept; for each fit it is
 * configured with the shared memory, its part and its modules, then runs its part of every step
 * the trainer commands (unitSplitStep.ts, convSplitStep.ts) until the trainer stops it, and goes
 * back to waiting for the next fit. A failure is posted on the fit's port and aborts the step for
 * every thread.
 */
import { parentPort, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { ConvThreadStep, type ConvSplitLayout, type ConvThreadModules } from "./convSplitStep";
import { COMMAND, SplitAborted, WORD, abortSplit, waitUntil, waitWhile, type UpdateProgram } from "./splitControl";
import { ThreadStep, type ThreadModules, type UnitSplitLayout } from "./unitSplitStep";

/** What the trainer sends to start a fit's work: which split, and this thread's part of it. */
export type ConfigureMessage = {
  kind: "configure";
  memory: WebAssembly.Memory;
  /** The memory's id: each message brings a new `WebAssembly.Memory` object, the first one for an id is kept (with its instances). */
  memoryId: number;
  thread: number;
  /** The fit's port: update programs come on it, a failure goes back on it. */
  port: MessagePort;
} & (
  | { split: "units"; layout: UnitSplitLayout; modules: ThreadModules }
  | { split: "convolution"; layout: ConvSplitLayout; modules: ConvThreadModules }
);

/** Fault in the memory's pages in [from, to) (bytes) ahead of the trainer's copy of a dataset there (unitSplitMemory.ts). */
export type TouchMessage = { kind: "touch"; memory: WebAssembly.Memory; from: number; to: number };

/** What goes back on the fit's port. */
export type WorkerReport = { kind: "ready" } | { kind: "failed"; message: string };

/** The last memory object received, and its id (the next fit usually gets the same memory). */
let last: { id: number; memory: WebAssembly.Memory } | undefined;

function partOf(message: ConfigureMessage, memory: WebAssembly.Memory): ThreadStep | ConvThreadStep {
  return message.split === "units"
    ? new ThreadStep(memory, message.layout, message.thread, message.modules)
    : new ConvThreadStep(memory, message.layout, message.thread, message.modules);
}

function serve(message: ConfigureMessage): void {
  const { memory: received, memoryId, layout, port } = message;
  if (last?.id !== memoryId) last = { id: memoryId, memory: received };
  const { memory } = last;
  let step: ThreadStep | ConvThreadStep;
  try {
    step = partOf(message, memory);
  } catch (error) {
    port.postMessage({ kind: "failed", message: String(error) } satisfies WorkerReport);
    port.close();
    return;
  }
  const { i32 } = step;
  const control = layout.control / 4;
  /** The step's update program, once the trainer has traced it (its id and scalars posted). */
  const programOf = (): number => {
    waitUntil(i32, control + WORD.posted, step.stepCount, control);
    const program = i32[control + WORD.program];
    while (!step.hasUpdate(program)) {
      const receivedUpdate = receiveMessageOnPort(port);
      if (receivedUpdate === undefined) throw new Error(`update program ${program} was never sent`);
      step.addUpdate(receivedUpdate.message as UpdateProgram);
    }
    return program;
  };
  // Read before answering: the trainer's first command may follow the answer at once.
  let seen = Atomics.load(i32, control + WORD.command);
  port.postMessage({ kind: "ready" } satisfies WorkerReport);
  try {
    for (;;) {
      waitWhile(i32, control + WORD.command, seen, control);
      seen = Atomics.load(i32, control + WORD.command);
      if (Atomics.load(i32, control + WORD.kind) === COMMAND.stop) {
        // Acknowledged: the trainer may hand the memory to another fit.
        Atomics.add(i32, control + WORD.stopped, 1);
        Atomics.notify(i32, control + WORD.stopped);
        break;
      }
      // Counted done also when the trainer called it off: it waits for the count either way.
      step.run(i32[control + WORD.rows], i32[control + WORD.first], programOf);
      Atomics.add(i32, control + WORD.done, 1);
      Atomics.notify(i32, control + WORD.done);
    }
  } catch (error) {
    if (!(error instanceof SplitAborted)) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      port.postMessage({ kind: "failed", message: text } satisfies WorkerReport);
      abortSplit(i32, control);
    }
  }
  port.close();
}

/** Writes to one word of each 4 KiB page in [from, to) — the value it holds, atomically: the kernel maps the page. */
function touch({ memory, from, to }: TouchMessage): void {
  const i32 = new Int32Array(memory.buffer);
  for (let at = from; at < to; at += 4096) Atomics.compareExchange(i32, at >> 2, 0, 0);
}

parentPort?.on("message", (message: ConfigureMessage | TouchMessage) => {
  if (message.kind === "configure") serve(message);
  else if (message.kind === "touch") touch(message);
});
