import * as tf from "@tensorflow/tfjs";
import { checkFloat, checkSameShape } from "./checks";
import * as messages from "./messages";
import { checkOptionNames } from "./messages";
import { checkReduction, NoReduction, reduce, ReductionOption, ScalarReduction } from "./reduction";

/** Options of {@link huber}. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear. Must be positive. Default 1. */
  delta?: number;
}

/**
 * Huber loss (torch.nn.HuberLoss / functional.huber_loss): with d = input − target,
 * `0.5·d²` where |d| < delta, else `delta·(|d| − 0.5·delta)`.
 * With delta = 1 it equals torch's smooth_l1_loss (beta = 1).
 */
export function huber(input: tf.Tensor, target: tf.Tensor, options?: HuberOptions & ScalarReduction): tf.Scalar;
export function huber(input: tf.Tensor, target: tf.Tensor, options: HuberOptions & NoReduction): tf.Tensor;
export function huber(input: tf.Tensor, target: tf.Tensor, options: HuberOptions & ReductionOption = {}): tf.Tensor {
  checkOptionNames("huber()", options, ["delta", "reduction"]);
  const reduction = checkReduction(options.reduction ?? "mean");
  const delta = options.delta ?? 1;
  if (!(typeof delta === "number" && delta > 0 && Number.isFinite(delta)))
    throw new RangeError(messages.nonPositiveDelta(delta));
  checkFloat("huber", "input", input);
  checkSameShape("huber", input, target);
  return tf.tidy(() => {
    // 0.5·m² + delta·(|d| − m) with m = min(|d|, delta) is the piecewise form without a
    // comparison op on the gradient path (tfjs has no gradient for tf.less).
    const absDiff = tf.abs(tf.sub(input, target.toFloat()));
    const clipped = tf.minimum(absDiff, delta);
    const losses = tf.add(tf.mul(0.5, tf.square(clipped)), tf.mul(delta, tf.sub(absDiff, clipped)));
    return reduce(losses, reduction);
  });
}
