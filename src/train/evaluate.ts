/** Loss and metrics of a model on a dataset, in inference mode, with one read at the end. */
import * as tf from "@tensorflow/tfjs";
import { DataLoader } from "../data/loader";
import type { Dataset } from "../data/dataset";
import type { MetricFn } from "./metrics";

export type LossFn = (prediction: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/**
 * Example-weighted mean loss and metrics over `dataset` (batches of `batchSize`, default 1024,
 * so big validation sets do not need one huge activation tensor).
 */
export function evaluateModel(
  model: tf.LayersModel,
  dataset: Dataset,
  loss: LossFn,
  metrics: readonly { name: string; fn: MetricFn }[] = [],
  batchSize = 1024,
): { loss: number; [metric: string]: number } {
  const loader = new DataLoader(dataset, { batchSize, shuffle: false, seed: 0 });
  const totals: tf.Tensor[] = [];
  for (const batch of loader.batches(0)) {
    totals.push(
      tf.tidy(() => {
        const prediction = model.apply(batch.x, { training: false }) as tf.Tensor;
        const values = [loss(prediction, batch.y), ...metrics.map((m) => m.fn(prediction, batch.y))];
        return tf.mul(tf.stack(values), batch.size);
      }),
    );
    batch.dispose();
  }
  const sums = tf.tidy(() => tf.addN(totals).dataSync());
  tf.dispose(totals);
  const out: { loss: number; [metric: string]: number } = { loss: sums[0] / loader.size };
  metrics.forEach((m, i) => (out[m.name] = sums[i + 1] / loader.size));
  return out;
}
