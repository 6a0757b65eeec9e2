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
  return reduction === "sum" ? tf.sum(losses) : tf.mean(losses);
}
