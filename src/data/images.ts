/** Turns raw uint8 image bytes and labels into a {@link Dataset}. */
import * as tf from "@tensorflow/tfjs";
import { shown, type Dataset } from "./dataset";

export type Split = "train" | "test";

export function invalidSplitMessage(split: unknown): string {
  return `Invalid split: ${shown(split)} (expected "train" or "test")`;
}

export function invalidLimitMessage(limit: unknown): string {
  return `Invalid limit: ${shown(limit)} (expected a positive integer number of examples)`;
}

export function checkSplit(split: unknown): Split {
  if (split !== "train" && split !== "test") throw new Error(invalidSplitMessage(split));
  return split;
}

export function checkLimit(limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit <= 0) throw new Error(invalidLimitMessage(limit));
  return limit;
}

/** Options shared by the image datasets. */
export interface ImageDatasetOptions {
  split?: Split;
  /** Keep only the first `limit` examples (fast tutorials). */
  limit?: number;
  /** `true` (default): x is `[n, pixels]`; `false`: x is `[n, height, width, channels]`. */
  flatten?: boolean;
}

/**
 * Builds x (float32 in [0, 1]) from `n` images stored as height×width×channels bytes (HWC order),
 * and y (int32 labels).
 */
export function imageDataset(
  pixels: Uint8Array,
  labels: Uint8Array,
  shape: [number, number, number],
  flatten: boolean,
): Dataset {
  const n = labels.length;
  const size = shape[0] * shape[1] * shape[2];
  const values = new Float32Array(n * size);
  for (let i = 0; i < values.length; i++) values[i] = pixels[i] / 255;
  const x = flatten ? tf.tensor2d(values, [n, size]) : tf.tensor4d(values, [n, ...shape]);
  const y = tf.tensor1d(Int32Array.from(labels), "int32");
  return { x, y };
}
