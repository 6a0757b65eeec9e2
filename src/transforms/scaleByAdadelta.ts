import { elementwiseTrees } from "./elementwiseTrees";
import { ema } from "./ema";
import { fullLike } from "./tree";
import type { GradientTransformation, TensorTree } from "./types";

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
  return {
    name: "scaleByAdadelta",
    init: (params) => ({ squareAvg: fullLike(params), accDelta: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: AdadeltaState): [T, AdadeltaState] {
      const { squareAvg, delta, accDelta } = elementwiseTrees(
        "scaleByAdadelta",
        updates,
        { g: updates, v: state.squareAvg, a: state.accDelta },
        ({ g, v, a }) => {
          const squareAvg = ema(v, g.square(), rho);
          const delta = a.add(eps).sqrt().div(squareAvg.add(eps).sqrt()).mul(g);
          return { squareAvg, delta, accDelta: ema(a, delta.square(), rho) };
        },
      );
      return [delta, { squareAvg, accDelta }];
    },
  };
}
