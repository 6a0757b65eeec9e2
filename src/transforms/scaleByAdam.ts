import * as tf from "@tensorflow/tfjs";
import { biasCorrection } from "./biasCorrection";
import { fullLike, zipTrees } from "./tree";
import type { GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByAdam` (torch's names and defaults). */
export interface ScaleByAdamOptions {
  /** (β1, β2), decay rates of the first and second moments (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε added to the denominator (default 1e-8). */
  readonly eps?: number;
  /** AMSGrad: normalise by the running maximum of the second moment (default false). */
  readonly amsgrad?: boolean;
}

/** State of `scaleByAdam`: step count, first moment `mu`, second moment `nu`, AMSGrad's `nuMax`. */
export type AdamState = {
  readonly count: number;
  readonly mu: TensorTree;
  readonly nu: TensorTree;
  readonly nuMax?: TensorTree;
};

/**
 * Adam's preconditioner, as torch's single-tensor code computes it:
 *
 *   m ← β1·m + (1-β1)·g,   v ← β2·v + (1-β2)·g²,   (amsgrad: v̂ ← max(v̂, v))
 *   u = m / (sqrt(v) / sqrt(1-β2^t) + ε) / (1-β1^t)
 *
 * Multiply by the learning rate with `scaleByLearningRate`.
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<AdamState> {
  const { betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8, amsgrad = false } = options;
  return {
    name: "scaleByAdam",
    init: (params) => ({
      count: 0,
      mu: fullLike(params),
      nu: fullLike(params),
      ...(amsgrad ? { nuMax: fullLike(params) } : {}),
    }),
    update<T extends TensorTree>(updates: T, state: AdamState): [T, AdamState] {
      const step = state.count + 1;
      const mu = zipTrees("scaleByAdam", [updates, state.mu], ([g, m]) => tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
      const nu = zipTrees("scaleByAdam", [updates, state.nu], ([g, v]) =>
        tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)),
      );
      const nuMax = state.nuMax && zipTrees("scaleByAdam", [nu, state.nuMax], ([v, vMax]) => tf.maximum(vMax, v));
      const sqrtBc2 = Math.sqrt(biasCorrection(beta2, step));
      const stepScale = 1 / biasCorrection(beta1, step);
      const out = zipTrees("scaleByAdam", [mu, nuMax ?? nu], ([m, v]) =>
        tf.mul(tf.div(m, tf.add(tf.div(tf.sqrt(v), sqrtBc2), eps)), stepScale),
      );
      return [out, { count: step, mu, nu, ...(nuMax ? { nuMax } : {}) }];
    },
  };
}
