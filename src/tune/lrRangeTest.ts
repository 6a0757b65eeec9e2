/**
 * The learning-rate range test (Smith 2017, "Cyclical learning rates"; popularised by fastai):
 * train for a few steps while the lr grows exponentially, watch the loss, stop once it blows up.
 *
 * Suggested lr: the point of steepest descent of the smoothed loss, i.e. the most negative
 * d(smoothed loss)/d(log lr), measured over ±5% of the steps, between the first 10% of the steps
 * (their smoothed loss is still the noise of single batches; fastai skips the first 10 points for
 * the same reason) and the minimum of the smoothed loss. When the loss never descends, the
 * suggestion falls back to `minLossLr / 10`. The lr at the minimum smoothed loss divided by 10 is reported too
 * (`minLossLr / 10`, the other common rule). The model's weights are restored afterwards, and so
 * are the optimizer's lr and state (step count, moments), as fastai's `lr_find` does: a `fit` with
 * the same optimizer afterwards starts as it would have without the test.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { DataLoader, noBatchesMessage, type Batch } from "../data/loader";
import type { Dataset } from "../data/dataset";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/protocol";
import { translate } from "../i18n/translate";
import type { NamedTensor } from "../optim/chainOptimizer";
import { checkOptionNames } from "../messages/options";
import { shown } from "../optim/errors";
import { danfo, type DataFrame } from "../plot/danfo";
import type { LossFn } from "../train/evaluate";
import { freeAbandonedTape } from "../train/abandonedTape";

export interface LrRangeTestOptions {
  /** An optimizer with a writable `lr` (all of `optim.*`), or a factory. */
  optimizer: tf.Optimizer | (() => tf.Optimizer);
  loss: LossFn;
  train: Dataset | DataLoader;
  /** Default 32 (ignored for a DataLoader). */
  batchSize?: number;
  /** First lr (default 1e-7). */
  start?: number;
  /** Last lr (default 10). */
  end?: number;
  /** Number of steps, i.e. lrs tried (default 100). */
  steps?: number;
  /** Stop when the smoothed loss exceeds this multiple of the best one (default 4). */
  divergeFactor?: number;
  /** Exponential smoothing factor β of the loss (default 0.98, with bias correction). */
  beta?: number;
  seed?: number;
}

export interface LrRangeResult {
  /** Columns: step, lr, loss, smoothedLoss. */
  frame: DataFrame;
  /** Steepest descent point of the smoothed loss. */
  suggestedLr: number;
  /** lr at the minimum smoothed loss. */
  minLossLr: number;
  /** True when the run stopped because the loss blew up (the usual end). */
  stoppedEarly: boolean;
}

export const noWritableLrMessage = (): string =>
  "lrRangeTest needs an optimizer with a writable numeric `lr` (e.g. new optim.SGD({ lr: 1e-7 }))";

export function invalidLrRangeMessage(start: unknown, end: unknown): string {
  return `Invalid lr range: start ${shown(start)}, end ${shown(end)} (expected 0 < start < end)`;
}

export function invalidStepsMessage(steps: unknown): string {
  return `Invalid steps: ${shown(steps)} (expected an integer ≥ 3: the suggestion needs at least 3 lrs)`;
}

export function invalidBetaMessage(beta: unknown): string {
  return `Invalid beta: ${shown(beta)} (expected 0 ≤ beta < 1; 0 is no smoothing)`;
}

export function invalidDivergeFactorMessage(factor: unknown): string {
  return `Invalid divergeFactor: ${shown(factor)} (expected a number > 1: the test stops when the smoothed loss exceeds divergeFactor × its best; Infinity never stops)`;
}

export function tooFewPointsMessage(points: number): string {
  return `lrRangeTest: the loss diverged after ${points} step${points === 1 ? "" : "s"}, too few to suggest an lr; lower \`start\``;
}

/**
 * A copy of `optimizer.getWeights()` that the sweep cannot change. Its state tensors are the
 * optimizer's variables (copied); the step counters are scalars made for the call (moved).
 */
async function snapshotOf(optimizer: tf.Optimizer): Promise<NamedTensor[]> {
  const weights = await optimizer.getWeights();
  return weights.map(({ name, tensor }) => ({
    name,
    tensor: tensor instanceof tf.Variable ? tf.clone(tensor) : tensor,
  }));
}

/**
 * Index of the most negative slope of `values` against `x`, measured over ±`half` points (a wide
 * difference, so batch-to-batch noise does not win), among the points from `skip` up to `bottom`
 * (the minimum): the steepest descent on the way down, not a wiggle after the bottom.
 * Returns -1 when that stretch is empty.
 */
function steepestIndex(x: number[], values: number[], skip: number, half: number, bottom: number): number {
  let best = -1;
  let bestSlope = Infinity;
  for (let i = Math.max(skip, half); i <= bottom && i + half < values.length; i++) {
    const slope = (values[i + half] - values[i - half]) / (x[i + half] - x[i - half]);
    if (slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best;
}

/**
 * Runs the range test on `model` (its weights, and the optimizer's lr and state, restored afterwards).
 *
 * @example const { suggestedLr, frame } = await tune.lrRangeTest(model, { optimizer: new optim.SGD({ lr: 1e-7 }), loss: losses.crossEntropy, train });
 */
/** lrRangeTest's options, for the unknown-option check (a typo like `stpes` was silently ignored). */
const LR_RANGE_TEST_OPTIONS: readonly (keyof LrRangeTestOptions)[] = [
  "optimizer",
  "loss",
  "train",
  "batchSize",
  "start",
  "end",
  "steps",
  "divergeFactor",
  "beta",
  "seed",
];

export async function lrRangeTest(model: tf.LayersModel, options: LrRangeTestOptions): Promise<LrRangeResult> {
  checkOptionNames("lrRangeTest", options, LR_RANGE_TEST_OPTIONS);
  await ready();
  const start = options.start ?? 1e-7;
  const end = options.end ?? 10;
  if (!(typeof start === "number" && typeof end === "number" && start > 0 && end > start))
    throw new Error(invalidLrRangeMessage(start, end));
  const steps = options.steps ?? 100;
  if (!(Number.isInteger(steps) && steps >= 3)) throw new Error(invalidStepsMessage(steps));
  const beta = options.beta ?? 0.98;
  if (!(typeof beta === "number" && beta >= 0 && beta < 1)) throw new Error(invalidBetaMessage(beta));
  const factor = options.divergeFactor ?? 4;
  if (!(typeof factor === "number" && factor > 1)) throw new Error(invalidDivergeFactorMessage(factor));
  const loader =
    options.train instanceof DataLoader
      ? options.train
      : new DataLoader(options.train, { batchSize: options.batchSize ?? 32, shuffle: true, seed: options.seed });
  if (!(loader.length > 0)) throw new Error(noBatchesMessage("lrRangeTest", loader));
  const owned = typeof options.optimizer === "function";
  const optimizer = typeof options.optimizer === "function" ? options.optimizer() : options.optimizer;
  const settable = optimizer as unknown as { lr?: unknown };
  if (typeof settable.lr !== "number") throw new Error(noWritableLrMessage());
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // The sweep changes the optimizer's lr and state (step count, moments): an optimizer of the
  // caller's is given back as it came, as fastai's lr_find reloads it, so that a `fit` with it
  // afterwards starts where it would have without the test (not at the sweep's last lr).
  const savedLr = settable.lr;
  const savedState = owned ? [] : await snapshotOf(optimizer);
  const saved = model.weights.map((w) => tf.clone(w.read()));
  const lrs: number[] = [];
  const raw: number[] = [];
  const smoothed: number[] = [];
  let average = 0;
  let best = Infinity;
  let stoppedEarly = false;
  try {
    let epoch = 0;
    let batches = loader.batches(epoch);
    for (let i = 0; i < steps; i++) {
      let next = batches.next();
      if (next.done) {
        batches = loader.batches(++epoch);
        next = batches.next();
        if (next.done) throw new Error(noBatchesMessage("lrRangeTest", loader, epoch + 1));
      }
      const batch: Batch = next.value as Batch;
      const lr = start * (end / start) ** (steps === 1 ? 0 : i / (steps - 1));
      settable.lr = lr;
      let value: number;
      try {
        value = tf.tidy(() => {
          const { value: lossValue, grads } = tf.variableGrads(
            () => options.loss(model.apply(batch.x, { training: true }) as tf.Tensor, batch.y),
            variables,
          );
          optimizer.applyGradients(grads);
          return lossValue.dataSync()[0];
        });
      } catch (error) {
        freeAbandonedTape();
        throw error;
      } finally {
        batch.dispose();
      }
      average = beta * average + (1 - beta) * value;
      const debiased = average / (1 - beta ** (i + 1));
      lrs.push(lr);
      raw.push(value);
      smoothed.push(debiased);
      if (!Number.isFinite(debiased) || debiased > factor * best) {
        stoppedEarly = true;
        break;
      }
      best = Math.min(best, debiased);
    }
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
    if (owned) optimizer.dispose();
    else {
      settable.lr = savedLr;
      try {
        await optimizer.setWeights(savedState);
      } finally {
        tf.dispose(savedState.map(({ tensor }) => tensor));
      }
    }
  }
  // The last point is the blow-up; suggestions use the points before it.
  const usable = stoppedEarly ? lrs.length - 1 : lrs.length;
  if (usable < 3) throw new Error(tooFewPointsMessage(usable));
  const logLrs = lrs.slice(0, usable).map(Math.log10);
  const curve = smoothed.slice(0, usable);
  // The first 10% of the smoothed curve is still single-batch noise: ignore it for both rules.
  const skip = Math.min(Math.ceil(steps / 10), usable - 1);
  const tail = curve.slice(skip);
  const bottom = skip + tail.indexOf(Math.min(...tail));
  const minLossLr = lrs[bottom];
  const steepest = steepestIndex(logLrs, curve, skip, Math.max(1, Math.round(steps / 20)), bottom);
  // No descent before the bottom (the loss only rose): fall back to the other rule.
  const suggestedLr = steepest < 0 ? minLossLr / 10 : lrs[steepest];
  const frame = new (danfo().DataFrame)(
    lrs.map((lr, i) => [i, lr, raw[i], smoothed[i]]),
    { columns: ["step", "lr", "loss", "smoothedLoss"] },
  );
  const result: LrRangeResult & { [JUPYTER_DISPLAY](): MimeBundle } = {
    frame,
    suggestedLr,
    minLossLr,
    stoppedEarly,
    [JUPYTER_DISPLAY]: () => ({
      "text/plain": translate(
        `lr range test: ${lrs.length} steps from ${start} to ${lrs[lrs.length - 1].toExponential(2)}; suggested lr ${suggestedLr.toExponential(2)} (steepest descent), minimum-loss lr ${minLossLr.toExponential(2)} (÷10 → ${(minLossLr / 10).toExponential(2)})`,
      ),
    }),
  };
  return result;
}
