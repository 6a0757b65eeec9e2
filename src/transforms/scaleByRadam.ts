import { biasCorrection } from "./biasCorrection";
import { runElementwiseStep } from "./elementwiseStep";
import { adamMoments } from "./ema";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByRadam` (torch RAdam's names and defaults). */
export interface ScaleByRadamOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε added to the denominator (default 1e-8). */
  readonly eps?: number;
}

/** State of `scaleByRadam`: step count and the moments `mu`, `nu`. */
export type RadamState = { readonly count: number; readonly mu: TensorTree; readonly nu: TensorTree };

/**
 * The variance rectification term r_t of RAdam, or `undefined` while the approximated SMA length
 * ρ_t ≤ 5 (then RAdam takes an un-adapted momentum step).
 */
export function radamRectification(beta2: number, step: number): number | undefined {
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection(beta2, step);
  if (!(rhoT > 5)) return undefined;
  return Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
}

/**
 * RAdam's preconditioner, as torch computes it:
 *
 *   m ← β1·m + (1-β1)·g;   v ← β2·v + (1-β2)·g²;   m̂ = m / (1-β1^t)
 *   ρ_t > 5:  u = m̂ · r_t · sqrt(1-β2^t) / (sqrt(v) + ε);   otherwise u = m̂
 */
export function scaleByRadam(options: ScaleByRadamOptions = {}): GradientTransformation<RadamState> {
  const { betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8 } = options;
  const stepOf = (state: RadamState): ElementwiseStep<RadamState> => {
    const step = state.count + 1;
    const rect = radamRectification(beta2, step);
    const bc1 = biasCorrection(beta1, step);
    return {
      trees: { m: state.mu, v: state.nu },
      readsParams: false,
      body: ({ u, m, v }) => {
        const { mu, nu } = adamMoments(u, m, v, beta1, beta2);
        // Early steps (variance not yet tractable): bias-corrected momentum only.
        const out =
          rect === undefined
            ? mu.div(bc1)
            : mu.mul((rect * Math.sqrt(biasCorrection(beta2, step))) / bc1).div(nu.sqrt().add(eps));
        return { mu, nu, out };
      },
      next: ({ mu, nu }) => ({ count: step, mu, nu }),
      replaces: { mu: "m", nu: "v" },
    };
  };
  return {
    name: "scaleByRadam",
    init: (params) => ({ count: 0, mu: fullLike(params), nu: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: RadamState): [T, RadamState] {
      return runElementwiseStep("scaleByRadam", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
