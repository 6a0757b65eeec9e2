import { lambdasPerGroup } from "./lambdaLR";
import type { LrLambda } from "./lambdaLR";
import type { LrControlled } from "./lrControlled";
import { schedulerOptions, withoutLr } from "./validate";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";

/** Options of {@link MultiplicativeLR} (torch's `lr_lambda`, `last_epoch`). */
export interface MultiplicativeLROptions extends LastEpochOption {
  /** The factor applied to the current lr at each epoch ≥ 1; or one function per group. Required. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/**
 * Multiplies the current lr by `lrLambda(epoch)` at every step after the first
 * (torch.optim.lr_scheduler.MultiplicativeLR). Chainable.
 */
export class MultiplicativeLR extends LRScheduler<Record<string, never>> {
  static override readonly schedulerName = "MultiplicativeLR";
  protected settings: Record<string, never> = {};
  private readonly lambdas: LrLambda[];

  constructor(optimizer: LrControlled, options: MultiplicativeLROptions) {
    super(optimizer, schedulerOptions("MultiplicativeLR", options, ["lrLambda", "lastEpoch"]).lastEpoch);
    this.lambdas = lambdasPerGroup(this.groups.length, options.lrLambda, "lrLambda");
    this.initialStep();
  }

  protected computeLr(lr: number, _baseLr: number, _group: LrControlled, index: number): number {
    return this.lastEpoch > 0 ? lr * this.lambdas[index](this.lastEpoch) : lr;
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: MultiplicativeLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new MultiplicativeLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: MultiplicativeLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new MultiplicativeLR(opt, withoutLr(options)), options.lr);
  }
}
