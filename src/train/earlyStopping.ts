/** `fit`'s early stopping: watches one epoch value, remembers the best epoch (and its weights). */
import * as tf from "@tensorflow/tfjs";
import type { EarlyStoppingOptions } from "./fitOptions";
import { isValidationKey, type EpochRecord } from "./records";
import { shown } from "../optim/errors";

export function missingMonitorMessage(monitor: string, record: EpochRecord): string {
  return `earlyStopping: no "${monitor}" in the epoch record (available: ${Object.keys(record).join(", ")})`;
}

/** The monitor names no value of the epoch records this fit makes (checked before training). */
export function unknownMonitorMessage(monitor: unknown, available: readonly string[], guess?: string): string {
  // valLoss, valAccuracy … exist only with validation data.
  const needsValidation =
    typeof monitor === "string" && isValidationKey(monitor) && !available.includes("valLoss")
      ? `; "${monitor}" is measured on validation data: pass validation: { x, y } to fit`
      : "";
  const meant = guess === undefined || needsValidation ? "" : `; did you mean "${guess}"?`;
  return `earlyStopping: no ${shown(monitor)} in the epoch record (available: ${available.join(", ")})${needsValidation}${meant}`;
}

export function invalidEarlyStoppingModeMessage(mode: unknown): string {
  return `Invalid earlyStopping.mode: ${shown(mode)} (expected "min" or "max")`;
}

export function invalidPatienceMessage(patience: unknown): string {
  return `Invalid earlyStopping.patience: ${shown(patience)} (expected a whole number of epochs >= 0)`;
}

export function invalidMinDeltaMessage(minDelta: unknown): string {
  return `Invalid earlyStopping.minDelta: ${shown(minDelta)} (expected a number >= 0)`;
}

/** Every epoch's monitored value was NaN (or infinite) up to the stop: no epoch is better than another. */
export function noFiniteMonitorMessage(monitor: string, lastEpoch: number): string {
  const epochs = lastEpoch === 1 ? "epoch 1" : `epochs 1 to ${lastEpoch}`;
  const what = isValidationKey(monitor) ? "the validation data (validation.x, validation.y) and " : "";
  return `earlyStopping: "${monitor}" was NaN or infinite in ${epochs}, so there is no best epoch to keep; check ${what}the loss, or watch another value`;
}

/** Checks the early-stopping options before training (planFit), throwing the messages above. */
export function checkEarlyStoppingOptions(options: EarlyStoppingOptions): void {
  if (options.mode !== undefined && options.mode !== "min" && options.mode !== "max")
    throw new Error(invalidEarlyStoppingModeMessage(options.mode));
  const { patience, minDelta } = options;
  if (patience !== undefined && !(Number.isInteger(patience) && patience >= 0))
    throw new Error(invalidPatienceMessage(patience));
  if (minDelta !== undefined && !(typeof minDelta === "number" && minDelta >= 0 && minDelta < Infinity))
    throw new Error(invalidMinDeltaMessage(minDelta));
}

export class EarlyStopping {
  readonly monitor: string;
  private readonly mode: "min" | "max";
  private best: { value: number; epoch: number; weights?: tf.Tensor[] } | undefined;
  private badEpochs = 0;

  constructor(
    private readonly options: EarlyStoppingOptions,
    hasValidation: boolean,
  ) {
    this.monitor = options.monitor ?? (hasValidation ? "valLoss" : "loss");
    this.mode = options.mode ?? (/accuracy/i.test(this.monitor) ? "max" : "min");
  }

  /**
   * Takes the epoch's record; returns what to stop with when `patience` epochs passed without
   * improvement, else undefined.
   */
  update(
    record: EpochRecord,
    model: tf.LayersModel,
  ): { epoch: number; monitor: string; best: number; bestEpoch: number } | undefined {
    const value = record[this.monitor];
    if (value === undefined) throw new Error(missingMonitorMessage(this.monitor, record));
    const delta = this.options.minDelta ?? 0;
    const best = this.best;
    // A NaN or infinite value is never the best (a NaN compares false either way).
    const improved =
      Number.isFinite(value) &&
      (!best || (this.mode === "min" ? value < best.value - delta : value > best.value + delta));
    if (improved) {
      tf.dispose(best?.weights ?? []);
      this.best = {
        value,
        epoch: record.epoch,
        weights: this.options.restoreBest === false ? undefined : snapshot(model),
      };
      this.badEpochs = 0;
    } else if (++this.badEpochs >= (this.options.patience ?? 5)) {
      if (!best) throw new Error(noFiniteMonitorMessage(this.monitor, record.epoch));
      return {
        epoch: record.epoch,
        monitor: this.monitor,
        best: best.value,
        bestEpoch: best.epoch,
      };
    }
    return undefined;
  }

  /** Puts the best weights back when training stopped early or ended past the best epoch. */
  restoreBest(model: tf.LayersModel, stoppedEarly: boolean, lastEpoch: number): void {
    const best = this.best;
    if (best?.weights && (stoppedEarly || best.epoch !== lastEpoch)) model.setWeights(best.weights);
  }

  dispose(): void {
    tf.dispose(this.best?.weights ?? []);
    if (this.best) this.best.weights = undefined;
  }
}

/** Snapshot of all weights (trainable and not, e.g. batch-norm statistics). */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.weights.map((w) => tf.clone(w.read()));
}
