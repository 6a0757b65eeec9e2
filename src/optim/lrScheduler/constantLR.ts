import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link ConstantLR} (torch's `factor`, `total_iters`, `last_epoch`). */
export interface ConstantLROptions extends LastEpochOption {
  /** Factor applied to the lr until `totalIters`, in [0, 1]. Default 1/3. */
  factor?: number;
  /** Steps with the reduced lr. Default 5. */
  totalIters?: number;
}

type ConstantLRSettings = { factor: number; totalIters: number };

/**
 * Multiplies the lr by `factor` for the first `totalIters` steps, then restores it
 * (torch.optim.lr_scheduler.ConstantLR): a constant warm-up. Chainable, computed recursively.
 */
export class ConstantLR extends LRScheduler<ConstantLRSettings> {
  static override readonly schedulerName = "ConstantLR";
  protected settings: ConstantLRSettings;

  constructor(optimizer: LrControlled, options: ConstantLROptions = {}) {
    super(optimizer, schedulerOptions("ConstantLR", options, ["factor", "totalIters", "lastEpoch"]).lastEpoch);
    const factor = options.factor ?? 1 / 3;
    if (typeof factor !== "number" || !(factor >= 0 && factor <= 1))
      throw new RangeError(messages.constantFactorRangeMessage());
    this.settings = { factor, totalIters: positiveInteger("totalIters", options.totalIters ?? 5) };
    this.initialStep();
  }

  protected computeLr(lr: number): number {
    const { factor, totalIters } = this.settings;
    if (this.lastEpoch === 0) return lr * factor;
    if (this.lastEpoch !== totalIters) return lr;
    return lr * (1.0 / factor);
  }

  protected override closedFormLr(baseLr: number): number {
    const { factor, totalIters } = this.settings;
    return baseLr * (factor + (this.lastEpoch >= totalIters ? 1 : 0) * (1 - factor));
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: ConstantLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new ConstantLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: ConstantLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new ConstantLR(opt, withoutLr(options)), options.lr);
  }
}
