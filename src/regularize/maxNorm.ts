import * as tf from "@tensorflow/tfjs";
import * as messages from "./messages";
import { selectWeights, WeightSelection, WeightsInput } from "./weights";

/** Options of {@link maxNorm} / {@link applyMaxNorm}. */
export interface MaxNormOptions {
  /**
   * The axes the norm is taken over (Keras' MaxNorm convention). Default 0: for a tfjs dense
   * kernel [in, out] that bounds each output unit's incoming weight vector (a column). For a
   * conv2d kernel [h, w, in, out] use [0, 1, 2]. Negative axes count from the end.
   */
  axis?: number | number[];
  /** p of the p-norm (torch.renorm's `p`); Infinity allowed. Default 2. */
  p?: number;
}

/** torch.renorm divides by norm + 1e-7. */
const RENORM_EPSILON = 1e-7;

function normalizeAxes(axis: number | number[], rank: number): number[] {
  const axes = Array.isArray(axis) ? axis : [axis];
  return axes.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw new RangeError(messages.axisOutOfRange(a, rank));
    return a < 0 ? a + rank : a;
  });
}

function pNormOver(w: tf.Tensor, p: number, axes: number[]): tf.Tensor {
  if (p === Infinity) return tf.max(tf.abs(w), axes, true);
  if (p === 2) return tf.sqrt(tf.sum(tf.square(w), axes, true));
  if (p === 1) return tf.sum(tf.abs(w), axes, true);
  return tf.pow(tf.sum(tf.pow(tf.abs(w), p), axes, true), 1 / p);
}

/**
 * Max-norm constraint: every slice whose p-norm over `axis` exceeds `maxValue` is rescaled to norm
 * `maxValue`; the others are unchanged. The rescaling is torch.renorm's,
 * `w · maxValue / (norm + 1e-7)` where norm > maxValue. Note the axis convention: torch.renorm's
 * `dim` names the axis that is *kept* (dim 0 = one slice per output unit of a torch Linear weight
 * [out, in]); `axis` here names the axes *reduced*, as Keras does, so `axis: 0` on a tfjs kernel
 * [in, out] is the same constraint as `torch.renorm(W, 2, 0, c)` on torch's transposed weight.
 * Returns a new tensor.
 */
export function maxNorm(weight: tf.Tensor, maxValue: number, options: MaxNormOptions = {}): tf.Tensor {
  if (typeof maxValue !== "number" || !(maxValue >= 0))
    throw new RangeError(messages.invalidCoefficient("maxNorm", "maxValue", maxValue));
  const p = options.p ?? 2;
  if (typeof p !== "number" || !(p > 0)) throw new RangeError(messages.invalidNormType("maxNorm", p));
  const axes = normalizeAxes(options.axis ?? 0, weight.rank);
  return tf.tidy(() => {
    const norms = pNormOver(weight, p, axes);
    const factor = tf.where(
      tf.greater(norms, maxValue),
      tf.div(maxValue, tf.add(norms, RENORM_EPSILON)),
      tf.onesLike(norms),
    );
    return tf.mul(weight, factor);
  });
}

/**
 * Applies {@link maxNorm} in place to the selected variables (biases excluded by default): call it
 * after each optimizer step, like Keras' kernel constraints or the classic dropout + max-norm recipe.
 */
export function applyMaxNorm(
  weights: WeightsInput,
  maxValue: number,
  options: MaxNormOptions & WeightSelection = {},
): void {
  const selected = selectWeights("applyMaxNorm", weights, options);
  for (const [name, w] of selected) {
    if (!(w instanceof tf.Variable)) throw new TypeError(messages.notAVariable("applyMaxNorm", name));
  }
  for (const [, w] of selected) {
    const variable = w as tf.Variable;
    tf.tidy(() => variable.assign(maxNorm(variable, maxValue, options)));
  }
}
