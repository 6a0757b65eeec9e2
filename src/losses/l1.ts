import * as tf from "@tensorflow/tfjs";
import { absolute } from "../backend/absolute";
import { checkFloat, checkSameShape } from "./checks";
import { checkOptionNames } from "./messages";
import { checkReduction, NoReduction, reduce, ReductionOption, ScalarReduction } from "./reduction";

/**
 * Mean absolute error, `|input − target|` per element (torch.nn.functional.l1_loss).
 * The gradient at a zero difference is 0, as torch's `sign(0)`.
 */
export function l1(input: tf.Tensor, target: tf.Tensor, options?: ScalarReduction): tf.Scalar;
export function l1(input: tf.Tensor, target: tf.Tensor, options: NoReduction): tf.Tensor;
export function l1(input: tf.Tensor, target: tf.Tensor, options: ReductionOption = {}): tf.Tensor {
  checkOptionNames("l1()", options, ["reduction"]);
  const reduction = checkReduction(options.reduction ?? "mean");
  checkFloat("l1", "input", input);
  checkSameShape("l1", input, target);
  return tf.tidy(() => reduce(absolute(tf.sub(input, target.toFloat())), reduction));
}
