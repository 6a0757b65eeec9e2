import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link StepLR} (torch's `step_size`, `gamma`, `last_epoch`). */
export interface StepLROptions extends LastEpochOption {
  /** Period of learning-rate decay, in steps. Required. */
  stepSize: number;
  /** Multiplicative factor of decay. Default 0.1. */
  gamma?: number;
}

type StepLRSettings = { stepSize: number; gamma: number };

/**
 * Multiplies the lr by `gamma` every `stepSize` steps (torch.optim.lr_scheduler.StepLR).
 *
 * Closed form when nothing else touches the lr: `lr_t = baseLr · gamma^⌊t / stepSize⌋`.
 * Computed recursively from the optimizer's current lr, as torch does.
 *
 * ```ts
 * const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler<StepLRSettings> {
  static override readonly schedulerName = "StepLR";
  protected settings: StepLRSettings;

  constructor(optimizer: LrControlled, options: StepLROptions) {
    super(optimizer, schedulerOptions("StepLR", options, ["stepSize", "gamma", "lastEpoch"]).lastEpoch);
    this.settings = {
      stepSize: positiveInteger("stepSize", options.stepSize),
      gamma: finiteNumber("gamma", options.gamma ?? 0.1),
    };
    this.initialStep();
  }

  protected computeLr(lr: number): number {
    const { stepSize, gamma } = this.settings;
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return lr;
    return lr * gamma;
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: StepLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new StepLR(opt, withoutLr(options)), options.lr, steps);
  }

  protected override closedFormLr(baseLr: number): number {
    return baseLr * this.settings.gamma ** Math.floor(this.lastEpoch / this.settings.stepSize);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: StepLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new StepLR(opt, withoutLr(options)), options.lr);
  }
}
