import { recordedInitialLr, recordInitialLrIfAbsent } from "./initialLr";
import type { LrControlled } from "./lrControlled";
import * as messages from "./messages";
import { checkOptimizer, lastEpochOption } from "./validate";

/** Settings a scheduler keeps in its state dict: plain JSON values only. */
export type SchedulerSettings = Record<string, number | string | boolean | number[]>;

/** What `stateDict()` returns: JSON-serialisable, restored with `loadStateDict()`. */
export interface SchedulerState<S extends SchedulerSettings = SchedulerSettings> {
  /** Class name, checked on load. */
  scheduler: string;
  /** Index of the last step taken (torch's `last_epoch`). */
  lastEpoch: number;
  /** How many times `step()` ran, construction included (torch's `_step_count`). */
  stepCount: number;
  /** The lr the schedule is relative to (torch's `base_lrs[0]`, the optimizer's `initial_lr`). */
  baseLr: number;
  /** The lr set by the latest step (torch's `_last_lr[0]`). */
  lastLr: number;
  /** The scheduler's resolved options. */
  settings: S;
}

/** Options every epoch-based scheduler accepts. */
export interface LastEpochOption {
  /**
   * Index of the last step already taken; -1 (default) starts the schedule. Any other value
   * resumes, like torch, and needs the optimizer to have had a scheduler attached before.
   */
  lastEpoch?: number;
}

/**
 * The shared machinery of torch's `_LRScheduler`, for one optimizer with a single lr.
 *
 * Construction records the optimizer's initial lr (once per optimizer, shared by every scheduler
 * attached to it, like torch's `initial_lr`) and takes the initial step, which may change `opt.lr`.
 * Each `step()` advances `lastEpoch` by one and writes the new lr into `opt.lr`. Most schedules are
 * computed recursively from the optimizer's current lr, exactly as torch's chainable form, so
 * several schedulers stepped together compose multiplicatively.
 */
export abstract class LRScheduler<S extends SchedulerSettings> {
  /** The optimizer whose `lr` this scheduler writes. */
  readonly optimizer: LrControlled;
  /** Index of the last step taken: 0 right after construction (torch's `last_epoch`). */
  lastEpoch: number;
  /** The base lr (torch's `base_lrs[0]`). */
  protected baseLrValue: number;
  /** torch's `_step_count`: 1 right after construction. */
  protected stepCount = 0;
  protected lastLr: number;
  /** The resolved options, saved in the state dict. */
  protected abstract settings: S;

  protected constructor(optimizer: LrControlled, lastEpoch: number | undefined) {
    this.optimizer = checkOptimizer(optimizer);
    this.lastEpoch = lastEpochOption(lastEpoch ?? -1);
    if (this.lastEpoch === -1) {
      this.baseLrValue = recordInitialLrIfAbsent(this.optimizer);
    } else {
      const recorded = recordedInitialLr(this.optimizer);
      if (recorded === undefined) throw new Error(messages.missingInitialLr(this.lastEpoch));
      this.baseLrValue = recorded;
    }
    this.lastLr = this.optimizer.lr;
  }

  /** The schedule's rule: the lr for `this.lastEpoch`, usually from `this.optimizer.lr`. */
  protected abstract computeLr(): number;

  /** Called at the end of each subclass constructor, once its settings exist (torch's `_initial_step`). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances the schedule by one step and writes the new lr into `optimizer.lr`. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const lr = this.computeLr();
    this.optimizer.lr = lr;
    this.lastLr = lr;
  }

  /** The lr set by the latest step (torch's `get_last_lr()[0]`). */
  getLastLr(): number {
    return this.lastLr;
  }

  /** The lr the schedule is relative to (torch's `base_lrs[0]`). */
  get baseLr(): number {
    return this.baseLrValue;
  }

  /** Everything needed to resume this scheduler, as plain JSON. Does not include the optimizer. */
  stateDict(): SchedulerState<S> {
    return {
      scheduler: this.constructor.name,
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLr: this.baseLrValue,
      lastLr: this.lastLr,
      settings: cloneSettings(this.settings),
    };
  }

  /**
   * Restores a state from `stateDict()`. Like torch, this restores the scheduler only: the
   * optimizer's current lr comes back with the optimizer's own state (or set `opt.lr = state.lastLr`).
   */
  loadStateDict(state: SchedulerState<S>): void {
    const name = this.constructor.name;
    if (typeof state !== "object" || state === null) {
      throw new TypeError(messages.invalidStateDict(name, `got ${String(state)}`));
    }
    if (state.scheduler !== name) {
      throw new TypeError(messages.invalidStateDict(name, `it was saved by ${String(state.scheduler)}`));
    }
    for (const key of ["lastEpoch", "stepCount", "baseLr", "lastLr"] as const) {
      if (typeof state[key] !== "number") {
        throw new TypeError(messages.invalidStateDict(name, `${key} is ${String(state[key])}`));
      }
    }
    const settings = state.settings as SchedulerSettings | undefined;
    for (const key of Object.keys(this.settings)) {
      const saved = settings?.[key];
      if (typeof saved !== typeof this.settings[key] || Array.isArray(saved) !== Array.isArray(this.settings[key])) {
        throw new TypeError(messages.invalidStateDict(name, `settings.${key} is ${JSON.stringify(saved)}`));
      }
    }
    this.lastEpoch = state.lastEpoch;
    this.stepCount = state.stepCount;
    this.baseLrValue = state.baseLr;
    this.lastLr = state.lastLr;
    this.settings = cloneSettings(state.settings);
  }
}

function cloneSettings<S extends SchedulerSettings>(settings: S): S {
  const copy: SchedulerSettings = {};
  for (const [key, value] of Object.entries(settings)) copy[key] = Array.isArray(value) ? [...value] : value;
  return copy as S;
}
