import * as tf from "@tensorflow/tfjs";
import { checkFloat, checkSameShape, weightTensor } from "./checks";
import * as messages from "./messages";
import { checkOptionNames } from "./messages";
import { checkReduction, NoReduction, reduce, ReductionOption, ScalarReduction } from "./reduction";

/** Options of {@link bce}. */
export interface BceOptions {
  /** Rescaling weight that broadcasts to the input's shape. */
  weight?: tf.Tensor | number[];
}

/** torch clamps each log at −100 so that probabilities of exactly 0 or 1 give a finite loss. */
const LOG_FLOOR = -100;
/** torch's backward divides by max(x·(1 − x), 1e-12). */
const GRAD_EPSILON = 1e-12;

/**
 * Per-element `−(y·log x + (1 − y)·log(1 − x))` with each log clamped at −100, with torch's
 * gradient `(x − y) / max(x·(1 − x), 1e-12)` instead of autodiff's (which would be 0 or NaN where
 * the clamp is active).
 */
const elementwiseBce = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [probs, targets, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const logX = tf.maximum(tf.log(probs), LOG_FLOOR);
  const log1mX = tf.maximum(tf.log(tf.sub(1, probs)), LOG_FLOOR);
  save([probs, targets, logX, log1mX]);
  const value = tf.neg(tf.add(tf.mul(targets, logX), tf.mul(tf.sub(1, targets), log1mX)));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, y, lx, l1x] = saved;
      const upstream = dy;
      const denominator = tf.maximum(tf.mul(tf.sub(1, x), x), GRAD_EPSILON);
      const dProbs = tf.mul(upstream, tf.div(tf.sub(x, y), denominator));
      const dTargets = tf.mul(upstream, tf.neg(tf.sub(lx, l1x)));
      return [dProbs, dTargets];
    },
  };
});

/**
 * Binary cross-entropy on probabilities (torch.nn.functional.binary_cross_entropy).
 * Inputs must lie in [0, 1] (checked, as torch does); logs are clamped at −100, so saturated
 * probabilities such as sigmoid(±100) give losses of at most 100 per element, exactly like torch.
 * Prefer {@link bceWithLogits} on raw scores: it is stable without clamping.
 */
export function bce(probs: tf.Tensor, targets: tf.Tensor, options?: BceOptions & ScalarReduction): tf.Scalar;
export function bce(probs: tf.Tensor, targets: tf.Tensor, options: BceOptions & NoReduction): tf.Tensor;
export function bce(probs: tf.Tensor, targets: tf.Tensor, options: BceOptions & ReductionOption = {}): tf.Tensor {
  checkOptionNames("bce()", options, ["weight", "reduction"]);
  const reduction = checkReduction(options.reduction ?? "mean");
  checkFloat("bce", "probs", probs);
  checkSameShape("bce", probs, targets);
  const range = tf.tidy(() => tf.stack([tf.min(probs), tf.max(probs)]).dataSync());
  if (probs.size > 0 && !(range[0] >= 0 && range[1] <= 1)) throw new RangeError(messages.bceInputRangeMessage());
  return tf.tidy(() => {
    let losses = elementwiseBce(probs, targets.toFloat());
    if (options.weight !== undefined)
      losses = tf.mul(losses, weightTensor("bce", "weight", options.weight, probs.shape));
    return reduce(losses, reduction);
  });
}
