import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link ExponentialLR} (torch's `gamma`, `last_epoch`). */
export interface ExponentialLROptions extends LastEpochOption {
  /** Multiplicative factor applied every step. Required (torch has no default). */
  gamma: number;
}

type ExponentialLRSettings = { gamma: number };

/** Multiplies the lr by `gamma` every step (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler<ExponentialLRSettings> {
  static override readonly schedulerName = "ExponentialLR";
  protected settings: ExponentialLRSettings;

  constructor(optimizer: LrControlled, options: ExponentialLROptions) {
    super(optimizer, schedulerOptions("ExponentialLR", options, ["gamma", "lastEpoch"]).lastEpoch);
    this.settings = { gamma: finiteNumber("gamma", options.gamma) };
    this.initialStep();
  }

  protected computeLr(lr: number): number {
    if (this.lastEpoch === 0) return lr;
    return lr * this.settings.gamma;
  }

  protected override closedFormLr(baseLr: number): number {
    return baseLr * this.settings.gamma ** this.lastEpoch;
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: ExponentialLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new ExponentialLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: ExponentialLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new ExponentialLR(opt, withoutLr(options)), options.lr);
  }
}
