import { addWeightDecayTerm, weightDecayStep } from "./weightDecayTerm";
import type { EmptyState, GradientTransformation, LeafFilter, TensorTree } from "./types";

/**
 * Decoupled weight decay (AdamW, Loshchilov & Hutter): `θ ← θ - lr·λ·θ`, applied next to the
 * preconditioned step instead of inside the gradient.
 *
 * Where it goes: after the preconditioner and before `scaleByLearningRate`. It adds `λθ` to the
 * preconditioned updates; the `scaleByLearningRate` link that follows multiplies both terms by
 * the learning rate it reads at that step, so the decay is always `lr·λ·θ` with the current lr
 * (schedulers included) and never needs its own copy of the lr:
 *
 *   chain(scaleByAdam(), decoupledWeightDecay(λ), scaleByLearningRate(lr))   // AdamW
 *   chain(addWeightDecay(λ), scaleByAdam(), scaleByLearningRate(lr))         // Adam(weightDecay=λ)
 *
 * @param weightDecay λ ≥ 0.
 * @param filter chooses the parameters to decay by key (variable name); all when omitted.
 */
export function decoupledWeightDecay(weightDecay: number, filter?: LeafFilter): GradientTransformation<EmptyState> {
  return {
    name: "decoupledWeightDecay",
    init: () => ({}),
    update: <T extends TensorTree>(updates: T, state: EmptyState, params?: T): [T, EmptyState] => [
      addWeightDecayTerm("decoupledWeightDecay", updates, params, weightDecay, filter),
      state,
    ],
    elementwiseStep: (state) => weightDecayStep(weightDecay, filter, state),
  };
}
