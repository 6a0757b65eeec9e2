import { biasCorrection } from "./biasCorrection";
import { elementwiseTrees } from "./elementwiseTrees";
import { ema } from "./ema";
import { fullLike } from "./tree";
import type { GradientTransformation, TensorTree } from "./types";

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
  return {
    name: "scaleByAdamax",
    init: (params) => ({ count: 0, mu: fullLike(params), uInf: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: AdamaxState): [T, AdamaxState] {
      const step = state.count + 1;
      const stepScale = 1 / biasCorrection(beta1, step);
      const { mu, uInf, out } = elementwiseTrees(
        "scaleByAdamax",
        updates,
        { g: updates, m: state.mu, u: state.uInf },
        ({ g, m, u }) => {
          const mu = ema(m, g, beta1);
          const uInf = u.mul(beta2).maximum(g.abs().add(eps));
          return { mu, uInf, out: mu.div(uInf).mul(stepScale) };
        },
      );
      return [out, { count: step, mu, uInf }];
    },
  };
}
