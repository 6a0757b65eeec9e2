import * as tf from "@tensorflow/tfjs";
import { absolute } from "../backend/absolute";
import * as messages from "./messages";
import { selectWeights, WeightSelection, WeightsInput } from "./weights";

function coefficient(fn: string, option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(messages.invalidCoefficient(fn, option, value));
  }
  return value;
}

/** Σ over the selected weights of `term(w)` summed over elements, as a scalar (0 when none). */
function sumOver(selected: [string, tf.Tensor][], term: (w: tf.Tensor) => tf.Tensor): tf.Scalar {
  return tf.tidy(() => selected.reduce<tf.Scalar>((acc, [, w]) => tf.add(acc, tf.sum(term(w))), tf.scalar(0)));
}

/**
 * L1 penalty `coef · Σ|w|` over the selected weights (biases excluded by default), as a scalar
 * to add to a loss inside `tf.variableGrads`. Drives weights to exactly zero (sparsity).
 *
 * ```ts
 * const { value, grads } = tf.variableGrads(() => tf.add(losses.mse(predict(x), y), regularize.l1Penalty({ w, b }, 1e-3)));
 * ```
 */
export function l1Penalty(weights: WeightsInput, coef: number, selection?: WeightSelection): tf.Scalar {
  const c = coefficient("l1Penalty", "coef", coef);
  const selected = selectWeights("l1Penalty", weights, selection);
  return tf.tidy(() => tf.mul(c, sumOver(selected, absolute)));
}

/**
 * L2 penalty `coef · Σw²` (Keras' `l2` convention, no ½) over the selected weights, biases
 * excluded by default. Its gradient is `2·coef·w`, so SGD's `weightDecay: λ` equals
 * `l2Penalty(w, λ / 2)`; with Adam it is *not* AdamW's decoupled decay.
 */
export function l2Penalty(weights: WeightsInput, coef: number, selection?: WeightSelection): tf.Scalar {
  const c = coefficient("l2Penalty", "coef", coef);
  const selected = selectWeights("l2Penalty", weights, selection);
  return tf.tidy(() => tf.mul(c, sumOver(selected, tf.square)));
}

/** Coefficients of {@link elasticNet}. */
export interface ElasticNetCoefficients {
  l1: number;
  l2: number;
}

/** Elastic net `l1 · Σ|w| + l2 · Σw²` (Keras' `l1_l2`) over the selected weights, biases excluded by default. */
export function elasticNet(
  weights: WeightsInput,
  coefs: ElasticNetCoefficients,
  selection?: WeightSelection,
): tf.Scalar {
  const a = coefficient("elasticNet", "l1", coefs.l1);
  const b = coefficient("elasticNet", "l2", coefs.l2);
  const selected = selectWeights("elasticNet", weights, selection);
  return tf.tidy(() => tf.add(tf.mul(a, sumOver(selected, absolute)), tf.mul(b, sumOver(selected, tf.square))));
}
