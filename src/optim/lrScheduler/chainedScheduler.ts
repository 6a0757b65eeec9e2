import type { LrControlled } from "./lrControlled";
import { paramGroupsOf } from "./lrScheduler";
import type { EpochScheduler, SchedulerState } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";

/** What {@link ChainedScheduler.stateDict} returns. */
export interface ChainedSchedulerState {
  scheduler: "ChainedScheduler";
  lastLrs: number[];
  schedulers: SchedulerState[];
}

/**
 * Steps several schedulers of one optimizer together, in order, with one `step()`
 * (torch.optim.lr_scheduler.ChainedScheduler): chainable schedules multiply.
 *
 * ```ts
 * const sched = new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]);
 * ```
 */
export class ChainedScheduler {
  static readonly schedulerName = "ChainedScheduler";
  readonly optimizer: LrControlled;
  private readonly schedulers: EpochScheduler[];

  /** The schedulers it runs (torch's `_schedulers`), e.g. for a loop that must know how to step them. */
  get members(): readonly EpochScheduler[] {
    return this.schedulers;
  }
  private lastLrs: number[];

  constructor(schedulers: readonly EpochScheduler[]) {
    const list = [...schedulers];
    if (list.length === 0) throw new RangeError(messages.noSchedulersMessage("ChainedScheduler"));
    list.forEach((s, i) => {
      if (s.optimizer !== list[0].optimizer)
        throw new RangeError(messages.differentOptimizerMessage("ChainedScheduler", i));
    });
    this.schedulers = list;
    this.optimizer = list[0].optimizer;
    this.lastLrs = this.currentLrs();
  }

  /** Steps every scheduler once, in order. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLrs = this.currentLrs();
  }

  getLastLr(): number {
    return this.lastLrs[0];
  }

  getLastLrs(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): ChainedSchedulerState {
    return {
      scheduler: "ChainedScheduler",
      lastLrs: [...this.lastLrs],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  loadStateDict(state: ChainedSchedulerState): void {
    const name = "ChainedScheduler";
    if (typeof state !== "object" || state === null || state.scheduler !== name || !Array.isArray(state.schedulers)) {
      throw new TypeError(messages.invalidStateDictMessage(name, `got ${JSON.stringify(state)?.slice(0, 80)}`));
    }
    if (state.schedulers.length !== this.schedulers.length) {
      throw new TypeError(
        messages.invalidStateDictMessage(
          name,
          `it has ${state.schedulers.length} schedulers, this one ${this.schedulers.length}`,
        ),
      );
    }
    state.schedulers.forEach((inner, i) => this.schedulers[i].loadStateDict(inner));
    this.lastLrs = [...state.lastLrs];
  }

  private currentLrs(): number[] {
    return paramGroupsOf(this.optimizer).map((g) => g.lr);
  }

  /** The lrs of the first `steps` steps; `schedulers` builds the schedulers on the stand-in optimizer. */
  static curve(
    options: { lr: number; schedulers: (opt: LrControlled) => readonly EpochScheduler[] },
    steps: number,
  ): number[] {
    return simulateLrs((opt) => new ChainedScheduler(options.schedulers(opt)), options.lr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: { lr: number; schedulers: (opt: LrControlled) => readonly EpochScheduler[] }): LrSchedule {
    return simulatedSchedule((opt) => new ChainedScheduler(options.schedulers(opt)), options.lr);
  }
}
