import * as tf from "@tensorflow/tfjs";
import * as messages from "./messages";

/** How per-element losses are combined, as torch's `reduction`. */
export type Reduction = "mean" | "sum" | "none";

/** The `reduction` option every loss accepts. Default "mean". */
export interface ReductionOption {
  reduction?: Reduction;
}

/** Options narrowing the result to a scalar. */
export interface ScalarReduction {
  reduction?: "mean" | "sum";
}

/** Options keeping one loss per element. */
export interface NoReduction {
  reduction: "none";
}

/** Validates the reduction option up front, so the error comes before any tensor work. */
export function checkReduction(reduction: unknown): Reduction {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new Error(messages.invalidReduction(reduction));
  }
  return reduction;
}

/** Applies a reduction to per-element losses (mean over all elements, as torch). */
export function reduce(losses: tf.Tensor, reduction: Reduction): tf.Tensor {
  if (reduction === "none") return losses;
  return reduction === "sum" ? sumOf(losses) : meanOf(losses);
}

/**
 * Σ of all elements; 0 for an empty tensor. tfjs's wasm reductions over zero elements return
 * whatever the output buffer held (3.57e-41, …), so an empty tensor is summed with one zero
 * appended: still 0, and still connected to `t` for gradients.
 */
export function sumOf(t: tf.Tensor): tf.Scalar {
  return t.size === 0 ? tf.sum(tf.concat([tf.reshape(t, [0]), tf.zeros([1])])) : tf.sum(t);
}

/** Mean of all elements; NaN for an empty tensor, as torch (0/0). */
export function meanOf(t: tf.Tensor): tf.Scalar {
  return t.size === 0 ? tf.div(sumOf(t), 0) : tf.mean(t);
}
