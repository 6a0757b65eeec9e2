/**
 * The machine's own two-core ceiling, measured in the same interleaved rounds as the thread rows
 * (bench/libraryPath.ts): a fixed loop of independent float multiply-adds — no memory traffic, no
 * meeting between threads — timed on one worker thread alone, then on two at once. Two copies'
 * speed over one alone is what the cores gave two threads' arithmetic at that moment (a split of
 * memory-bound work can do better only through the second core's own caches). A machine with two
 * free cores gives 2.0×; on the reference VM it moved between 1.5× and 2.3× from
 * one second to the next (2026-12-08, docs/performance.md "On a VM's two cores"): the vCPUs' speed
 * depends on what else runs on the host, and both busy often run slower than one.
 */
import { Worker } from "node:worker_threads";

/** Iterations of the loop: about a quarter of a second on the reference VM. */
const ITERATIONS = 100_000_000;

/** Control words: [0] the round number each worker waits for (one slot per worker), [2] workers done. */
const GO = 0;
const DONE = 2;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { control, times, slot, iterations } = workerData;
// Eight independent chains: the loop is bound by the core's arithmetic, not by one chain's latency.
function spin(n) {
  let a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1;
  for (let i = 0; i < n; i++) {
    a0 = a0 * 0.9999999 + 1e-9; a1 = a1 * 0.9999998 + 1e-9; a2 = a2 * 0.9999997 + 1e-9; a3 = a3 * 0.9999996 + 1e-9;
    a4 = a4 * 0.9999995 + 1e-9; a5 = a5 * 0.9999994 + 1e-9; a6 = a6 * 0.9999993 + 1e-9; a7 = a7 * 0.9999992 + 1e-9;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}
spin(1000); // compiled before the first timed round
for (let round = 1; ; round++) {
  let go = Atomics.load(control, ${GO} + slot);
  for (; go >= 0 && go < round; go = Atomics.load(control, ${GO} + slot)) Atomics.wait(control, ${GO} + slot, go);
  if (go < 0) break; // closed
  const start = performance.now();
  if (!Number.isFinite(spin(iterations))) throw new Error("spin: not finite");
  times[slot] = performance.now() - start;
  Atomics.add(control, ${DONE}, 1);
  Atomics.notify(control, ${DONE});
}
`;

export interface CpuPair {
  /** One round: the loop alone, then two at once; returns 2 × time alone / mean time of the pair. */
  round(): Promise<number>;
  close(): void;
}

/** Starts the two loop threads (they sleep between rounds); a round whose loops do not answer within `answerMs` throws. */
export function startCpuPair(iterations = ITERATIONS, answerMs = 60_000): CpuPair {
  const control = new Int32Array(new SharedArrayBuffer(4 * 4));
  const times = new Float64Array(new SharedArrayBuffer(8 * 2));
  const workers = [0, 1].map(
    (slot) => new Worker(WORKER_SOURCE, { eval: true, workerData: { control, times, slot, iterations } }),
  );
  /** Runs the loop on the workers in `slots` at once; their times (ms). */
  const run = (slots: number[]): number[] => {
    const target = Atomics.load(control, DONE) + slots.length;
    for (const slot of slots) {
      Atomics.add(control, GO + slot, 1); // the worker's next round
      Atomics.notify(control, GO + slot);
    }
    // The main thread sleeps meanwhile: it must not take a core from the loops.
    // A loop thread that died (its error event cannot reach this blocked thread) must not hang the bench.
    for (let done = Atomics.load(control, DONE); done < target; done = Atomics.load(control, DONE))
      if (Atomics.wait(control, DONE, done, answerMs) === "timed-out")
        throw new Error(`machine ceiling: the loop threads did not finish a round within ${answerMs} ms`);
    return slots.map((slot) => times[slot]);
  };
  return {
    round: () => {
      const [alone] = run([0]);
      const pair = run([0, 1]);
      return Promise.resolve((2 * alone) / ((pair[0] + pair[1]) / 2));
    },
    close: () => {
      for (const slot of [0, 1]) {
        Atomics.store(control, GO + slot, -1);
        Atomics.notify(control, GO + slot);
      }
      for (const worker of workers) void worker.terminate();
    },
  };
}
