/**
 * optimlab's own training stack (`train.fit` + `optim.Adam`) on the benchmark's models and data,
 * as a timed round in samples/s. `model.fit` rounds live in workloads.ts.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/backend";
import { Adam } from "../src/optim";
import { fit } from "../src/train";
import { BATCH_SIZE, withKernels, type TrainingData } from "./workloads";

/** Categorical cross-entropy on softmax outputs, the loss `model.fit` uses in the other rows. */
function categoricalCrossentropy(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.metrics.categoricalCrossentropy(target, prediction));
}

/**
 * One round = one epoch of `train.fit` + `optim.Adam` over `data`, with optimlab's wasm kernels.
 * `norms: "epoch"` leaves out the per-step gradient and weight norms (fit's default records them).
 */
export async function optimlabFitRound(
  build: () => tf.LayersModel,
  data: TrainingData,
  norms: "step" | "epoch" = "step",
): Promise<() => Promise<number>> {
  await ready();
  return fitEpochRound(build(), categoricalCrossentropy, data.x, data.y, data.count, norms);
}

/**
 * A function that trains `model` (with its own `optim.Adam`) one epoch of `train.fit` over (x, y)
 * on optimlab's wasm kernels and returns samples/s: the timed round of every `train.fit` row.
 */
let lastThreads = 1;

/** The threads the last {@link fitEpochRound} epoch trained on (fit may keep a batch split off). */
export function lastFitThreads(): number {
  return lastThreads;
}

export function fitEpochRound(
  model: tf.LayersModel,
  loss: (prediction: tf.Tensor, target: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  y: tf.Tensor,
  count: number,
  norms: "step" | "epoch" = "step",
): () => Promise<number> {
  const optimizer = new Adam({ lr: 1e-3 });
  return () =>
    withKernels(true, async () => {
      const t0 = performance.now();
      const history = await fit(model, {
        optimizer,
        loss,
        train: { x, y },
        epochs: 1,
        batchSize: BATCH_SIZE,
        progress: false,
        norms,
      });
      lastThreads = history.info.threads ?? 1;
      return count / ((performance.now() - t0) / 1000);
    });
}
