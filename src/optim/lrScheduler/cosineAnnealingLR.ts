import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link CosineAnnealingLR} (torch's `T_max`, `eta_min`, `last_epoch`). */
export interface CosineAnnealingLROptions extends LastEpochOption {
  /** Half-period of the cosine, in steps. Required. */
  tMax: number;
  /** Minimum lr. Default 0. */
  etaMin?: number;
}

type CosineAnnealingLRSettings = { tMax: number; etaMin: number };

/**
 * Cosine annealing from the base lr down to `etaMin` over `tMax` steps
 * (torch.optim.lr_scheduler.CosineAnnealingLR), without restarts.
 *
 * When only this scheduler sets the lr, `η_t = η_min + ½(η_max − η_min)(1 + cos(π·t/T_max))`.
 * The lr is computed with torch's recursive (chainable) rule, term for term:
 * - t = 0: unchanged;
 * - first step after resuming (lastEpoch > 0): the closed form above;
 * - (t − 1 − T_max) mod 2T_max = 0: `η + (η_max − η_min)(1 − cos(π/T_max))/2` (the rise after a trough);
 * - otherwise `(1 + cos(πt/T_max)) / (1 + cos(π(t−1)/T_max)) · (η − η_min) + η_min`.
 * Past `tMax` the lr therefore rises again along the cosine, as in torch.
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLRSettings> {
  static override readonly schedulerName = "CosineAnnealingLR";
  protected settings: CosineAnnealingLRSettings;

  constructor(optimizer: LrControlled, options: CosineAnnealingLROptions) {
    super(optimizer, schedulerOptions("CosineAnnealingLR", options, ["tMax", "etaMin", "lastEpoch"]).lastEpoch);
    this.settings = {
      tMax: positiveInteger("tMax", options.tMax),
      etaMin: finiteNumber("etaMin", options.etaMin ?? 0),
    };
    this.initialStep();
  }

  protected computeLr(lr: number, baseLr: number): number {
    const { tMax, etaMin } = this.settings;
    const t = this.lastEpoch;
    if (t === 0) return lr;
    if (this.stepCount === 1 && t > 0) {
      return etaMin + ((baseLr - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2;
    }
    // JS `%` keeps the sign, Python's does not; only equality with 0 matters, where both agree.
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    return ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (lr - etaMin) + etaMin;
  }

  protected override closedFormLr(baseLr: number): number {
    const { tMax, etaMin } = this.settings;
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2;
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: CosineAnnealingLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new CosineAnnealingLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: CosineAnnealingLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new CosineAnnealingLR(opt, withoutLr(options)), options.lr);
  }
}
