/** Batch metrics computed next to the loss (as tensors, read with the loss). */
import * as tf from "@tensorflow/tfjs";
import { bce } from "../losses/bce";
import { shown } from "../optim/errors";
import type { LossFn } from "./evaluate";

/** A metric: predictions and targets → scalar. */
export type MetricFn = (prediction: tf.Tensor, target: tf.Tensor) => tf.Scalar;
/** A metric by name, or `{ name: fn }`. */
export type Metric = "accuracy" | { [name: string]: MetricFn };

export function unknownMetricMessage(name: unknown): string {
  return `Unknown metric: ${shown(name)} (expected "accuracy" or { name: (prediction, target) => scalar })`;
}

/**
 * Fraction of correct predictions. Logits `[n, k]` with int labels `[n]` (or one-hot `[n, k]`):
 * argmax; one logit `[n, 1]` with 0/1 targets: logit > 0. (`fit` with `loss: losses.bce`, whose
 * single output is a probability, uses {@link probabilityAccuracy} for "accuracy".)
 */
export function accuracy(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return accuracyAbove(prediction, target, 0);
}

/** {@link accuracy} of a single probability output `[n, 1]` (a sigmoid): probability > 0.5. */
export function probabilityAccuracy(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return accuracyAbove(prediction, target, 0.5);
}

/** Accuracy, a single output counting as class 1 above `threshold`. */
function accuracyAbove(prediction: tf.Tensor, target: tf.Tensor, threshold: number): tf.Scalar {
  return tf.tidy(() => {
    const columns = prediction.shape[prediction.rank - 1] ?? 1;
    let predicted: tf.Tensor;
    let actual: tf.Tensor;
    if (prediction.rank === 2 && columns > 1) {
      predicted = tf.argMax(prediction, 1);
      actual = target.rank === 2 ? tf.argMax(target, 1) : tf.cast(target, "int32");
    } else {
      predicted = tf.cast(tf.greater(tf.reshape(prediction, [-1]), threshold), "int32");
      actual = tf.cast(tf.greater(tf.reshape(target, [-1]), 0.5), "int32");
    }
    return tf.mean(tf.cast(tf.equal(predicted, actual), "float32")) as tf.Scalar;
  });
}

export function metricsNotListMessage(metrics: unknown): string {
  return `Invalid metrics: ${shown(metrics)} (expected a list, e.g. metrics: ["accuracy"])`;
}

/**
 * Resolves metric options to named functions (in a stable order). "accuracy" thresholds a single
 * output at 0 (a logit), or at 0.5 when `loss` is `losses.bce` (which takes probabilities).
 */
export function resolveMetrics(metrics: readonly Metric[] = [], loss?: LossFn): { name: string; fn: MetricFn }[] {
  if (!Array.isArray(metrics as unknown)) throw new Error(metricsNotListMessage(metrics));
  const out: { name: string; fn: MetricFn }[] = [];
  for (const metric of metrics) {
    if (metric === "accuracy") out.push({ name: "accuracy", fn: loss === bce ? probabilityAccuracy : accuracy });
    else if (typeof metric === "object" && metric !== null) {
      for (const [name, fn] of Object.entries(metric)) {
        if (typeof fn !== "function") throw new Error(unknownMetricMessage(name));
        out.push({ name, fn });
      }
    } else throw new Error(unknownMetricMessage(metric));
  }
  return out;
}
