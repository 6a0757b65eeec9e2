import { recordedInitialLr, recordInitialLrIfAbsent } from "./initialLr";
import type { LrControlled } from "./lrControlled";
import * as messages from "./messages";
import { checkOptimizer, lastEpochOption } from "./validate";

/** Settings a scheduler keeps in its state dict: plain JSON values only. */
export type SchedulerSettings = Record<string, number | string | boolean | number[]>;

/** What `stateDict()` returns: JSON-serialisable, restored with `loadStateDict()`. */
export interface SchedulerState<S extends SchedulerSettings = SchedulerSettings> {
  /** The scheduler's stable name (its static `schedulerName`), checked on load. */
  scheduler: string;
  /** Index of the last step taken (torch's `last_epoch`). */
  lastEpoch: number;
  /** How many times `step()` ran, construction included (torch's `_step_count`). */
  stepCount: number;
  /** The first group's base lr (torch's `base_lrs[0]`, the group's `initial_lr`). */
  baseLr: number;
  /** The first group's lr set by the latest step (torch's `_last_lr[0]`). */
  lastLr: number;
  /** One base lr per parameter group (torch's `base_lrs`). */
  baseLrs?: number[];
  /** One lr per parameter group set by the latest step (torch's `_last_lr`). */
  lastLrs?: number[];
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

/** What `SequentialLR` and `ChainedScheduler` need of the schedulers they run: any epoch scheduler. */
export interface EpochScheduler {
  readonly optimizer: LrControlled;
  lastEpoch: number;
  step(epoch?: number): void;
  initialStep(): void;
  getLastLr(): number;
  getLastLrs(): number[];
  stateDict(): SchedulerState;
  loadStateDict(state: SchedulerState): void;
}

/**
 * The groups a scheduler drives: the optimizer's `paramGroups` (optim's optimizers, torch's
 * `param_groups`), or the optimizer itself when it has none (a plain `{ lr }`).
 */
export function paramGroupsOf(optimizer: LrControlled): LrControlled[] {
  const groups = (optimizer as { paramGroups?: unknown }).paramGroups;
  return Array.isArray(groups) && groups.length > 0 ? (groups as LrControlled[]) : [optimizer];
}

/**
 * The shared machinery of torch's `_LRScheduler`, for an optimizer with one or more parameter groups.
 *
 * Construction records each group's initial lr (once per group, shared by every scheduler
 * attached to it, like torch's `initial_lr`) and takes the initial step, which may change the lrs.
 * Each `step()` advances `lastEpoch` by one and writes the new lr of every group. Most schedules are
 * computed recursively from the group's current lr, exactly as torch's chainable form, so
 * several schedulers stepped together compose multiplicatively.
 */
export abstract class LRScheduler<S extends SchedulerSettings> {
  /** The name stored in `stateDict()`; each scheduler sets its own (class names do not survive minifiers). */
  static readonly schedulerName: string = "LRScheduler";
  /** The optimizer whose lrs this scheduler writes. */
  readonly optimizer: LrControlled;
  /** Index of the last step taken: 0 right after construction (torch's `last_epoch`). */
  lastEpoch: number;
  /** The groups whose lr this scheduler writes (torch's `optimizer.param_groups`). */
  protected readonly groups: LrControlled[];
  /** One base lr per group (torch's `base_lrs`). */
  protected baseLrValues: number[];
  /** torch's `_step_count`: 1 right after construction. */
  protected stepCount = 0;
  protected lastLrs: number[];
  /** The resolved options, saved in the state dict. */
  protected abstract settings: S;

  protected constructor(optimizer: LrControlled, lastEpoch: number | undefined) {
    this.optimizer = checkOptimizer(optimizer);
    this.groups = paramGroupsOf(this.optimizer);
    this.lastEpoch = lastEpochOption(lastEpoch ?? -1);
    if (this.lastEpoch === -1) {
      this.baseLrValues = this.groups.map((group) => recordInitialLrIfAbsent(group));
    } else {
      this.baseLrValues = this.groups.map((group) => {
        const recorded = recordedInitialLr(group);
        if (recorded === undefined) throw new Error(messages.missingInitialLrMessage(this.lastEpoch));
        return recorded;
      });
    }
    this.lastLrs = this.groups.map((group) => group.lr);
  }

  /** The name stored in `stateDict()`. */
  get schedulerName(): string {
    return (this.constructor as typeof LRScheduler).schedulerName;
  }

  /**
   * The schedule's rule: group `index`'s lr for `this.lastEpoch`, usually from the group's current
   * lr `lr` (torch's chainable `get_lr`) or from its base lr.
   */
  protected abstract computeLr(lr: number, baseLr: number, group: LrControlled, index: number): number;

  /**
   * torch's `_get_closed_form_lr`, used by `step(epoch)` where the schedule has one: the lr at
   * `this.lastEpoch` from the base lr alone.
   */
  protected closedFormLr?(baseLr: number, index: number): number;

  /**
   * Called at the end of each subclass constructor, once its settings exist (torch's
   * `_initial_step`); `SequentialLR` calls it again on its first scheduler.
   */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances the schedule by one step and writes each group's new lr. With `epoch` (torch's
   * deprecated `step(epoch)`, used by `SequentialLR`), jumps to that epoch, with the closed form
   * where the schedule has one.
   */
  step(epoch?: number): void {
    // torch's check on the user's first step() (the constructor made the initial one).
    if (this.stepCount === 1) warnIfOptimizerHasNotStepped(this.optimizer);
    this.stepCount += 1;
    let lrs: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      lrs = this.groups.map((group, i) => this.computeLr(group.lr, this.baseLrValues[i], group, i));
    } else {
      if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch < 0)
        throw new RangeError(messages.invalidEpochMessage(epoch));
      this.lastEpoch = epoch;
      lrs = this.groups.map((group, i) =>
        this.closedFormLr
          ? this.closedFormLr(this.baseLrValues[i], i)
          : this.computeLr(group.lr, this.baseLrValues[i], group, i),
      );
    }
    this.writeLrs(lrs);
  }

  /** Writes one lr per group and remembers them as the last lrs. */
  protected writeLrs(lrs: readonly number[]): void {
    lrs.forEach((lr, i) => (this.groups[i].lr = lr));
    this.lastLrs = this.groups.map((group) => group.lr);
  }

  /** The first group's lr set by the latest step (torch's `get_last_lr()[0]`). */
  getLastLr(): number {
    return this.lastLrs[0];
  }

  /** Every group's lr set by the latest step (torch's `get_last_lr()`). */
  getLastLrs(): number[] {
    return [...this.lastLrs];
  }

  /** The first group's base lr (torch's `base_lrs[0]`). */
  get baseLr(): number {
    return this.baseLrValues[0];
  }

  /** One base lr per group (torch's `base_lrs`). */
  get baseLrs(): number[] {
    return [...this.baseLrValues];
  }

  /** Everything needed to resume this scheduler, as plain JSON. Does not include the optimizer. */
  stateDict(): SchedulerState<S> {
    return {
      scheduler: this.schedulerName,
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLr: this.baseLrValues[0],
      lastLr: this.lastLrs[0],
      baseLrs: [...this.baseLrValues],
      lastLrs: [...this.lastLrs],
      settings: cloneSettings(this.settings),
    };
  }

  /**
   * Restores a state from `stateDict()`. Like torch, this restores the scheduler only: the
   * optimizer's current lrs come back with the optimizer's own state (or set them from `lastLrs`).
   */
  loadStateDict(state: SchedulerState<S>): void {
    const name = this.schedulerName;
    if (typeof state !== "object" || state === null) {
      throw new TypeError(messages.invalidStateDictMessage(name, `got ${String(state)}`));
    }
    if (state.scheduler !== name) {
      throw new TypeError(messages.invalidStateDictMessage(name, `it was saved by ${String(state.scheduler)}`));
    }
    for (const key of ["lastEpoch", "stepCount", "baseLr", "lastLr"] as const) {
      if (typeof state[key] !== "number") {
        throw new TypeError(messages.invalidStateDictMessage(name, `${key} is ${String(state[key])}`));
      }
    }
    const baseLrs = state.baseLrs ?? [state.baseLr];
    const lastLrs = state.lastLrs ?? [state.lastLr];
    for (const [key, values] of [
      ["baseLrs", baseLrs],
      ["lastLrs", lastLrs],
    ] as const) {
      if (!Array.isArray(values) || values.length !== this.groups.length || values.some((v) => typeof v !== "number")) {
        throw new TypeError(
          messages.invalidStateDictMessage(
            name,
            `${key} is ${JSON.stringify(values)} for ${this.groups.length} parameter group(s)`,
          ),
        );
      }
    }
    const settings = state.settings as SchedulerSettings | undefined;
    for (const key of Object.keys(this.settings)) {
      const saved = settings?.[key];
      if (typeof saved !== typeof this.settings[key] || Array.isArray(saved) !== Array.isArray(this.settings[key])) {
        throw new TypeError(messages.invalidStateDictMessage(name, `settings.${key} is ${JSON.stringify(saved)}`));
      }
    }
    this.lastEpoch = state.lastEpoch;
    this.stepCount = state.stepCount;
    this.baseLrValues = [...baseLrs];
    this.lastLrs = [...lastLrs];
    this.settings = cloneSettings(state.settings);
  }
}

function cloneSettings<S extends SchedulerSettings>(settings: S): S {
  const copy: SchedulerSettings = {};
  for (const [key, value] of Object.entries(settings)) copy[key] = Array.isArray(value) ? [...value] : value;
  return copy as S;
}

let warnedStepOrder = false;

/** Lets the step-order warning show again (tests: one process runs many files). */
export function resetStepOrderWarning(): void {
  warnedStepOrder = false;
}

/**
 * torch warns once when `lr_scheduler.step()` comes before any `optimizer.step()`: the first lr of
 * the schedule is then skipped. Optimizers that count their steps (tfjs's `iterations`: every
 * `optim.*`) are checked; a plain `{ lr }` object cannot be.
 */
function warnIfOptimizerHasNotStepped(optimizer: LrControlled): void {
  const iterations = (optimizer as { iterations?: unknown }).iterations;
  if (warnedStepOrder || iterations !== 0) return;
  warnedStepOrder = true;
  console.warn(messages.schedulerBeforeOptimizerMessage());
}
