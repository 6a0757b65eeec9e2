import { biasCorrection } from "./biasCorrection";
import type { Ew } from "../backend/fused";
import { adamMoments } from "./ema";
import { runElementwiseStep } from "./elementwiseStep";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

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
  const stepOf = (state: AdamState): ElementwiseStep<AdamState> => {
    const step = state.count + 1;
    const sqrtBc2 = Math.sqrt(biasCorrection(beta2, step));
    const stepScale = 1 / biasCorrection(beta1, step);
    const scaled = (m: Ew, v: Ew) => m.div(v.sqrt().div(sqrtBc2).add(eps)).mul(stepScale);
    if (state.nuMax === undefined) {
      return {
        trees: { m: state.mu, v: state.nu },
        readsParams: false,
        body: ({ u, m, v }) => {
          const { mu, nu } = adamMoments(u, m, v, beta1, beta2);
          return { mu, nu, out: scaled(mu, nu) };
        },
        next: ({ mu, nu }) => ({ count: step, mu, nu }),
        replaces: { mu: "m", nu: "v" },
      };
    }
    return {
      trees: { m: state.mu, v: state.nu, vMax: state.nuMax },
      readsParams: false,
      body: ({ u, m, v, vMax }) => {
        const { mu, nu } = adamMoments(u, m, v, beta1, beta2);
        const nuMax = vMax.maximum(nu);
        return { mu, nu, nuMax, out: scaled(mu, nuMax) };
      },
      next: ({ mu, nu, nuMax }) => ({ count: step, mu, nu, nuMax }),
      replaces: { mu: "m", nu: "v", nuMax: "vMax" },
    };
  };
  return {
    name: "scaleByAdam",
    init: (params) => ({
      count: 0,
      mu: fullLike(params),
      nu: fullLike(params),
      ...(amsgrad ? { nuMax: fullLike(params) } : {}),
    }),
    update<T extends TensorTree>(updates: T, state: AdamState): [T, AdamState] {
      return runElementwiseStep("scaleByAdam", updates, stepOf(state));
    },
    // One formula for all parameters: the moments, AMSGrad's max and the update in one pass.
    elementwiseStep: stepOf,
  };
}
