/** A supervised dataset: inputs and targets as tensors with the same first dimension. */
import * as tf from "@tensorflow/tfjs";

export interface Dataset {
  /** Inputs, first dimension = examples. */
  x: tf.Tensor;
  /** Targets: int32 class labels `[n]`, or float targets `[n, k]`. */
  y: tf.Tensor;
}

/**
 * A value as the messages echo it: numbers as JS prints them, anything else as JSON (strings
 * quoted, so "32" does not read as the number 32). The same as src/optim/errors.ts's `shown`
 * (src/data may import only src/backend).
 */
export function shown(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `a ${typeof value} that JSON cannot show`;
  }
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

/** Number of examples; throws on a rank-0 x or y and on mismatched x/y lengths. */
export function datasetSize(dataset: Dataset): number {
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

/**
 * The same as src/optim/errors.ts's `closestOption` (src/data may import only src/backend).
 * The option a misspelling or torch's snake_case name stands for (`label_smoothing` → `labelSmoothing`), if any. */
export function closestOption(option: string, allowed: readonly string[]): string | undefined {
  const key = (name: string): string => name.toLowerCase().replace(/_/g, "");
  const wanted = key(option);
  return (
    allowed.find((name) => key(name) === wanted) ??
    allowed.find((name) => wanted.length >= 4 && (key(name).startsWith(wanted) || wanted.startsWith(key(name))))
  );
}

/** An option `owner` does not have (torch: "got an unexpected keyword argument"), with the valid ones. */
export function unexpectedOptionOf(owner: string, option: string, allowed: readonly string[]): string {
  const guess = closestOption(option, allowed);
  return `${owner} got an unexpected option '${option}'${guess === undefined ? "" : ` (did you mean '${guess}'?)`}; its options are ${allowed.join(", ")}`;
}

/** Throws a TypeError (as torch's for an unknown keyword argument) naming the first option of `options` not in `allowed`. */
export function checkOptionNames(owner: string, options: object | undefined, allowed: readonly string[]): void {
  if (typeof options !== "object" || options === null) return;
  for (const option of Object.keys(options))
    if (!allowed.includes(option)) throw new TypeError(unexpectedOptionOf(owner, option, allowed));
}
