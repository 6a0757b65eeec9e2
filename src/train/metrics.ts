/** Batch metrics computed next to the loss (as tensors, read with the loss). */
import * as tf from "@tensorflow/tfjs";

/** A metric: predictions and targets → scalar. */
export type MetricFn = (prediction: tf.Tensor, target: tf.Tensor) => tf.Scalar;
/** A metric by name, or `{ name: fn }`. */
export type Metric = "accuracy" | { [name: string]: MetricFn };

export function unknownMetricMessage(name: unknown): string {
  return `Unknown metric: ${String(name)} (expected "accuracy" or { name: (prediction, target) => scalar })`;
}

/**
 * Fraction of correct predictions. Logits `[n, k]` with int labels `[n]` (or one-hot `[n, k]`):
 * argmax; one logit `[n, 1]` with 0/1 targets: logit > 0.
 */
export function accuracy(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const columns = prediction.shape[prediction.rank - 1] ?? 1;
    let predicted: tf.Tensor;
    let actual: tf.Tensor;
    if (prediction.rank === 2 && columns > 1) {
      predicted = tf.argMax(prediction, 1);
      actual = target.rank === 2 ? tf.argMax(target, 1) : tf.cast(target, "int32");
    } else {
      predicted = tf.cast(tf.greater(tf.reshape(prediction, [-1]), 0), "int32");
      actual = tf.cast(tf.greater(tf.reshape(target, [-1]), 0.5), "int32");
    }
    return tf.mean(tf.cast(tf.equal(predicted, actual), "float32")) as tf.Scalar;
  });
}

/** Resolves metric options to named functions (in a stable order). */
export function resolveMetrics(metrics: readonly Metric[] = []): { name: string; fn: MetricFn }[] {
  const out: { name: string; fn: MetricFn }[] = [];
  for (const metric of metrics) {
    if (metric === "accuracy") out.push({ name: "accuracy", fn: accuracy });
    else if (typeof metric === "object" && metric !== null) {
      for (const [name, fn] of Object.entries(metric)) {
        if (typeof fn !== "function") throw new Error(unknownMetricMessage(name));
        out.push({ name, fn });
      }
    } else throw new Error(unknownMetricMessage(metric));
  }
  return out;
}
