import * as tf from "@tensorflow/tfjs";
import { gradientList, tidyGradients, type Gradients } from "./gradients";
import { mapTree } from "../transforms/tree";
import * as messages from "./messages";
import { clipCoefficient } from "../transforms/clipByGlobalNorm";

/** Options of {@link clipGradNorm} (torch's `norm_type`, `error_if_nonfinite`). */
export interface ClipGradNormOptions {
  /** p of the p-norm; `Infinity` for the max-norm. Default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or ±Infinity instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

/** What {@link clipGradNorm} returns. */
export interface ClippedGradients<G extends Gradients> {
  /** New clipped gradient tensors, in the same container kind; the caller disposes them. */
  grads: G;
  /**
   * Total norm of the gradients *before* clipping, as if concatenated into one vector: a float32
   * scalar tensor, like torch's return value (read it with `dataSync()[0]`; the caller disposes it).
   * Kept on the device so a training loop can batch its reads.
   */
  totalNorm: tf.Scalar;
}

/**
 * Rescales gradients so that their total norm is at most `maxNorm`, with torch's exact formula
 * (torch.nn.utils.clip_grad_norm_): per-gradient p-norms, then the p-norm of those (or the max for
 * `Infinity`); every gradient is multiplied by `min(1, maxNorm / (totalNorm + 1e-6))`.
 * All in float32, as torch. The input gradients are left untouched (not disposed).
 *
 * ```ts
 * const { value, grads } = tf.variableGrads(lossFn);
 * const clipped = regularize.clipGradNorm(grads, 1.0);
 * optimizer.applyGradients(clipped.grads);
 * console.log(clipped.totalNorm.dataSync()[0]);
 * tf.dispose([value, grads, clipped.grads, clipped.totalNorm]);
 * ```
 */
export function clipGradNorm<G extends Gradients>(
  grads: G,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): ClippedGradients<G> {
  const normType = options.normType ?? 2;
  if (typeof normType !== "number" || !(normType > 0))
    throw new RangeError(messages.invalidNormType("clipGradNorm", normType));
  if (typeof maxNorm !== "number" || Number.isNaN(maxNorm) || maxNorm < 0) {
    throw new RangeError(messages.invalidCoefficient("clipGradNorm", "maxNorm", maxNorm));
  }
  const list = gradientList("clipGradNorm", grads);
  if (list.length === 0) return { grads: mapTree(grads, (g) => g), totalNorm: tf.scalar(0) };
  const totalNorm = tf.tidy(() => totalNormOf(list, normType));
  // Like torch, only this option forces a read of the norm (a device sync).
  if (options.errorIfNonfinite === true && !Number.isFinite(totalNorm.dataSync()[0])) {
    totalNorm.dispose();
    throw new Error(messages.nonFiniteTotalNorm(normType));
  }
  const clipped = tidyGradients(() => {
    const coef = clipCoefficient(totalNorm, maxNorm);
    return mapTree(grads, (g) => tf.mul(g, coef));
  });
  return { grads: clipped, totalNorm };
}

/** torch's total norm: the norm of the per-tensor norms (max of maxima for Infinity). */
function totalNormOf(list: tf.Tensor[], p: number): tf.Scalar {
  if (p === Infinity) return tf.max(tf.stack(list.map((g) => tf.max(tf.abs(g))))) as tf.Scalar;
  const norms = tf.stack(list.map((g) => pNorm(g, p)));
  return pNorm(norms, p) as tf.Scalar;
}

/** The p-norm of all elements of `x`, a scalar. */
function pNorm(x: tf.Tensor, p: number): tf.Tensor {
  if (p === 1) return tf.sum(tf.abs(x));
  if (p === 2) return tf.sqrt(tf.sum(tf.square(x)));
  return tf.pow(tf.sum(tf.pow(tf.abs(x), p)), 1 / p);
}
