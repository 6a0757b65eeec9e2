import { recordedInitialLr } from "./initialLr";
import type { LrControlled } from "./lrControlled";
import { paramGroupsOf } from "./lrScheduler";
import type { EpochScheduler, SchedulerState } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { checkOptionNames } from "./validate";

/** Options of {@link SequentialLR} (torch's `schedulers`, `milestones`). */
export interface SequentialLROptions {
  /** The schedulers, already attached to the same optimizer. Required. */
  schedulers: readonly EpochScheduler[];
  /** The steps at which the next scheduler takes over (one fewer than schedulers). Required. */
  milestones: readonly number[];
}

/** What {@link SequentialLR.stateDict} returns. */
export interface SequentialLRState {
  scheduler: "SequentialLR";
  lastEpoch: number;
  milestones: number[];
  lastLrs: number[];
  schedulers: SchedulerState[];
}

/**
 * Runs schedulers one after another (torch.optim.lr_scheduler.SequentialLR): `schedulers[i]`
 * drives the lr from `milestones[i-1]` on, starting its own schedule from epoch 0 at its
 * milestone (torch's `step(0)`, closed form where it has one).
 *
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR {
  static readonly schedulerName = "SequentialLR";
  readonly optimizer: LrControlled;
  lastEpoch: number;
  private readonly schedulers: EpochScheduler[];

  /** The schedulers it runs (torch's `_schedulers`), e.g. for a loop that must know how to step them. */
  get members(): readonly EpochScheduler[] {
    return this.schedulers;
  }
  private readonly milestones: number[];
  private lastLrs: number[];

  constructor(optimizer: LrControlled, options: SequentialLROptions) {
    checkOptionNames("SequentialLR", options, ["schedulers", "milestones"]);
    const schedulers = [...options.schedulers];
    if (schedulers.length === 0) throw new RangeError(messages.noSchedulersMessage("SequentialLR"));
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new RangeError(messages.differentOptimizerMessage("SequentialLR", i));
    });
    if (options.milestones.length !== schedulers.length - 1) {
      throw new RangeError(messages.sequentialMilestonesMessage(schedulers.length, options.milestones.length));
    }
    this.optimizer = optimizer;
    this.schedulers = schedulers;
    this.milestones = [...options.milestones];
    this.lastEpoch = 0;
    // As torch: the lrs go back to their initial values, every scheduler forgets its construction
    // step, and the first one takes its initial step again.
    for (const group of paramGroupsOf(optimizer)) group.lr = recordedInitialLr(group) ?? group.lr;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].initialStep();
    this.lastLrs = schedulers[0].getLastLrs();
  }

  /** One step: the scheduler whose span contains the new epoch steps (from 0 at its milestone). */
  step(): void {
    this.lastEpoch += 1;
    const index = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[index];
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLrs = scheduler.getLastLrs();
  }

  /** The first group's lr set by the latest step. */
  getLastLr(): number {
    return this.lastLrs[0];
  }

  /** Every group's lr set by the latest step. */
  getLastLrs(): number[] {
    return [...this.lastLrs];
  }

  /** This scheduler's position and each inner scheduler's state, as plain JSON. */
  stateDict(): SequentialLRState {
    return {
      scheduler: "SequentialLR",
      lastEpoch: this.lastEpoch,
      milestones: [...this.milestones],
      lastLrs: [...this.lastLrs],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** Restores a state from `stateDict()` (the inner schedulers' too). */
  loadStateDict(state: SequentialLRState): void {
    const name = "SequentialLR";
    if (typeof state !== "object" || state === null || state.scheduler !== name) {
      throw new TypeError(messages.invalidStateDictMessage(name, `got ${JSON.stringify(state)?.slice(0, 80)}`));
    }
    if (!Array.isArray(state.schedulers) || state.schedulers.length !== this.schedulers.length) {
      throw new TypeError(
        messages.invalidStateDictMessage(
          name,
          `it has ${String(state.schedulers?.length)} schedulers, this one ${this.schedulers.length}`,
        ),
      );
    }
    state.schedulers.forEach((inner, i) => this.schedulers[i].loadStateDict(inner));
    this.lastEpoch = state.lastEpoch;
    this.lastLrs = [...state.lastLrs];
  }

  /**
   * The lrs of the first `steps` steps for a starting lr `options.lr`; `options.schedulers`
   * builds the schedulers on the stand-in optimizer it is given.
   */
  static curve(options: PureSequentialOptions, steps: number): number[] {
    return simulateLrs((opt) => build(opt, options), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: PureSequentialOptions): LrSchedule {
    return simulatedSchedule((opt) => build(opt, options), options.lr);
  }
}

/** The pure forms' options: the schedulers are built on a stand-in optimizer. */
export interface PureSequentialOptions {
  lr: number;
  schedulers: (opt: LrControlled) => readonly EpochScheduler[];
  milestones: readonly number[];
}

function build(opt: LrControlled, options: PureSequentialOptions): SequentialLR {
  return new SequentialLR(opt, { schedulers: options.schedulers(opt), milestones: options.milestones });
}
