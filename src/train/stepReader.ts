/**
 * Holds the packed values of steps not yet read and reads them in one device sync into
 * StepRecords. Reading is where a non-finite loss is noticed, so it throws DivergenceError.
 */
import * as tf from "@tensorflow/tfjs";
import { DivergenceError } from "./divergence";
import type { History } from "./history";
import type { StepRecord } from "./records";
import type { StepValueLayout } from "./stepValues";

/** A step's packed values (on the device, or already read: the hidden-unit split's) and what the loop knew when it ran. */
export interface PendingStep {
  packed: tf.Tensor | Float32Array;
  step: number;
  epoch: number;
  lr: number | undefined;
  time: number;
  size: number;
}

export class StepReader {
  private pending: PendingStep[] = [];

  /**
   * `firstStepSuspects`: called when the fit's first step (whose loss comes before any update)
   * is non-finite; names what holds non-finite values.
   */
  constructor(
    private readonly layout: StepValueLayout,
    private readonly history: History,
    private readonly firstStepSuspects: () => string[] = () => [],
  ) {}

  get count(): number {
    return this.pending.length;
  }

  push(step: PendingStep): void {
    this.pending.push(step);
  }

  /** Reads every pending step, appends its record to the history and to `epochSteps`. */
  read(epochSteps: StepRecord[]): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    // One concat of the 1-D rows (a stack would add an expandDims op per step).
    const tensors = batch.flatMap((p) => (p.packed instanceof tf.Tensor ? [p.packed] : []));
    const values = tensors.length > 0 ? tf.tidy(() => tf.concat(tensors).dataSync()) : new Float32Array(0);
    tf.dispose(tensors);
    this.pending = [];
    const width = this.layout.width;
    let read = 0;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const row = p.packed instanceof tf.Tensor ? values.subarray(read * width, ++read * width) : p.packed;
      const numbers = this.layout.unpack(row);
      const record: StepRecord = {
        step: p.step,
        epoch: p.epoch,
        loss: numbers.loss,
        lr: p.lr,
        time: p.time,
        size: p.size,
      };
      if (numbers.gradNorm !== undefined) record.gradNorm = numbers.gradNorm;
      if (numbers.weightNorm !== undefined) record.weightNorm = numbers.weightNorm;
      if (numbers.penalty !== undefined) record.penalty = numbers.penalty;
      this.layout.metricNames.forEach((name, j) => (record[name] = numbers.metrics[j]));
      this.history.steps.push(record);
      epochSteps.push(record);
      const objective = numbers.loss + (numbers.penalty ?? 0);
      if (!Number.isFinite(objective)) {
        this.history.info.diverged = { epoch: p.epoch, step: p.step };
        const reported = Number.isFinite(numbers.loss) ? objective : numbers.loss;
        const found = p.step === 1 ? this.firstStepSuspects() : undefined;
        throw new DivergenceError(p.epoch, p.step, reported, p.lr, this.history, found);
      }
    }
  }

  /** Frees unread steps (after a failure). */
  dispose(): void {
    tf.dispose(this.pending.flatMap((p) => (p.packed instanceof tf.Tensor ? [p.packed] : [])));
    this.pending = [];
  }
}
