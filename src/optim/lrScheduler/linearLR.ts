import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link LinearLR} (torch's `start_factor`, `end_factor`, `total_iters`, `last_epoch`). */
export interface LinearLROptions extends LastEpochOption {
  /** Factor applied to the base lr at step 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor reached at step `totalIters` and kept afterwards, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Number of steps of the linear ramp. Default 5. */
  totalIters?: number;
}

type LinearLRSettings = { startFactor: number; endFactor: number; totalIters: number };

/**
 * Linear ramp of the lr factor from `startFactor` to `endFactor` over `totalIters` steps
 * (torch.optim.lr_scheduler.LinearLR): warm-up with the defaults, linear decay with
 * `startFactor: 1, endFactor: small`. Computed with torch's recursive ratio.
 */
export class LinearLR extends LRScheduler<LinearLRSettings> {
  static override readonly schedulerName = "LinearLR";
  protected settings: LinearLRSettings;

  constructor(optimizer: LrControlled, options: LinearLROptions = {}) {
    super(
      optimizer,
      schedulerOptions("LinearLR", options, ["startFactor", "endFactor", "totalIters", "lastEpoch"]).lastEpoch,
    );
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(messages.startFactorRangeMessage());
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(messages.endFactorRangeMessage());
    this.settings = { startFactor, endFactor, totalIters: positiveInteger("totalIters", options.totalIters ?? 5) };
    this.initialStep();
  }

  protected computeLr(lr: number): number {
    const { startFactor, endFactor, totalIters } = this.settings;
    if (this.lastEpoch === 0) return lr * startFactor;
    if (this.lastEpoch > totalIters) return lr;
    return (
      lr *
      (1 + (endFactor - startFactor) / (totalIters * startFactor + (this.lastEpoch - 1) * (endFactor - startFactor)))
    );
  }

  protected override closedFormLr(baseLr: number): number {
    const { startFactor, endFactor, totalIters } = this.settings;
    return baseLr * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, this.lastEpoch)) / totalIters);
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: LinearLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new LinearLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: LinearLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new LinearLR(opt, withoutLr(options)), options.lr);
  }
}
