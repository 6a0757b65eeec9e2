/**
 * Training runs for the split tests (unitSplit.test.ts, convSplit.test.ts): one fit with its
 * weights, optimizer state and history as bits, and the bit-for-bit comparison of two runs.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { fit, historyOf, type FitOptions } from "../../src/train/fit";
import type { History } from "../../src/train/history";
import { mlp } from "../../src/models/builders";
import { crossEntropy } from "../../src/losses";
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
