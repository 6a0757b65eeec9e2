import type { LrControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link MultiStepLR} (torch's `milestones`, `gamma`, `last_epoch`). */
export interface MultiStepLROptions extends LastEpochOption {
  /** Step indices at which to decay. A milestone listed k times decays by gamma^k. Required. */
  milestones: number[];
  /** Multiplicative factor of decay. Default 0.1. */
  gamma?: number;
}

type MultiStepLRSettings = { milestones: number[]; gamma: number };

/**
 * Multiplies the lr by `gamma` when the step count reaches each milestone
 * (torch.optim.lr_scheduler.MultiStepLR). Repeated milestones count repeatedly, like torch's Counter.
 */
export class MultiStepLR extends LRScheduler<MultiStepLRSettings> {
  static override readonly schedulerName = "MultiStepLR";
  protected settings: MultiStepLRSettings;

  constructor(optimizer: LrControlled, options: MultiStepLROptions) {
    super(optimizer, schedulerOptions("MultiStepLR", options, ["milestones", "gamma", "lastEpoch"]).lastEpoch);
    const milestones = options.milestones;
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new RangeError(messages.invalidMilestonesMessage(milestones));
    }
    this.settings = { milestones: [...milestones], gamma: finiteNumber("gamma", options.gamma ?? 0.1) };
    this.initialStep();
  }

  protected computeLr(lr: number): number {
    const hits = this.settings.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return lr;
    return lr * this.settings.gamma ** hits;
  }

  protected override closedFormLr(baseLr: number): number {
    const passed = this.settings.milestones.filter((m) => m <= this.lastEpoch).length;
    return baseLr * this.settings.gamma ** passed;
  }

  /** The lrs of the first `steps` optimizer steps for a starting lr `options.lr`. */
  static curve(options: MultiStepLROptions & { lr: number }, steps: number): number[] {
    return simulateLrs((opt) => new MultiStepLR(opt, withoutLr(options)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: MultiStepLROptions & { lr: number }): LrSchedule {
    return simulatedSchedule((opt) => new MultiStepLR(opt, withoutLr(options)), options.lr);
  }
}
