/**
 * The records a training run produces, defined once: `fit` writes them, History keeps them, and
 * `src/plot` draws them (its `HistoryLike` is these records with only `step`/`epoch` and `loss`
 * required, so hand-made histories plot too).
 */

/** The record key of a value's validation twin: loss → valLoss, accuracy → valAccuracy. */
export function validationKey(key: string): string {
  return `val${key.charAt(0).toUpperCase()}${key.slice(1)}`;
}

/** Whether `key` is an epoch record's value measured on the validation data (`valLoss`, `valAccuracy` …). */
export function isValidationKey(key: string): boolean {
  return /^val[A-Z]/.test(key);
}

/** Values per layer (or per variable), keyed by its name. */
export interface LayerValues {
  [layer: string]: number;
}

/** The number a record holds under `key`; undefined when absent or not a number (per-layer values). */
export function recordNumber(record: { readonly [key: string]: unknown }, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" ? value : undefined;
}

/** One optimizer step. */
export interface StepRecord {
  /** Global step, from 1. */
  step: number;
  /** Epoch the step belongs to, from 1. */
  epoch: number;
  /** Data loss of the minibatch (without the regularizer's penalty). */
  loss: number;
  /** Regularizer penalty added to the objective (only with `regularizer`). */
  penalty?: number;
  /** Learning rate used by this step. */
  lr?: number;
  /** Global L2 norm of the gradient, before clipping (absent with `norms: "epoch"` unless clipping). */
  gradNorm?: number;
  /** Global L2 norm of the trainable weights after the step (absent with `norms: "epoch"`). */
  weightNorm?: number;
  /**
   * Gradient L2 norm per layer, keyed by layer or variable name. `fit` does not record it; a
   * custom loop may, and `plot.gradNorms(history, { perLayer: true })` draws it.
   */
  gradNorms?: LayerValues;
  /** Examples in the minibatch (always set by `fit`). */
  size?: number;
  /** Seconds since the start of training, at the end of the step. */
  time: number;
  /** Batch metrics, e.g. `accuracy` (read them with `recordNumber`). */
  [metric: string]: number | LayerValues | undefined;
}

/** One epoch. Training values are example-weighted means over the epoch's steps. */
export interface EpochRecord {
  epoch: number;
  /** Global step at the end of the epoch. */
  step: number;
  loss: number;
  valLoss?: number;
  lr?: number;
  /** Mean gradient norm over the epoch's steps. */
  gradNorm?: number;
  /** Weight norm at the end of the epoch. */
  weightNorm?: number;
  time: number;
  /** Examples per second over the epoch (training steps only). */
  samplesPerSecond: number;
  /** Metrics (`accuracy`) and their validation values (`valAccuracy`). */
  [metric: string]: number | undefined;
}
