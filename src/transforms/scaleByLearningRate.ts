import { runElementwiseStep } from "./elementwiseStep";
import type { ElementwiseStep, GradientTransformation, LearningRate, TensorTree } from "./types";

/** State of `scaleByLearningRate`: how many updates it has scaled. */
export type ScaleByLearningRateState = { readonly count: number };

/**
 * Turns a descent direction into the step to add to the parameters: `u ← -lr·u`.
 *
 * `learningRate` is a number or a function of the 0-based update count; the function is called
 * at every update, so `() => optimizer.lr` always reads the current value (this is how the
 * `optim` presets let schedulers change the lr between steps).
 */
export function scaleByLearningRate(learningRate: LearningRate): GradientTransformation<ScaleByLearningRateState> {
  const lrAt = typeof learningRate === "number" ? () => learningRate : learningRate;
  const stepOf = (state: ScaleByLearningRateState): ElementwiseStep<ScaleByLearningRateState> => {
    const scale = -lrAt(state.count);
    return {
      trees: {},
      readsParams: false,
      body: ({ u }) => ({ out: u.mul(scale) }),
      next: () => ({ count: state.count + 1 }),
    };
  };
  return {
    name: "scaleByLearningRate",
    init: () => ({ count: 0 }),
    update<T extends TensorTree>(updates: T, state: ScaleByLearningRateState): [T, ScaleByLearningRateState] {
      return runElementwiseStep("scaleByLearningRate", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
