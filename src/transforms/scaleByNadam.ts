import { biasCorrection } from "./biasCorrection";
import { runElementwiseStep } from "./elementwiseStep";
import { adamMoments } from "./ema";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByNadam` (torch NAdam's names and defaults). */
export interface ScaleByNadamOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε added to the denominator (default 1e-8). */
  readonly eps?: number;
  /** ψ, the momentum decay of the μ_t schedule (default 4e-3). */
  readonly momentumDecay?: number;
}

/** State of `scaleByNadam`: step count, the product of the μ_t (`muProduct`), moments `mu`, `nu`. */
export type NadamState = {
  readonly count: number;
  readonly muProduct: number;
  readonly mu: TensorTree;
  readonly nu: TensorTree;
};

/** NAdam's momentum schedule μ_t = β1·(1 - ½·0.96^(t·ψ)). */
function momentumAt(beta1: number, momentumDecay: number, step: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
}

/**
 * NAdam's preconditioner, following torch 1.13's single-tensor code line by line:
 *
 *   μ_t, μ_{t+1} from the schedule;   Π ← Π·μ_t;   Π_next = Π·μ_t·μ_{t+1}
 *   m ← β1·m + (1-β1)·g;   v ← β2·v + (1-β2)·g²;   d = sqrt(v / (1-β2^t)) + ε
 *   u = (1-μ_t)/(1-Π) · g/d + μ_{t+1}/(1-Π_next) · m/d
 *
 * Two torch details are kept on purpose: torch 1.13 multiplies μ_t twice into Π_next (later
 * torch versions use Π·μ_{t+1}), and it keeps Π in a float32 tensor, so `muProduct` is rounded to
 * float32 after every multiplication (`Math.fround`).
 */
export function scaleByNadam(options: ScaleByNadamOptions = {}): GradientTransformation<NadamState> {
  const { betas: [beta1, beta2] = [0.9, 0.999], eps = 1e-8, momentumDecay = 4e-3 } = options;
  const f32 = Math.fround;
  const stepOf = (state: NadamState): ElementwiseStep<NadamState> => {
    const step = state.count + 1;
    const bc2 = biasCorrection(beta2, step);
    const muNow = momentumAt(beta1, momentumDecay, step);
    const muNext = momentumAt(beta1, momentumDecay, step + 1);
    const muProduct = f32(state.muProduct * f32(muNow));
    const muProductNext = f32(f32(muProduct * f32(muNow)) * f32(muNext));
    const gradCoef = (1 - muNow) / (1 - muProduct);
    const momentumCoef = muNext / (1 - muProductNext);
    return {
      trees: { m: state.mu, v: state.nu },
      readsParams: false,
      body: ({ u, m, v }) => {
        const { mu, nu } = adamMoments(u, m, v, beta1, beta2);
        return { mu, nu, out: u.mul(gradCoef).add(mu.mul(momentumCoef)).div(nu.div(bc2).sqrt().add(eps)) };
      },
      next: ({ mu, nu }) => ({ count: step, muProduct, mu, nu }),
      replaces: { mu: "m", nu: "v" },
    };
  };
  return {
    name: "scaleByNadam",
    init: (params) => ({ count: 0, muProduct: 1, mu: fullLike(params), nu: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: NadamState): [T, NadamState] {
      return runElementwiseStep("scaleByNadam", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
