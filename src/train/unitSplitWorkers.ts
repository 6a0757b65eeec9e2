/**
 * The worker threads of the hidden-unit split (splitWorker.ts's entry): started on first use,
 * unreferenced, kept for later fits, and told apart from a fit's failure when they do not start.
 */
import { Worker, type MessagePort } from "node:worker_threads";
import type { TouchMessage, WorkerReport } from "./splitWorker";
import type { SplitMemory } from "./unitSplitMemory";
import { workerEntry } from "./workerEntry";

export function unitSplitFailedMessage(why: string): string {
  return `fit: a training thread of the hidden-unit split failed (${why}); train on one thread with threads: 1 (or OPTIMLAB_THREADS=1)`;
}

/** Idle worker threads, kept for later fits (starting one costs ≈ 30–60 ms). */
const idle: Worker[] = [];

/** A kept worker thread, or a new one (`fresh`: its code has not run a step yet, so it is not optimized). */
export function takeWorker(): { worker: Worker; fresh: boolean } {
  const kept = idle.pop();
  if (kept) return { worker: kept, fresh: false };
  const entry = workerEntry("splitWorker");
  const worker = new Worker(entry.code, { eval: entry.eval });
  worker.unref();
  worker.on("error", () => undefined); // reported through the fit's port or its exit
  return { worker, fresh: true };
}

/** Ends the kept worker threads (tests). */
export async function stopUnitSplitWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map((worker) => worker.terminate()));
}

/** How many worker threads wait for a fit (tests: a fit that ended cleanly gave its threads back). */
export function keptUnitSplitWorkers(): number {
  return idle.length;
}

/**
 * Has the idle worker threads fault in `held`'s pages in [from, to) while this thread writes
 * there: the range in parts, this thread's the first (it writes from the bottom up), each idle
 * worker one of the others, where this thread's writes find its pages mapped. A worker's touch
 * changes no value (an atomic compare-exchange of 0 with 0), so it may meet this thread's writes.
 * The workers take the message before their fit's configuration, which follows it.
 */
export function touchPagesOnIdle(held: SplitMemory, from: number, to: number): void {
  const parts = idle.length + 1;
  const part = Math.ceil((to - from) / parts / 4096) * 4096;
  if (idle.length === 0 || part <= 0) return;
  idle.forEach((worker, i) => {
    const start = from + (i + 1) * part;
    if (start < to)
      worker.postMessage({
        kind: "touch",
        memory: held.memory,
        from: start,
        to: Math.min(to, start + part),
      } satisfies TouchMessage);
  });
}

/** Gives a worker back for later fits. */
export function returnWorker(worker: Worker): void {
  idle.push(worker);
}

/** Resolves when the worker reports ready on `port`; rejects when it fails or exits first. */
export function readyOn(worker: Worker, port: MessagePort): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(unitSplitFailedMessage(`the thread exited with code ${code}`)));
    worker.once("exit", onExit);
    port.once("message", (report: WorkerReport) => {
      worker.off("exit", onExit);
      port.unref();
      if (report.kind === "ready") resolve();
      else reject(new Error(unitSplitFailedMessage(report.message)));
    });
  });
}
