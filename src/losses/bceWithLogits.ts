import * as tf from "@tensorflow/tfjs";
import { checkFloat, checkSameShape, weightTensor } from "./checks";
import { checkOptionNames } from "./messages";
import { checkReduction, NoReduction, reduce, ReductionOption, ScalarReduction } from "./reduction";

/** Options of {@link bceWithLogits} (torch's `weight`, `pos_weight`). */
export interface BceWithLogitsOptions {
  /** Rescaling weight that broadcasts to the input's shape. */
  weight?: tf.Tensor | number[];
  /** Weight of positive examples, broadcast along the last (class) axis, e.g. length C. */
  posWeight?: tf.Tensor | number[];
}

/**
 * Per-element loss with torch's stable formula
 * `(1 − y)·x + (1 + (p − 1)·y)·(log1p(exp(−|x|)) + max(−x, 0))` (p = posWeight, 1 if absent),
 * which equals `max(x, 0) − x·y + log1p(exp(−|x|))` without posWeight. The gradient is torch's
 * closed form `(p·y + 1 − y)·σ(x) − p·y`, exact at x = 0 where autodiff through |x| is not.
 */
const elementwiseBceWithLogits = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [logits, targets, posWeight, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const softplusNegAbs = tf.log1p(tf.exp(tf.neg(tf.abs(logits))));
  const logWeight = tf.add(tf.mul(tf.sub(posWeight, 1), targets), 1);
  const tail = tf.add(softplusNegAbs, tf.relu(tf.neg(logits)));
  save([logits, targets, posWeight, tail]);
  const value = tf.add(tf.mul(tf.sub(1, targets), logits), tf.mul(logWeight, tail));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, y, p, t] = saved;
      const upstream = dy;
      const positive = tf.mul(p, y);
      const dLogits = tf.mul(upstream, tf.sub(tf.mul(tf.add(positive, tf.sub(1, y)), tf.sigmoid(x)), positive));
      const dTargets = tf.mul(upstream, tf.add(tf.neg(x), tf.mul(tf.sub(p, 1), t)));
      const dPosWeight = tf.mul(upstream, tf.mul(y, t)); // posWeight arrives broadcast to the logits' shape
      return [dLogits, dTargets, dPosWeight];
    },
  };
});

/**
 * Binary cross-entropy on logits (torch.nn.functional.binary_cross_entropy_with_logits):
 * numerically stable for any logit (±100 gives exactly torch's finite values), with optional
 * `posWeight` to trade recall for precision and `weight` to rescale elements.
 */
export function bceWithLogits(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options?: BceWithLogitsOptions & ScalarReduction,
): tf.Scalar;
export function bceWithLogits(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: BceWithLogitsOptions & NoReduction,
): tf.Tensor;
export function bceWithLogits(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: BceWithLogitsOptions & ReductionOption = {},
): tf.Tensor {
  checkOptionNames("bceWithLogits()", options, ["weight", "posWeight", "reduction"]);
  const reduction = checkReduction(options.reduction ?? "mean");
  checkFloat("bceWithLogits", "logits", logits);
  checkSameShape("bceWithLogits", logits, targets);
  return tf.tidy(() => {
    const posWeight =
      options.posWeight === undefined
        ? tf.onesLike(logits)
        : tf.mul(tf.onesLike(logits), weightTensor("bceWithLogits", "posWeight", options.posWeight, logits.shape));
    let losses = elementwiseBceWithLogits(logits, targets.toFloat(), posWeight);
    if (options.weight !== undefined) {
      losses = tf.mul(losses, weightTensor("bceWithLogits", "weight", options.weight, logits.shape));
    }
    return reduce(losses, reduction);
  });
}
