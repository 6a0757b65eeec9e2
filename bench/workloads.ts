/**
 * The timed workloads: one epoch of `model.fit` over a fixed MNIST sample, for the MLP and LeNet,
 * with optimlab's wasm kernels installed or not.
 */
import * as tf from "@tensorflow/tfjs";
import { installWasmKernels, uninstallWasmKernels } from "../src/backend/wasmKernels";
import type { MnistSample } from "./mnist";

export const BATCH_SIZE = 64;

export interface TrainingData {
  x: tf.Tensor;
  y: tf.Tensor;
  count: number;
}

/** Images as [n, 784] (MLP) or [n, 28, 28, 1] (CNN), labels one-hot [n, 10]. */
export function trainingData(sample: MnistSample, count: number, images: "flat" | "grid"): TrainingData {
  const n = Math.min(count, sample.count);
  const pixels = sample.images.subarray(0, n * 784);
  const x = images === "flat" ? tf.tensor2d(pixels, [n, 784]) : tf.tensor4d(pixels, [n, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(sample.labels.subarray(0, n)), "int32"), 10));
  return { x, y, count: n };
}

export function disposeData(data: TrainingData): void {
  data.x.dispose();
  data.y.dispose();
}

/** Runs `fn` with optimlab's kernels installed (`true`) or tfjs's own (`false`), restoring the previous state. */
export async function withKernels<T>(installed: boolean, fn: () => Promise<T>): Promise<T> {
  if (installed) installWasmKernels();
  else uninstallWasmKernels();
  try {
    return await fn();
  } finally {
    installWasmKernels();
  }
}

/**
 * A compiled model and the samples/s of one `model.fit` epoch over `data`, with optimlab's wasm
 * kernels (`kernels`) or tfjs's own, and `tf.train.adam` unless another optimizer is given.
 */
export function modelFitRound(
  build: () => tf.LayersModel,
  data: TrainingData,
  kernels: boolean,
  optimizer: tf.Optimizer = tf.train.adam(1e-3),
): () => Promise<number> {
  const model = build();
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  return () =>
    withKernels(kernels, async () => {
      const t0 = performance.now();
      await model.fit(data.x, data.y, { batchSize: BATCH_SIZE, epochs: 1, verbose: 0, shuffle: true });
      return data.count / ((performance.now() - t0) / 1000);
    });
}
