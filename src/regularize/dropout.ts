import * as tf from "@tensorflow/tfjs";
import * as messages from "./messages";

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Drop units (true, default, as torch's F.dropout) or return the input unchanged (evaluation). */
  training?: boolean;
  /** Seed of the mask: the same seed, shape and p give the same mask. Unseeded masks are random. */
  seed?: number | string;
}

/**
 * Inverted dropout (torch.nn.functional.dropout): each element is zeroed with probability `p` and
 * the kept ones are scaled by 1/(1 − p), so the expected value is unchanged and evaluation needs no
 * rescaling. `p = 0` or `training: false` returns an unchanged copy; `p = 1` returns zeros.
 * Element i is kept when the seeded uniform draw u_i ≥ p. Returns a new tensor (the caller disposes it).
 *
 * ```ts
 * const h = regularize.dropout(tf.relu(tf.matMul(x, w)), 0.5, { training: true, seed: step });
 * ```
 */
export function dropout(x: tf.Tensor, p = 0.5, options: DropoutOptions = {}): tf.Tensor {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new RangeError(messages.dropoutProbability(p));
  const training = options.training ?? true;
  if (!training || p === 0) return x.clone();
  if (p === 1) return tf.zerosLike(x);
  return tf.tidy(() => {
    const keep = tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", options.seed), p);
    return tf.mul(x, tf.mul(keep.toFloat(), 1 / (1 - p)));
  });
}
