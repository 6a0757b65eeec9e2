import * as tf from "@tensorflow/tfjs";
import { checkFloat, checkSameShape } from "./checks";
import { checkOptionNames } from "./messages";
import { checkReduction, NoReduction, reduce, ReductionOption, ScalarReduction } from "./reduction";

/**
 * Mean squared error, `(input − target)²` per element (torch.nn.functional.mse_loss).
 *
 * ```ts
 * const loss = losses.mse(model.predict(x) as tf.Tensor, y); // scalar, mean over all elements
 * ```
 * @param input predictions, float32
 * @param target same shape as `input` (int targets are cast to float32)
 */
export function mse(input: tf.Tensor, target: tf.Tensor, options?: ScalarReduction): tf.Scalar;
export function mse(input: tf.Tensor, target: tf.Tensor, options: NoReduction): tf.Tensor;
export function mse(input: tf.Tensor, target: tf.Tensor, options: ReductionOption = {}): tf.Tensor {
  checkOptionNames("mse()", options, ["reduction"]);
  const reduction = checkReduction(options.reduction ?? "mean");
  checkFloat("mse", "input", input);
  checkSameShape("mse", input, target);
  return tf.tidy(() => reduce(tf.squaredDifference(input, target.toFloat()), reduction));
}
