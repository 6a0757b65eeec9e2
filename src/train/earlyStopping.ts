/** `fit`'s early stopping: watches one epoch value, remembers the best epoch (and its weights). */
import * as tf from "@tensorflow/tfjs";
import type { EarlyStoppingOptions } from "./fitOptions";
import type { EpochRecord } from "./records";
import { shown } from "../optim/errors";

export function missingMonitorMessage(monitor: string, record: EpochRecord): string {
  return `earlyStopping: no "${monitor}" in the epoch record (available: ${Object.keys(record).join(", ")})`;
}

export function invalidEarlyStoppingModeMessage(mode: unknown): string {
  return `Invalid earlyStopping.mode: ${shown(mode)} (expected "min" or "max")`;
}

/** Checks the early-stopping options before training (planFit), throwing the messages above. */
export function checkEarlyStoppingOptions(options: EarlyStoppingOptions): void {
  if (options.mode !== undefined && options.mode !== "min" && options.mode !== "max")
    throw new Error(invalidEarlyStoppingModeMessage(options.mode));
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
    const improved = !best || (this.mode === "min" ? value < best.value - delta : value > best.value + delta);
    if (improved) {
      tf.dispose(best?.weights ?? []);
      this.best = {
        value,
        epoch: record.epoch,
        weights: this.options.restoreBest === false ? undefined : snapshot(model),
      };
      this.badEpochs = 0;
    } else if (++this.badEpochs >= (this.options.patience ?? 5)) {
      return {
        epoch: record.epoch,
        monitor: this.monitor,
        best: best?.value ?? value,
        bestEpoch: best?.epoch ?? record.epoch,
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
