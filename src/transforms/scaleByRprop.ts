import * as tf from "@tensorflow/tfjs";
import { fullLike, leafAt, mapTree } from "./tree";
import type { GradientTransformation, LearningRate, TensorTree } from "./types";

/** Options of `scaleByRprop` (torch Rprop's names). */
export interface ScaleByRpropOptions {
  /** (η−, η+): step-size factors when the gradient's sign flips / stays (default [0.5, 1.2]). */
  readonly etas?: readonly [number, number];
  /** (min, max) step size (default [1e-6, 50]). */
  readonly stepSizes?: readonly [number, number];
}

/** State of `scaleByRprop`: the previous (masked) gradient and each element's step size. */
export type RpropState = { readonly count: number; readonly prev: TensorTree; readonly stepSize: TensorTree };

/**
 * Resilient backpropagation, torch's Rprop: each element keeps its own step size, multiplied by
 * η+ while the gradient keeps its sign and by η− when it flips (clamped to `stepSizes`); where it
 * flipped the gradient is taken as 0 for this step. Returns `−sign(g)·stepSize`, the step itself:
 * the learning rate only sets the first step size, so this ends a chain.
 */
export function scaleByRprop(lr: LearningRate, options: ScaleByRpropOptions = {}): GradientTransformation<RpropState> {
  const [etaMinus, etaPlus] = options.etas ?? [0.5, 1.2];
  const [minStep, maxStep] = options.stepSizes ?? [1e-6, 50];
  const lrAt = typeof lr === "number" ? () => lr : lr;
  return {
    name: "scaleByRprop",
    init: (params) => ({ count: 0, prev: fullLike(params), stepSize: fullLike(params, lrAt(0)) }),
    update<T extends TensorTree>(updates: T, state: RpropState): [T, RpropState] {
      const flipped: Record<string, tf.Tensor> = {};
      const stepSize = mapTree(state.stepSize, (size, key) => {
        const product = tf.mul(leafAt(updates, key), leafAt(state.prev, key));
        flipped[key] = tf.less(product, 0);
        const factor = tf.where(
          tf.greater(product, 0),
          tf.fill(product.shape, etaPlus),
          tf.where(flipped[key], tf.fill(product.shape, etaMinus), tf.onesLike(product)),
        );
        return tf.clipByValue(tf.mul(size, factor), minStep, maxStep);
      });
      const prev = mapTree(updates, (g, key) => tf.where(flipped[key], tf.zerosLike(g), g));
      const out = mapTree(prev, (g, key) => tf.neg(tf.mul(tf.sign(g), leafAt(stepSize, key))));
      return [out, { count: state.count + 1, prev, stepSize }];
    },
  };
}
