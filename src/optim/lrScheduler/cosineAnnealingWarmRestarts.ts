import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link CosineAnnealingWarmRestarts} (torch's `T_0`, `T_mult`, `eta_min`, `last_epoch`). */
export interface CosineAnnealingWarmRestartsOptions extends LastEpochOption {
  /** Steps until the first restart. Required. */
  t0: number;
  /** Each period is `tMult` times the previous one (integer ≥ 1). Default 1. */
  tMult?: number;
  /** Minimum lr. Default 0. */
  etaMin?: number;
}

/** Options plus the position in the current period (torch's `T_cur`, `T_i`), saved by `stateDict()`. */
type WarmRestartsSettings = { t0: number; tMult: number; etaMin: number; tCur: number; tI: number };

/**
 * SGDR: cosine annealing from the base lr to `etaMin` over `t0` steps, then a restart at the
 * base lr, periods growing by `tMult` (torch.optim.lr_scheduler.CosineAnnealingWarmRestarts).
 * `lr = etaMin + (base − etaMin)(1 + cos(π·tCur/tI))/2`. `step(epoch)` also takes a fractional
 * epoch (e.g. `epoch + i / iters` per batch), as torch's does.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler<WarmRestartsSettings> {
  static override readonly schedulerName = "CosineAnnealingWarmRestarts";
  protected settings: WarmRestartsSettings;

  constructor(optimizer: LrControlled, options: CosineAnnealingWarmRestartsOptions) {
    super(
      optimizer,
      schedulerOptions("CosineAnnealingWarmRestarts", options, ["t0", "tMult", "etaMin", "lastEpoch"]).lastEpoch,
    );
    const t0 = positiveInteger("t0", options.t0);
    const tMult = options.tMult ?? 1;
    if (typeof tMult !== "number" || !Number.isInteger(tMult) || tMult < 1)
      throw new RangeError(messages.invalidTMultMessage(tMult));
    this.settings = { t0, tMult, etaMin: finiteNumber("etaMin", options.etaMin ?? 0), tCur: this.lastEpoch, tI: t0 };
    this.initialStep();
  }

  protected computeLr(_lr: number, baseLr: number): number {
    const { etaMin, tCur, tI } = this.settings;
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  }

  /** One step forward, or to `epoch` (any non-negative number, fractional included). */
  override step(epoch?: number): void {
    const s = this.settings;
    let target = epoch;
    if (target === undefined && this.lastEpoch < 0) target = 0;
    if (target === undefined) {
      target = this.lastEpoch + 1;
      s.tCur += 1;
      if (s.tCur >= s.tI) {
        s.tCur -= s.tI;
        s.tI *= s.tMult;
      }
    } else {
      if (typeof target !== "number" || !(target >= 0)) throw new RangeError(messages.invalidEpochMessage(target));
      if (target >= s.t0) {
        if (s.tMult === 1) {
          s.tCur = target % s.t0;
        } else {
          const n = Math.floor(Math.log((target / s.t0) * (s.tMult - 1) + 1) / Math.log(s.tMult));
          s.tCur = target - (s.t0 * (s.tMult ** n - 1)) / (s.tMult - 1);
          s.tI = s.t0 * s.tMult ** n;
        }
      } else {
        s.tI = s.t0;
        s.tCur = target;
      }
    }
    this.stepCount += 1;
    this.lastEpoch = Math.floor(target);
    this.writeLrs(this.groups.map((group, i) => this.computeLr(group.lr, this.baseLrValues[i])));
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: CosineAnnealingWarmRestartsOptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new CosineAnnealingWarmRestarts(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: CosineAnnealingWarmRestartsOptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new CosineAnnealingWarmRestarts(opt, withoutLr(options)), options.lr);
  }
}
