import { biasCorrection } from "./biasCorrection";
import { runElementwiseStep } from "./elementwiseStep";
import { ema } from "./ema";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByAdamax` (torch Adamax's names and defaults). */
export interface ScaleByAdamaxOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε added to |g| inside the infinity norm (default 1e-8). */
  readonly eps?: number;
}

/** State of `scaleByAdamax`: step count, first moment `mu`, exponentially weighted infinity norm `uInf`. */
export type AdamaxState = { readonly count: number; readonly mu: TensorTree; readonly uInf: TensorTree };

/**
 * Adamax's preconditioner, as torch computes it:
 *
 *   m ← β1·m + (1-β1)·g;   u∞ ← max(β2·u∞, |g| + ε);   u = m / u∞ / (1-β1^t)
 */
export function scaleByAdamax(options: ScaleByAdamaxOptions = {}): GradientTransformation<AdamaxState> {
  const { betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8 } = options;
  const stepOf = (state: AdamaxState): ElementwiseStep<AdamaxState> => {
    const step = state.count + 1;
    const stepScale = 1 / biasCorrection(beta1, step);
    return {
      trees: { m: state.mu, n: state.uInf },
      readsParams: false,
      body: ({ u, m, n }) => {
        const mu = ema(m, u, beta1);
        const uInf = n.mul(beta2).maximum(u.abs().add(eps));
        return { mu, uInf, out: mu.div(uInf).mul(stepScale) };
      },
      next: ({ mu, uInf }) => ({ count: step, mu, uInf }),
      replaces: { mu: "m", uInf: "n" },
    };
  };
  return {
    name: "scaleByAdamax",
    init: (params) => ({ count: 0, mu: fullLike(params), uInf: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: AdamaxState): [T, AdamaxState] {
      return runElementwiseStep("scaleByAdamax", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
