import { runElementwiseStep } from "./elementwiseStep";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `scaleByAdagrad` (torch Adagrad's names and defaults). */
export interface ScaleByAdagradOptions {
  /** Learning-rate decay: step t is divided by `1 + (t-1)·lrDecay` (default 0). */
  readonly lrDecay?: number;
  /** Starting value of the sum of squared gradients (default 0). */
  readonly initialAccumulatorValue?: number;
  /** ε added to the denominator (default 1e-10). */
  readonly eps?: number;
}

/** State of `scaleByAdagrad`: step count and the running `sum` of squared gradients. */
export type AdagradState = { readonly count: number; readonly sum: TensorTree };

/**
 * Adagrad's preconditioner, as torch computes it:
 *
 *   S ← S + g²;   u = g / (sqrt(S) + ε) / (1 + (t-1)·lrDecay)
 */
export function scaleByAdagrad(options: ScaleByAdagradOptions = {}): GradientTransformation<AdagradState> {
  const { lrDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = options;
  const stepOf = (state: AdagradState): ElementwiseStep<AdagradState> => {
    const step = state.count + 1;
    const decay = 1 / (1 + (step - 1) * lrDecay);
    return {
      trees: { s: state.sum },
      readsParams: false,
      body: ({ u, s }) => {
        const sum = s.add(u.square());
        const scaled = u.div(sum.sqrt().add(eps));
        return { sum, out: lrDecay === 0 ? scaled : scaled.mul(decay) };
      },
      next: ({ sum }) => ({ count: step, sum }),
      replaces: { sum: "s" },
    };
  };
  return {
    name: "scaleByAdagrad",
    init: (params) => ({ count: 0, sum: fullLike(params, initialAccumulatorValue) }),
    update<T extends TensorTree>(updates: T, state: AdagradState): [T, AdagradState] {
      return runElementwiseStep("scaleByAdagrad", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
