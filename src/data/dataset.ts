/** A supervised dataset: inputs and targets as tensors with the same first dimension. */
import * as tf from "@tensorflow/tfjs";
import { shown } from "../messages/values";
import { closestOption, unexpectedOptionOf, checkOptionNames } from "../messages/options";
export { shown, closestOption, unexpectedOptionOf, checkOptionNames };

export interface Dataset {
  /** Inputs, first dimension = examples. */
  x: tf.Tensor;
  /** Targets: int32 class labels `[n]`, or float targets `[n, k]`. */
  y: tf.Tensor;
}

export function emptyDatasetMessage(what: string): string {
  return `${what}: the dataset is empty (0 examples)`;
}

export function mismatchedLengthsMessage(xRows: number, yRows: number): string {
  return `Dataset x has ${xRows} examples but y has ${yRows}: the first dimensions must match`;
}

/** x or y is a scalar: it has no first dimension to hold examples (it read as an empty dataset). */
export function scalarDatasetMessage(which: "x" | "y"): string {
  return `Dataset ${which} is a scalar (rank 0): a dataset holds its examples along the first dimension, e.g. x of shape [n, features] and y of shape [n] (one example: tf.tensor2d([[…]]) or x.expandDims(0))`;
}

/**
 * Something given as a dataset that is not `{ x, y }` tensors: tfjs's `model.fit` habits (`{ xs, ys }`,
 * Keras's `[x, y]`) failed deep inside with "Cannot read properties of undefined (reading 'rank')".
 */
export function notADatasetMessage(value: unknown): string {
  const got = Array.isArray(value)
    ? `an array of ${value.length}`
    : value !== null && typeof value === "object"
      ? `an object with ${Object.keys(value).length === 0 ? "no keys" : `keys ${Object.keys(value).join(", ")}`}`
      : shown(value);
  const hint = Array.isArray(value)
    ? " (Keras's [x, y] form: write { x, y })"
    : value !== null && typeof value === "object" && "xs" in value
      ? " (tfjs's { xs, ys } form: rename them x and y)"
      : "";
  return `A dataset is { x, y } with two tensors whose first dimension counts the examples, got ${got}${hint}`;
}

/** Number of examples; throws on something that is not `{ x, y }` tensors, a rank-0 x or y and mismatched x/y lengths. */
export function datasetSize(dataset: Dataset): number {
  const isTensor = (t: unknown): boolean => t instanceof tf.Tensor;
  if (typeof dataset !== "object" || dataset === null || !isTensor(dataset.x) || !isTensor(dataset.y))
    throw new TypeError(notADatasetMessage(dataset));
  for (const which of ["x", "y"] as const) if (dataset[which].rank === 0) throw new Error(scalarDatasetMessage(which));
  const rows = dataset.x.shape[0] ?? 0;
  const yRows = dataset.y.shape[0] ?? 0;
  if (rows !== yRows) throw new Error(mismatchedLengthsMessage(rows, yRows));
  return rows;
}

/** Frees both tensors of a dataset. */
export function disposeDataset(dataset: Dataset): void {
  dataset.x.dispose();
  dataset.y.dispose();
}
