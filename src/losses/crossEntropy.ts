import * as tf from "@tensorflow/tfjs";
import { fusedSoftmaxCrossEntropy, fusedSoftmaxCrossEntropyAvailable } from "../backend/fused";
// Not in the folder's index (owned with the optimizer kernels): the loss's own kernel file.
import {
  softmaxCrossEntropyWithGradient,
  type SoftmaxCrossEntropyReduction,
} from "../backend/fused/softmaxCrossEntropy";
import { checkFloat, weightTensor } from "./checks";
import { possibleLabelValues } from "./labelValues";
import * as messages from "./messages";
import { checkOptionNames } from "./messages";
import { checkReduction, meanOf, NoReduction, Reduction, ReductionOption, ScalarReduction, sumOf } from "./reduction";

/** Options of {@link crossEntropy} (torch's `weight`, `ignore_index`, `label_smoothing`). */
export interface CrossEntropyOptions {
  /** Per-class rescaling weight, length C. */
  weight?: tf.Tensor1D | number[];
  /** Class-index labels equal to this are skipped (and excluded from the mean). Default -100. */
  ignoreIndex?: number;
  /** Mix the target with the uniform distribution: (1 − ε)·target + ε/C. In [0, 1]. Default 0. */
  labelSmoothing?: number;
}

const DEFAULT_IGNORE_INDEX = -100;

/**
 * Cross-entropy of softmax(logits) against class labels (torch.nn.functional.cross_entropy).
 *
 * - `labels` as an **int32** tensor of shape [N]: class indices (entries equal to `ignoreIndex`
 *   are skipped). With weights the mean divides by the summed weights of the counted labels,
 *   as torch does.
 * - `labels` as a **float32** tensor of logits' shape [N, C]: class probabilities (one-hot or soft);
 *   the mean divides by N.
 *
 * Logits of shape [C] with a scalar label (or [C] probabilities) are one unbatched sample.
 * Computed from `tf.logSoftmax`, so large logits are safe. Without weights, smoothing or ignored
 * labels, on "cpu" and "wasm", the loss and its gradient run as one fused op
 * (`backend/fused/softmaxCrossEntropy.ts`: the same float32 operations in the same order, so the
 * same values, up to a rare 1-ulp exp/log difference on wasm). Class indices are range-checked on
 * the CPU once per labels tensor, and in `train.fit` once per dataset (labelValues.ts).
 *
 * ```ts
 * const loss = losses.crossEntropy(logits, tf.tensor1d([0, 2, 1], "int32"), { labelSmoothing: 0.1 });
 * ```
 */
export function crossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options?: CrossEntropyOptions & ScalarReduction,
): tf.Scalar;
export function crossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: CrossEntropyOptions & NoReduction,
): tf.Tensor;
export function crossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  options: CrossEntropyOptions & ReductionOption = {},
): tf.Tensor {
  const route = checkedRoute(logits, labels, options);
  const { reduction, smoothing, unbatched, classes, probabilityTargets, someIgnored, ignoreIndex } = route;
  if (route.fused) {
    // The common training case as one op (backend/fused/softmaxCrossEntropy.ts): the same values.
    return fusedSoftmaxCrossEntropy(logits as tf.Tensor2D, labels as tf.Tensor1D, route.fused);
  }

  return tf.tidy(() => {
    const weight = options.weight === undefined ? undefined : classWeight(options.weight, classes);
    const logits2d = unbatched ? tf.expandDims(logits, 0) : logits;
    const labels2d = unbatched ? tf.expandDims(labels, 0) : labels;
    const logProbs = tf.logSoftmax(logits2d, 1);
    const perSample = probabilityTargets
      ? fromProbabilities(logProbs, labels2d, classes, weight, smoothing, reduction)
      : fromClassIndices(
          logProbs,
          labels2d,
          classes,
          weight,
          someIgnored ? ignoreIndex : undefined,
          smoothing,
          reduction,
        );
    return unbatched && reduction === "none" ? tf.squeeze(perSample, [0]) : perSample;
  });
}

/** The loss and its gradient with respect to the logits, from {@link crossEntropyWithGradient}. */
export type LossWithGradient = (logits: tf.Tensor2D) => { loss: tf.Scalar; gradient: tf.Tensor2D };

/**
 * `crossEntropy(logits, labels, options)` and its gradient with respect to `logits` for an upstream
 * gradient of 1 (what a gradient tape seeds the loss with), in one kernel and outside any tape —
 * where `crossEntropy` runs as its fused op (float32 [N, C] logits, int32 class indices of which
 * none is ignored, no weight or smoothing, reduction "mean" or "sum", on cpu or wasm): the same
 * bits as `crossEntropy`'s value and the tape's gradient (backend/fused/softmaxCrossEntropy.ts).
 * Decided from the logits' shape `logitsShape` before they exist, with `crossEntropy`'s checks
 * and errors: the function that computes them from logits of that shape, or undefined (take the
 * gradient of `crossEntropy` under a tape). `train.fit` uses it for its tape-free gradients.
 */
export function crossEntropyWithGradient(
  logitsShape: readonly number[],
  labels: tf.Tensor,
  options: CrossEntropyOptions & ReductionOption = {},
): LossWithGradient | undefined {
  const shape = [...logitsShape];
  const { fused } = checkedRoute({ shape, rank: shape.length, dtype: "float32" }, labels, options);
  if (!fused) return undefined;
  return (logits) => {
    if (logits.dtype !== "float32" || logits.shape.some((d, i) => d !== shape[i]))
      throw new Error(lossWithGradientShapeMessage(shape, logits.shape));
    return softmaxCrossEntropyWithGradient(logits, labels as tf.Tensor1D, fused);
  };
}

/** A caller of crossEntropyWithGradient's function broke its contract (not a user's input error). */
export function lossWithGradientShapeMessage(expected: readonly number[], got: readonly number[]): string {
  return `crossEntropyWithGradient: float32 logits of shape [${expected.join(", ")}] expected, got [${got.join(", ")}]`;
}

/** Logits, or their shape when they are float32 and not computed yet. */
type LogitsLike = tf.Tensor | { shape: number[]; rank: number; dtype: "float32" };

/** What crossEntropy computes for these arguments, after checking them (throwing its messages). */
interface Route {
  reduction: Reduction;
  smoothing: number;
  unbatched: boolean;
  classes: number;
  probabilityTargets: boolean;
  ignoreIndex: number;
  /** Some label may equal ignoreIndex. */
  someIgnored: boolean;
  /** The reduction of the fused op when it computes this loss, else undefined (the op path). */
  fused: SoftmaxCrossEntropyReduction | undefined;
}

function checkedRoute(logits: LogitsLike, labels: tf.Tensor, options: CrossEntropyOptions & ReductionOption): Route {
  checkOptionNames("crossEntropy()", options, ["weight", "ignoreIndex", "labelSmoothing", "reduction"]);
  const reduction = checkReduction(options.reduction ?? "mean");
  const smoothing = options.labelSmoothing ?? 0;
  if (!(typeof smoothing === "number" && smoothing >= 0 && smoothing <= 1)) {
    throw new RangeError(messages.labelSmoothingRange(smoothing));
  }
  if (logits instanceof tf.Tensor) checkFloat("crossEntropy", "logits", logits);
  if (logits.rank !== 1 && logits.rank !== 2) throw new Error(messages.logitsRank(logits.shape));
  const unbatched = logits.rank === 1;
  const classes = logits.shape[logits.rank - 1]; // rank checked above: 1 or 2
  const batchShape = logits.shape.slice(0, -1);
  const probabilityTargets = labels.dtype !== "int32";
  if (probabilityTargets) {
    if (labels.rank === batchShape.length && labels.rank < logits.rank)
      throw new TypeError(messages.floatLabels(labels.shape));
    if (labels.rank !== logits.rank || labels.shape.some((d, i) => d !== logits.shape[i])) {
      throw new Error(messages.probabilityTargetShape(logits.shape, labels.shape));
    }
    if (options.ignoreIndex !== undefined) throw new Error(messages.ignoreIndexWithProbabilitiesMessage());
  } else if (labels.rank !== batchShape.length || labels.shape.some((d, i) => d !== batchShape[i])) {
    throw new Error(messages.labelsShape(batchShape, labels.shape));
  }
  const ignoreIndex = options.ignoreIndex ?? DEFAULT_IGNORE_INDEX;
  const someIgnored = probabilityTargets ? false : checkLabelRange(labels, classes, ignoreIndex);
  const fusable =
    !probabilityTargets &&
    !unbatched &&
    !someIgnored &&
    options.weight === undefined &&
    smoothing === 0 &&
    reduction !== "none" &&
    logits.dtype === "float32" &&
    logits.shape[0] > 0 &&
    fusedSoftmaxCrossEntropyAvailable();
  const fused = fusable ? reduction : undefined;
  return { reduction, smoothing, unbatched, classes, probabilityTargets, ignoreIndex, someIgnored, fused };
}

/**
 * Rejects indices outside [0, C) that are not ignoreIndex, like torch, and says whether any label
 * may equal ignoreIndex. The values come from {@link possibleLabelValues} (read once per dataset);
 * only when they hold a bad index are these labels themselves read, to name the first bad one.
 */
function checkLabelRange(labels: tf.Tensor, classes: number, ignoreIndex: number): boolean {
  const outOfRange = (label: number) => label !== ignoreIndex && (label < 0 || label >= classes);
  const possible = possibleLabelValues(labels);
  let someOutOfRange = false;
  for (const label of possible) someOutOfRange ||= outOfRange(label); // once per step: no array copy
  if (someOutOfRange) {
    const bad = labels.dataSync().find(outOfRange);
    if (bad !== undefined) throw new RangeError(messages.targetOutOfBounds(bad, classes, ignoreIndex));
  }
  return possible.has(ignoreIndex);
}

function classWeight(weight: tf.Tensor1D | number[], classes: number): tf.Tensor {
  const shape = weight instanceof tf.Tensor ? weight.shape : [weight.length];
  if (shape.length !== 1 || shape[0] !== classes) throw new Error(messages.classWeightLength(classes, shape));
  return weightTensor("crossEntropy", "weight", weight, [classes]);
}

/**
 * torch's `nll_loss` plus its label-smoothing term: per sample
 * `(1 − ε)·(−w[y]·log p[y]) + ε/C · (−Σ_c w[c]·log p[c])`, zero where the label is ignored;
 * the mean divides by Σ w[y] over counted samples (the count when unweighted).
 * `ignoreIndex` undefined: no label is ignored, so the mask (all ones) is left out; multiplying
 * by 1 and dividing by the count of ones are exact, so the values and gradients are the same.
 */
function fromClassIndices(
  logProbs: tf.Tensor,
  labels: tf.Tensor,
  classes: number,
  weight: tf.Tensor | undefined,
  ignoreIndex: number | undefined,
  smoothing: number,
  reduction: Reduction,
): tf.Tensor {
  if (ignoreIndex === undefined) return fromCountedIndices(logProbs, labels, classes, weight, smoothing, reduction);
  const counted = tf.notEqual(labels, ignoreIndex);
  const safeLabels = tf.where(counted, labels, tf.zerosLike(labels));
  const oneHot = tf.oneHot(tf.reshape(safeLabels, [-1]), classes).toFloat();
  const countedF = counted.toFloat();
  const targetWeight = weight ? tf.mul(tf.sum(tf.mul(oneHot, weight), 1), countedF) : countedF;
  let perSample = tf.mul(tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1)), targetWeight);
  if (smoothing > 0) {
    const weighted = weight ? tf.mul(logProbs, weight) : logProbs;
    const smooth = tf.mul(tf.neg(tf.sum(weighted, 1)), countedF);
    perSample = tf.add(tf.mul(1 - smoothing, perSample), tf.mul(smoothing / classes, smooth));
  }
  if (reduction === "none") return perSample;
  if (reduction === "sum") return sumOf(perSample);
  return tf.div(sumOf(perSample), sumOf(targetWeight)); // 0/0 = NaN when nothing is counted, as torch
}

/** {@link fromClassIndices} when every label is counted: a step's loss in ~half the ops. */
function fromCountedIndices(
  logProbs: tf.Tensor,
  labels: tf.Tensor,
  classes: number,
  weight: tf.Tensor | undefined,
  smoothing: number,
  reduction: Reduction,
): tf.Tensor {
  // int32 then cast: tfjs-backend-wasm's OneHot ignores the dtype argument (writes int32 bits).
  const oneHot = tf.oneHot(labels.rank === 1 ? labels : tf.reshape(labels, [-1]), classes).toFloat();
  const targetWeight = weight ? tf.sum(tf.mul(oneHot, weight), 1) : undefined;
  const picked = tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1));
  let perSample = targetWeight ? tf.mul(picked, targetWeight) : picked;
  if (smoothing > 0) {
    const weighted = weight ? tf.mul(logProbs, weight) : logProbs;
    const smooth = tf.neg(tf.sum(weighted, 1));
    perSample = tf.add(tf.mul(1 - smoothing, perSample), tf.mul(smoothing / classes, smooth));
  }
  if (reduction === "none") return perSample;
  if (reduction === "sum") return sumOf(perSample);
  return tf.div(sumOf(perSample), targetWeight ? sumOf(targetWeight) : labels.size);
}

/** torch's probability-target path: `−Σ_c w[c]·t[c]·log p[c]` with t smoothed; the mean divides by N. */
function fromProbabilities(
  logProbs: tf.Tensor,
  targets: tf.Tensor,
  classes: number,
  weight: tf.Tensor | undefined,
  smoothing: number,
  reduction: Reduction,
): tf.Tensor {
  const smoothed = smoothing > 0 ? tf.add(tf.mul(targets, 1 - smoothing), smoothing / classes) : targets;
  const weightedTargets = weight ? tf.mul(smoothed, weight) : smoothed;
  const perSample = tf.neg(tf.sum(tf.mul(logProbs, weightedTargets), 1));
  if (reduction === "none") return perSample;
  if (reduction === "sum") return sumOf(perSample);
  return meanOf(perSample);
}
