import { elementwise } from "../backend/fused";
import { mapTree } from "./tree";
import type { GradientTransformation, LearningRate, TensorTree } from "./types";

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
  return {
    name: "scaleByLearningRate",
    init: () => ({ count: 0 }),
    update<T extends TensorTree>(updates: T, state: ScaleByLearningRateState): [T, ScaleByLearningRateState] {
      const scale = -lrAt(state.count);
      return [
        mapTree(updates, (u) => elementwise({ u }, ({ u }) => ({ step: u.mul(scale) })).step),
        { count: state.count + 1 },
      ];
    },
  };
}
