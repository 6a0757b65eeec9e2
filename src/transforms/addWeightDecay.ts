import { addWeightDecayTerm, weightDecayStep } from "./weightDecayTerm";
import type { EmptyState, GradientTransformation, LeafFilter, TensorTree } from "./types";

/**
 * Coupled L2 weight decay: `g ← g + λθ`, torch's `weight_decay` option of SGD, Adam, RMSprop, ….
 * Put it before the preconditioner (`scaleByAdam`, …) so the decay term is preconditioned too,
 * which is the same as adding `λ/2·‖θ‖²` to the loss.
 *
 * @param weightDecay λ ≥ 0.
 * @param filter chooses the parameters to decay by key (variable name); all when omitted.
 */
export function addWeightDecay(weightDecay: number, filter?: LeafFilter): GradientTransformation<EmptyState> {
  return {
    name: "addWeightDecay",
    init: () => ({}),
    update: <T extends TensorTree>(updates: T, state: EmptyState, params?: T): [T, EmptyState] => [
      addWeightDecayTerm("addWeightDecay", updates, params, weightDecay, filter),
      state,
    ],
    elementwiseStep: (state) => weightDecayStep(weightDecay, filter, state),
  };
}
