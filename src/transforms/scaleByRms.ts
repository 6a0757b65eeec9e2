import { runElementwiseStep } from "./elementwiseStep";
import { ema } from "./ema";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByRms` (torch RMSprop's names and defaults). */
export interface ScaleByRmsOptions {
  /** α, decay rate of the squared-gradient average (default 0.99). */
  readonly alpha?: number;
  /** ε added to the denominator, outside the square root (default 1e-8). */
  readonly eps?: number;
  /** Centered RMSprop: divide by the estimated standard deviation `sqrt(E[g²] - E[g]²)` (default false). */
  readonly centered?: boolean;
}

/** State of `scaleByRms`: `squareAvg` (E[g²]) and, when centered, `gradAvg` (E[g]). */
export type RmsState = { readonly squareAvg: TensorTree; readonly gradAvg?: TensorTree };

/**
 * RMSprop's preconditioner, as torch computes it:
 *
 *   s ← α·s + (1-α)·g²;   centered: ḡ ← α·ḡ + (1-α)·g,  d = sqrt(s - ḡ²) + ε;  else d = sqrt(s) + ε
 *   u = g / d
 *
 * torch's RMSprop `momentum` is heavy-ball momentum on `u` with a buffer that starts at zero,
 * which is exactly `traceMomentum({ momentum })` chained after this link (its first buffer value
 * `u₁` equals `μ·0 + u₁`); `optim.RMSprop` builds it that way.
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<RmsState> {
  const { alpha = 0.99, eps = 1e-8, centered = false } = options;
  const stepOf = (state: RmsState): ElementwiseStep<RmsState> => {
    if (state.gradAvg === undefined) {
      return {
        trees: { s: state.squareAvg },
        readsParams: false,
        body: ({ u, s }) => {
          const squareAvg = ema(s, u.square(), alpha);
          return { squareAvg, out: u.div(squareAvg.sqrt().add(eps)) };
        },
        next: ({ squareAvg }) => ({ squareAvg }),
        replaces: { squareAvg: "s" },
      };
    }
    // Centered: divide by the square root of the variance estimate E[g²] − E[g]².
    return {
      trees: { s: state.squareAvg, a: state.gradAvg },
      readsParams: false,
      body: ({ u, s, a }) => {
        const squareAvg = ema(s, u.square(), alpha);
        const gradAvg = ema(a, u, alpha);
        return { squareAvg, gradAvg, out: u.div(squareAvg.sub(gradAvg.square()).sqrt().add(eps)) };
      },
      next: ({ squareAvg, gradAvg }) => ({ squareAvg, gradAvg }),
      replaces: { squareAvg: "s", gradAvg: "a" },
    };
  };
  return {
    name: "scaleByRms",
    init: (params) => ({ squareAvg: fullLike(params), ...(centered ? { gradAvg: fullLike(params) } : {}) }),
    update<T extends TensorTree>(updates: T, state: RmsState): [T, RmsState] {
      return runElementwiseStep("scaleByRms", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
