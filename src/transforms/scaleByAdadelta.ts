import { runElementwiseStep } from "./elementwiseStep";
import { ema } from "./ema";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByAdadelta` (torch Adadelta's names and defaults). */
export interface ScaleByAdadeltaOptions {
  /** ρ, decay rate of both running averages (default 0.9). */
  readonly rho?: number;
  /** ε inside both square roots (default 1e-6). */
  readonly eps?: number;
}

/** State of `scaleByAdadelta`: `squareAvg` (E[g²]) and `accDelta` (E[Δ²]). */
export type AdadeltaState = { readonly squareAvg: TensorTree; readonly accDelta: TensorTree };

/**
 * Adadelta's preconditioner, as torch computes it:
 *
 *   v ← ρ·v + (1-ρ)·g²;   Δ = sqrt(a + ε) / sqrt(v + ε) · g;   a ← ρ·a + (1-ρ)·Δ²;   u = Δ
 */
export function scaleByAdadelta(options: ScaleByAdadeltaOptions = {}): GradientTransformation<AdadeltaState> {
  const { rho = 0.9, eps = 1e-6 } = options;
  const stepOf = (state: AdadeltaState): ElementwiseStep<AdadeltaState> => ({
    trees: { v: state.squareAvg, a: state.accDelta },
    readsParams: false,
    body: ({ u, v, a }) => {
      const squareAvg = ema(v, u.square(), rho);
      const delta = a.add(eps).sqrt().div(squareAvg.add(eps).sqrt()).mul(u);
      return { squareAvg, accDelta: ema(a, delta.square(), rho), out: delta };
    },
    next: ({ squareAvg, accDelta }) => ({ squareAvg, accDelta }),
    replaces: { squareAvg: "v", accDelta: "a" },
  });
  return {
    name: "scaleByAdadelta",
    init: (params) => ({ squareAvg: fullLike(params), accDelta: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: AdadeltaState): [T, AdadeltaState] {
      return runElementwiseStep("scaleByAdadelta", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
