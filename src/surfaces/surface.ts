/** A 2-D test function for optimizers: value, analytic gradient, minima and plotting bounds. */
import type * as tf from "@tensorflow/tfjs";

export type Point = [number, number];

export interface Bounds {
  x: [number, number];
  y: [number, number];
}

export interface Surface {
  name: string;
  /** f(x, y). */
  value(x: number, y: number): number;
  /** ∇f(x, y), analytic. */
  gradient(x: number, y: number): Point;
  /** f on a tensor `[2]` = (x, y) with tf ops (for tf.grad checks and tensor code). */
  tensorValue(point: tf.Tensor): tf.Scalar;
  /** Global minima (empty for functions without one, e.g. the saddle). */
  minima: Point[];
  /** Region that shows the interesting structure. */
  bounds: Bounds;
  /** A start point used in the tutorials. */
  start: Point;
}
