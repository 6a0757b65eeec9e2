/**
 * The records a training run produces. Field names follow `src/plot/inputs.ts` (StepRecord,
 * EpochRecord) so histories plot directly.
 */

/** The record key of a value's validation twin: loss → valLoss, accuracy → valAccuracy. */
export function validationKey(key: string): string {
  return `val${key.charAt(0).toUpperCase()}${key.slice(1)}`;
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
  /** Examples in the minibatch (always set by `fit`). */
  size?: number;
  /** Seconds since the start of training, at the end of the step. */
  time: number;
  /** Batch metrics, e.g. `accuracy`. */
  [metric: string]: number | undefined;
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
