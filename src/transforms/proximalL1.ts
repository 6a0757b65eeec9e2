import * as tf from "@tensorflow/tfjs";
import { paramsRequiredMessage } from "./messages";
import { leafAt, zipTrees } from "./tree";
import type { GradientTransformation, LearningRate, LeafFilter, TensorTree } from "./types";

/** State of `proximalL1`: how many updates it has applied (the lr schedule's step). */
export type ProximalL1State = { readonly count: number };

/**
 * The proximal step of an L1 penalty `λ·‖θ‖₁` (ISTA): after the gradient step `z = θ + u`, the
 * parameters become the soft-thresholded `sign(z)·max(|z| - lr·λ, 0)`, and the returned update is
 * that value minus θ. Entries whose |z| is below `lr·λ` become exactly 0 — unlike an L1
 * subgradient in the loss, which only makes them oscillate around 0.
 *
 * Put it last, after `scaleByLearningRate`, with the same learning rate (a number or a function
 * read at every update, e.g. `() => optimizer.lr`).
 *
 * @param lambda λ ≥ 0, the L1 strength.
 * @param learningRate the step size that scales the threshold.
 * @param filter chooses the parameters to threshold by key (variable name); all when omitted.
 */
export function proximalL1(
  lambda: number,
  learningRate: LearningRate,
  filter?: LeafFilter,
): GradientTransformation<ProximalL1State> {
  const lrAt = typeof learningRate === "number" ? () => learningRate : learningRate;
  return {
    name: "proximalL1",
    init: () => ({ count: 0 }),
    update<T extends TensorTree>(updates: T, state: ProximalL1State, params?: T): [T, ProximalL1State] {
      if (params === undefined) throw new Error(paramsRequiredMessage("proximalL1"));
      const threshold = lrAt(state.count) * lambda;
      const out = zipTrees("proximalL1", [updates, params], ([u], key) => {
        if (filter !== undefined && !filter(key)) return u;
        const theta = leafAt(params, key);
        const z = tf.add(theta, u);
        const shrunk = tf.mul(tf.sign(z), tf.relu(tf.sub(tf.abs(z), threshold)));
        // θ + (shrunk - θ) is exactly 0 wherever shrunk is 0, so zeros stay exact.
        return tf.sub(shrunk, theta);
      });
      return [out, { count: state.count + 1 }];
    },
  };
}
