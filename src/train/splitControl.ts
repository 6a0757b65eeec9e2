/**
 * The protocol of fit's splits over threads on one shared memory (unitSplit.ts, convSplit.ts, their
 * steps and splitWorker.ts): the control words the trainer commands the other threads by, the
 * meeting point, the waits (spinning briefly, then sleeping) and the abort that ends them all, and
 * the update program the threads run. No tfjs: workers load it.
 */

/** The control words (Int32 index from `layout.control / 4`). */
export const WORD = {
  /** Incremented by the trainer for each command. */
  command: 0,
  /** What the command is: STEP or STOP. */
  kind: 1,
  /** The step's rows. */
  rows: 2,
  /** The step's first row in the epoch's order. */
  first: 3,
  /** Which update program (ids are handed to workers with the program). */
  program: 4,
  /** Set (to 1) by a thread that failed or by the trainer abandoning the step: every wait ends. */
  abort: 5,
  /** The meeting point: arrivals and its generation. */
  arrivals: 6,
  generation: 7,
  /** A running count of threads done reading the weights for the step (they may be updated then). */
  readWeights: 8,
  /** A running count of the other threads' finished steps (the trainer waits for it). */
  done: 9,
  /** Threads that left their step loop after the trainer's stop. */
  stopped: 10,
  /**
   * A running count of the steps whose update program and scalars are in place: the trainer
   * commands a step before it has traced the optimizer (the other threads start meanwhile), and
   * they wait for this only before their update.
   */
  posted: 11,
  /**
   * Set (to 1) by the trainer calling off a step it commanded but will not run (the fit stopped
   * between steps): it then arrives at the meeting itself, and the others, finding this set there,
   * count the step done without computing it.
   */
  cancel: 12,
} as const;
export const CONTROL_WORDS = 16;

export const COMMAND = { step: 1, stop: 2 } as const;

/**
 * Spins of a wait before it sleeps (≈ 65 µs): the other threads are microseconds away
 * when they run. When one does not — the scheduler gave its core to another thread for a slice
 * (V8's helpers, other processes) — a thread still spinning keeps its own core busy, so the kernel
 * cannot move anything there; once it sleeps, the idle core pulls the waiting work at once. With
 * 1.3 ms of spinning (session 15), 1.7% of the steps took over 3 ms and such steps held 22% of
 * the time; with 65 µs, 0.5% and 13% (30 one-epoch fits, 2 threads).
 */
export const SPINS = 10_000;

/** Thrown by a wait when another thread failed or the trainer gave up the step. */
export class SplitAborted extends Error {
  constructor() {
    super("the split over threads was aborted");
  }
}

/**
 * Waits until all `parties` threads have arrived (spinning briefly, then sleeping). Throws
 * {@link SplitAborted} when the abort word is set; `maxSleeps` bounds the sleeps of 100 ms (a
 * trainer's guard against a thread that died without a word).
 */
export function meet(i32: Int32Array, control: number, parties: number, maxSleeps = Infinity): void {
  const at = control + WORD.arrivals;
  const gen = control + WORD.generation;
  const generation = Atomics.load(i32, gen);
  if (Atomics.add(i32, at, 1) === parties - 1) {
    Atomics.store(i32, at, 0);
    Atomics.add(i32, gen, 1);
    Atomics.notify(i32, gen);
    return;
  }
  waitWhile(i32, gen, generation, control, maxSleeps);
}

/** Waits while `i32[at]` is `value` (spinning, then sleeping); throws when the abort word is set. */
export function waitWhile(
  i32: Int32Array,
  at: number,
  value: number,
  control: number,
  maxSleeps = Infinity,
  spins = SPINS,
): void {
  for (let s = 0; s < spins; s++) {
    if (Atomics.load(i32, at) !== value) return;
    if (i32[control + WORD.abort] !== 0) throw new SplitAborted();
  }
  sleepWhile(i32, at, value, control, maxSleeps);
}

/**
 * The sleeping half of {@link waitWhile}. Its code runs only when a wait outlasts its spins, so the
 * spin loop's optimized code (which inlines it) had no feedback for it and left for the
 * interpreter every time a wait slept (30–40 times in 20 fits, each followed by a recompile on a
 * background thread that took a core from the training threads): it is run at load, below.
 */
function sleepWhile(i32: Int32Array, at: number, value: number, control: number, maxSleeps: number, ms = 100): void {
  for (let sleeps = 0; Atomics.load(i32, at) === value; sleeps++) {
    if (Atomics.load(i32, control + WORD.abort) !== 0) throw new SplitAborted();
    if (sleeps >= maxSleeps) throw new Error("no answer from the other training threads for too long");
    Atomics.wait(i32, at, value, ms);
  }
  if (Atomics.load(i32, control + WORD.abort) !== 0) throw new SplitAborted();
}

// Every line of the waits run at load (a few times: V8 keeps a function's feedback only after its
// first calls): a wait that sleeps once for 0 ms and then gives up, and one whose word has changed.
for (let i = 0, words = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS)); i < 32; i++) {
  waitWhile(words, 0, 1, 0, Infinity, 0);
  try {
    sleepWhile(words, 0, 0, 0, 1, 0);
  } catch {
    // "no answer …": expected
  }
}

/** Waits until `i32[at]` ≥ `target` (a running count); throws when the abort word is set. */
export function waitUntil(i32: Int32Array, at: number, target: number, control: number, maxSleeps = Infinity): void {
  for (let seen = Atomics.load(i32, at); seen < target; seen = Atomics.load(i32, at))
    waitWhile(i32, at, seen, control, maxSleeps);
  if (Atomics.load(i32, control + WORD.abort) !== 0) throw new SplitAborted();
}

/** Sets the abort word and wakes every wait. */
export function abortSplit(i32: Int32Array, control: number): void {
  Atomics.store(i32, control + WORD.abort, 1);
  for (const word of [WORD.command, WORD.generation, WORD.readWeights, WORD.done]) {
    Atomics.add(i32, control + word, 1);
    Atomics.notify(i32, control + word);
  }
}

/** The optimizer's update as a compiled element-wise program and where its operands lie. */
export interface UpdateProgram {
  readonly id: number;
  readonly module: WebAssembly.Module;
  /** Byte offsets of the vectors of the program's inputs, and of those its outputs are written over. */
  readonly inputVectors: readonly number[];
  readonly outputVectors: readonly number[];
  readonly scalarCount: number;
}
