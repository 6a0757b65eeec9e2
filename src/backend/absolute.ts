/**
 * `|x|` with PyTorch's gradient, `sign(x)·dy`: 0 where x is ±0. tfjs's Abs gradient is
 * `dy·step(x, −1)`, i.e. −dy at 0, so a weight that reaches exactly 0 under an L1 penalty would be
 * pushed off it again at the next step (torch keeps it there). The value is tfjs's `abs`, bit for bit.
 */
import * as tf from "@tensorflow/tfjs";

const absoluteWithSignGradient = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return { value: tf.abs(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0])) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** `|x|` elementwise, differentiable with torch's gradient (`sign(x)`, 0 at 0). */
export function absolute<T extends tf.Tensor>(x: T): T {
  return absoluteWithSignGradient(x) as T;
}
