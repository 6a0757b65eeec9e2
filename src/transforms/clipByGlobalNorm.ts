import * as tf from "@tensorflow/tfjs";
import { invalidClipValueMessage } from "./messages";
import { globalNorm } from "./globalNorm";
import { mapTree, treeLeaves } from "./tree";
import type { EmptyState, GradientTransformation, TensorTree } from "./types";

/**
 * torch's clipping coefficient `min(maxNorm / (totalNorm + 1e-6), 1)`, on the device. The one
 * definition of global-norm clipping: this transform and `regularize.clipGradNorm` (torch's
 * function, with p-norms and `errorIfNonfinite`, used by `train.fit`) both scale by it; they differ
 * only in how the total norm is computed (one fused Σx² here, torch's norm of per-tensor norms there).
 */
export function clipCoefficient(totalNorm: tf.Scalar, maxNorm: number): tf.Scalar {
  return tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
}

/**
 * Rescales all updates together so that their global L2 norm is at most `maxNorm`, with
 * torch's `clip_grad_norm_` formula: `coef = min(maxNorm / (totalNorm + 1e-6), 1)`, every update
 * multiplied by `coef`. The coefficient stays on the device (no sync per step).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyState> {
  if (!(maxNorm > 0)) throw new Error(invalidClipValueMessage("clipByGlobalNorm", maxNorm));
  return {
    name: "clipByGlobalNorm",
    init: () => ({}),
    update<T extends TensorTree>(updates: T, state: EmptyState): [T, EmptyState] {
      const leaves = treeLeaves(updates);
      if (leaves.length === 0) return [updates, state];
      const totalNorm = globalNorm(leaves);
      const coef = clipCoefficient(totalNorm, maxNorm);
      return [mapTree(updates, (u) => tf.mul(u, coef)), state];
    },
  };
}
