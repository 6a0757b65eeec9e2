import * as tf from "@tensorflow/tfjs";
import { mapTree } from "./tree";
import type { EmptyState, GradientTransformation, TensorTree } from "./types";

/**
 * Flips the sign of the updates: put it first in a chain to maximize the objective (torch's
 * `maximize=True` negates the gradient before anything else, weight decay included).
 */
export function maximize(): GradientTransformation<EmptyState> {
  return {
    name: "maximize",
    init: () => ({}),
    update: <T extends TensorTree>(updates: T, state: EmptyState): [T, EmptyState] => [
      mapTree(updates, (u) => tf.neg(u)),
      state,
    ],
    // The same negation inside a fused optimizer step.
    elementwiseStep: (state) => ({
      trees: {},
      readsParams: false,
      body: ({ u }) => ({ out: u.neg() }),
      next: () => state,
    }),
  };
}
