/**
 * Training runs for the split tests (unitSplit.test.ts, convSplit.test.ts): one fit with its
 * weights, optimizer state and history as bits, and the bit-for-bit comparison of two runs.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { fit, historyOf, type FitOptions } from "../../src/train/fit";
import { planFit, type FitPlan } from "../../src/train/fitOptions";
import type { History } from "../../src/train/history";
import { mlp } from "../../src/models/builders";
import { crossEntropy } from "../../src/losses";
import { Adam } from "../../src/optim/adam";
import { SGD } from "../../src/optim/sgd";
import { DivergenceError } from "../../src/train/divergence";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

export const FEATURES = 784;
export const CLASSES = 10;

/** MNIST-like rows (a third of the pixels zero, so the products' zero skipping runs) and int32 labels. */
export function images(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const values = uniform(n * FEATURES, seed, 0, 1).map((v, i) => ((i * 7 + seed) % 3 === 0 ? 0 : v));
  return {
    x: tf.tensor2d(values, [n, FEATURES]),
    y: tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 7 + seed * 3 + (i >> 2)) % CLASSES),
      "int32",
    ),
  };
}

export const bitsOf = (values: ArrayLike<number>): Uint32Array => new Uint32Array(Float32Array.from(values).buffer);
export const weightBits = (model: tf.LayersModel): Uint32Array[] => model.getWeights().map((w) => bitsOf(w.dataSync()));

/** The optimizer's saved state in order, variable names replaced by their index (the models' names differ). */
export async function optimizerState(optimizer: tf.Optimizer, model: tf.LayersModel): Promise<[string, Uint32Array][]> {
  const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const saved = await optimizer.getWeights();
  return saved.map(({ name, tensor }) => {
    let shortName = name;
    names.forEach((variable, i) => (shortName = shortName.split(variable).join(`v${i}`)));
    return [shortName, bitsOf(tensor.dataSync())];
  });
}

export interface Run {
  threads: number;
  weights: Uint32Array[];
  state: [string, Uint32Array][];
  history: History;
  error?: unknown;
  /** What onEpochEnd read (when the case collects it). */
  epochWeights: Uint32Array[][];
}

export interface Case {
  sizes?: number[];
  seed?: number;
  optimizer: () => tf.Optimizer;
  /** Options beyond the common ones (given the optimizer and model, for schedulers and callbacks). */
  options?: (optimizer: tf.Optimizer, model: tf.Sequential, epochWeights: Uint32Array[][]) => Partial<FitOptions>;
}

export async function train(
  threads: number,
  c: Case,
  data: { x: tf.Tensor; y: tf.Tensor },
  expectError = false,
  build?: () => tf.Sequential,
): Promise<Run> {
  await setUpWasm();
  const model = build ? build() : mlp({ sizes: c.sizes ?? [FEATURES, 32, CLASSES], seed: c.seed ?? 3 });
  const optimizer = c.optimizer();
  const epochWeights: Uint32Array[][] = [];
  const options: FitOptions = {
    optimizer,
    loss: crossEntropy,
    train: data,
    batchSize: 30,
    shuffle: true,
    seed: 5,
    epochs: 3,
    progress: false,
    metrics: ["accuracy"],
    threads,
    ...c.options?.(optimizer, model, epochWeights),
  };
  let history: History | undefined;
  let error: unknown;
  try {
    history = await fit(model, options);
  } catch (thrown) {
    if (!expectError) throw thrown;
    error = thrown;
    history = historyOf(thrown);
    assert.ok(history, `the error carries its history: ${String(thrown)}`);
  }
  if (expectError) assert.ok(error !== undefined, `threads ${threads}: the fit should have thrown`);
  const run: Run = {
    threads,
    weights: weightBits(model),
    state: await optimizerState(optimizer, model),
    history: history as History,
    error,
    epochWeights,
  };
  optimizer.dispose();
  model.dispose();
  return run;
}

/** Records without their times (which differ from run to run). */
export function timeless<T extends object>(records: readonly T[]): Record<string, unknown>[] {
  return records.map((record) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => key !== "time" && key !== "samplesPerSecond")),
  );
}

/** Every recorded number, the weights and the optimizer's state: the same bits. */
export function assertSameRun(one: Run, split: Run, what: string): void {
  const label = `${what}, ${split.threads} threads vs 1`;
  assert.equal(split.history.steps.length, one.history.steps.length, `${label}: step count`);
  const oneSteps = timeless(one.history.steps);
  timeless(split.history.steps).forEach((record, i) => {
    // deepStrictEqual compares numbers with Object.is: a last-bit difference (or ±0) fails.
    assert.deepStrictEqual(record, oneSteps[i], `${label}: step ${i + 1}`);
  });
  assert.deepStrictEqual(timeless(split.history.epochs), timeless(one.history.epochs), `${label}: epoch records`);
  assert.equal(split.weights.length, one.weights.length);
  split.weights.forEach((w, i) => {
    let differing = 0;
    w.forEach((v, j) => void (v !== one.weights[i][j] && differing++));
    assert.equal(differing, 0, `${label}: ${differing} of ${w.length} values of weight ${i} differ`);
  });
  assert.deepStrictEqual(
    split.state.map(([name]) => name),
    one.state.map(([name]) => name),
    `${label}: optimizer state names`,
  );
  split.state.forEach(([name, bits], i) =>
    assert.deepStrictEqual(bits, one.state[i][1], `${label}: optimizer state ${name}`),
  );
  assert.deepStrictEqual(split.epochWeights, one.epochWeights, `${label}: weights read in onEpochEnd`);
  assert.deepStrictEqual(split.history.info.stoppedEarly, one.history.info.stoppedEarly, `${label}: stoppedEarly`);
  assert.deepStrictEqual(split.history.info.diverged, one.history.info.diverged, `${label}: diverged`);
}

/** How a split test checks that a run really ran split, and builds its model (undefined: the MLP of `Case.sizes`). */
export interface SplitUnderTest {
  assertSplit(run: Run, threads: number, what: string): void;
  build?: () => tf.Sequential;
}

/** The split that `history.info.threadsSplit` names `kind`, on models from `build`. */
export function splitUnderTest(
  kind: "hidden units" | "examples and weights",
  build?: () => tf.Sequential,
): SplitUnderTest {
  return {
    build,
    assertSplit(run, threads, what) {
      const { info } = run.history;
      assert.equal(info.threadsSplit, kind, `${what}: split by ${kind} (note: ${info.threadsNote})`);
      assert.equal(info.threads, threads, `${what}: threads`);
    },
  };
}

/** Trains on 1 thread and on each of `threadCounts`, asserting the same bits and that the split ran. */
export async function assertSameBitsOn(
  split: SplitUnderTest,
  what: string,
  c: Case,
  data: { x: tf.Tensor; y: tf.Tensor },
  threadCounts: number[] = [2, 3],
): Promise<Run> {
  const one = await train(1, c, data, false, split.build);
  assert.equal(one.history.info.threadsSplit, undefined);
  for (const threads of threadCounts) {
    const run = await train(threads, c, data, false, split.build);
    split.assertSplit(run, threads, what);
    assertSameRun(one, run, what);
  }
  return one;
}

/** One thread's run and each of `threadCounts`' split runs of `c`, expected to fail: the same bits, the split ran. */
async function sameFailure(
  split: SplitUnderTest,
  c: Case,
  data: { x: tf.Tensor; y: tf.Tensor },
  what: string,
  threadCounts: number[],
  sameError: (one: Run, run: Run, threads: number) => void,
): Promise<Run> {
  const one = await train(1, c, data, true, split.build);
  for (const threads of threadCounts) {
    const run = await train(threads, c, data, true, split.build);
    sameError(one, run, threads);
    split.assertSplit(run, threads, what);
    assertSameRun(one, run, what);
  }
  return one;
}

/**
 * Divergence mid-epoch (SGD at lr 1e25) and an onEpochEnd that throws end a split fit with one
 * thread's error, weights and history; the next split fit on the same data is right. Returns the
 * one-thread divergence (callers check where it happened).
 */
export async function assertErrorsKeepWeights(
  split: SplitUnderTest,
  data: { x: tf.Tensor; y: tf.Tensor },
  threadCounts = [2, 3],
): Promise<DivergenceError> {
  const diverging: Case = { optimizer: () => new SGD({ lr: 1e25 }), options: () => ({ epochs: 2 }) };
  const one = await sameFailure(split, diverging, data, "divergence", threadCounts, (first, run, threads) => {
    assert.ok(run.error instanceof DivergenceError, `${threads} threads: ${String(run.error)}`);
    const expected = first.error as DivergenceError;
    assert.equal(run.error.step, expected.step);
    assert.equal(run.error.epoch, expected.epoch);
    assert.equal(run.error.message, expected.message);
  });
  assert.ok(one.error instanceof DivergenceError, `one thread: ${String(one.error)}`);
  assert.ok(one.error.step > 1, "diverges after the first step (an update ran)");
  const throwing: Case = {
    optimizer: () => new Adam({ lr: 1e-3 }),
    options: () => ({
      callbacks: {
        onEpochEnd: (record) => {
          if (record.epoch === 1) throw new Error("stop here");
        },
      },
    }),
  };
  const oneThrow = await sameFailure(split, throwing, data, "onEpochEnd throws", threadCounts, (_, run) =>
    assert.match(String(run.error), /stop here/),
  );
  assert.match(String(oneThrow.error), /stop here/);
  // And the next split fit on the same data is still right.
  const adam: Case = { optimizer: () => new Adam({ lr: 1e-3 }) };
  const after = await train(1, adam, data, false, split.build);
  const afterSplit = await train(2, adam, data, false, split.build);
  split.assertSplit(afterSplit, 2, "after the errors");
  assertSameRun(after, afterSplit, "after the errors");
  return one.error;
}

/**
 * An interrupt between steps (fit's interrupt probe answering yes at its `at`-th step check, with
 * the next step already commanded to the other threads) stops a split fit as one thread's, and
 * `threadsKept()` says the workers came back; the next fits are right.
 */
export async function assertInterruptsLikeOneThread(
  split: SplitUnderTest,
  data: { x: tf.Tensor; y: tf.Tensor },
  threadsKept: () => number,
  threadCounts = [2, 3],
): Promise<void> {
  const probe = Symbol.for("optimlab.interruptPending");
  const holder = globalThis as { [probe]?: () => boolean };
  const interruptAt = (at: number) => {
    let asked = 0;
    holder[probe] = () => ++asked === at;
  };
  const interrupted: Case = { optimizer: () => new Adam({ lr: 1e-3 }) };
  try {
    for (const at of [1, 6]) {
      interruptAt(at);
      const one = await train(1, interrupted, data, true, split.build);
      assert.equal((one.error as Error).name, "KeyboardInterrupt");
      assert.equal(one.history.steps.length, at);
      for (const threads of threadCounts) {
        interruptAt(at);
        const run = await train(threads, interrupted, data, true, split.build);
        assert.equal((run.error as Error).name, "KeyboardInterrupt", String(run.error));
        split.assertSplit(run, threads, `interrupt at step ${at}`);
        assertSameRun(one, run, `interrupt at step ${at}`);
        // Called off, not abandoned: the threads came back for the next fit.
        assert.ok(threadsKept() >= threads - 1, `${threadsKept()} threads kept after ${threads}`);
      }
    }
    delete holder[probe];
    // The threads called off their commanded step and serve the next fit (same memory, same workers).
    const one = await train(1, interrupted, data, false, split.build);
    for (const threads of threadCounts) {
      const run = await train(threads, interrupted, data, false, split.build);
      split.assertSplit(run, threads, "after the interrupts");
      assertSameRun(one, run, "after the interrupts");
    }
  } finally {
    delete holder[probe];
  }
}

/**
 * A split's plan refuses a dataset too large for one wasm memory with its reason (not a RangeError
 * at the fit's start): the loader's size faked to 2,000,000 rows; the control, the real size, splits.
 */
export function assertRefusesHugeData(
  planSplit: (model: tf.LayersModel, plan: FitPlan, callbacks: undefined) => { ok?: boolean; why?: string },
  model: tf.LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor },
): void {
  const options: FitOptions = { optimizer: new Adam({ lr: 1e-3 }), loss: crossEntropy, train: data, threads: 2 };
  const fitPlan = planFit(model, options);
  const loader = Object.create(fitPlan.loader, { size: { value: 2_000_000 } }) as typeof fitPlan.loader;
  const huge = planSplit(model, { ...fitPlan, loader }, undefined);
  assert.match(huge.why ?? "ok", /5\.\d GiB of shared memory \(at most 3\.5 in one wasm memory\)/);
  assert.equal(planSplit(model, fitPlan, undefined).ok, true, "control: the real size splits");
}
