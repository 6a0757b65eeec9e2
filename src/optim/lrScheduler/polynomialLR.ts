import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link PolynomialLR} (torch's `total_iters`, `power`, `last_epoch`). */
export interface PolynomialLROptions extends LastEpochOption {
  /** Steps until the lr reaches 0. Default 5. */
  totalIters?: number;
  /** Power of the polynomial. Default 1 (linear decay). */
  power?: number;
}

type PolynomialLRSettings = { totalIters: number; power: number };

/**
 * Decays the lr to 0 over `totalIters` steps along `(1 − t/T)^power`
 * (torch.optim.lr_scheduler.PolynomialLR, new in torch 1.13). Chainable, computed recursively.
 */
export class PolynomialLR extends LRScheduler<PolynomialLRSettings> {
  static override readonly schedulerName = "PolynomialLR";
  protected settings: PolynomialLRSettings;

  constructor(optimizer: LrControlled, options: PolynomialLROptions = {}) {
    super(optimizer, schedulerOptions("PolynomialLR", options, ["totalIters", "power", "lastEpoch"]).lastEpoch);
    this.settings = {
      totalIters: positiveInteger("totalIters", options.totalIters ?? 5),
      power: finiteNumber("power", options.power ?? 1.0),
    };
    this.initialStep();
  }

  protected computeLr(lr: number): number {
    const { totalIters, power } = this.settings;
    const t = this.lastEpoch;
    if (t === 0 || t > totalIters) return lr;
    return lr * ((1.0 - t / totalIters) / (1.0 - (t - 1) / totalIters)) ** power;
  }

  protected override closedFormLr(baseLr: number): number {
    const { totalIters, power } = this.settings;
    return baseLr * (1.0 - Math.min(totalIters, this.lastEpoch) / totalIters) ** power;
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: PolynomialLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new PolynomialLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: PolynomialLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new PolynomialLR(opt, withoutLr(options)), options.lr);
  }
}
