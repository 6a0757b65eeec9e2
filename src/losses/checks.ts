import * as tf from "@tensorflow/tfjs";
import * as messages from "./messages";

/** Throws unless `t` is float32 (losses are differentiated with respect to it). */
export function checkFloat(loss: string, argument: string, t: tf.Tensor): void {
  if (t.dtype !== "float32") throw new TypeError(messages.notFloatInput(loss, argument, t.dtype));
}

/** Throws unless `target` has exactly the shape of `input`. */
export function checkSameShape(loss: string, input: tf.Tensor, target: tf.Tensor): void {
  const same = input.rank === target.rank && input.shape.every((d, i) => d === target.shape[i]);
  if (!same) throw new Error(messages.shapeMismatch(loss, input.shape, target.shape));
}

/** True when `small` broadcasts to `big` under numpy rules without changing `big`'s shape. */
function broadcastsTo(small: readonly number[], big: readonly number[]): boolean {
  if (small.length > big.length) return false;
  const offset = big.length - small.length;
  return small.every((d, i) => d === 1 || d === big[i + offset]);
}

/** A weight given as numbers or a tensor, as a float32 tensor that broadcasts to `shape`. */
export function weightTensor(
  loss: string,
  option: string,
  weight: tf.Tensor | number[],
  shape: readonly number[],
): tf.Tensor {
  const t = weight instanceof tf.Tensor ? weight.toFloat() : tf.tensor(weight, undefined, "float32");
  if (!broadcastsTo(t.shape, shape)) {
    const weightShape = t.shape;
    t.dispose();
    throw new Error(messages.weightDoesNotBroadcast(loss, option, weightShape, shape));
  }
  return t;
}
