import { overwriteInitialLr } from "./initialLr";
import { hasBetas, hasMomentum, LrControlled, writeMomentum } from "./lrControlled";
import { LastEpochOption, LRScheduler, SchedulerState } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { finiteNumber, perGroup, positiveInteger, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link OneCycleLR}: torch's names in camelCase, torch's defaults. */
export interface OneCycleLROptions extends LastEpochOption {
  /** Peak lr of the cycle (per group: an array, as torch's list). Required. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; otherwise `epochs * stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  /** "cos" (default) or "linear" annealing between phase end points. */
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (or Adam's beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak (per group: an array). Default 0.85. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end of the cycle (per group: an array). Default 0.95. */
  maxMomentum?: number | readonly number[];
  /** initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Use a third phase annihilating the lr (the original paper's shape). Default false. */
  threePhase?: boolean;
}

type OneCycleLRSettings = {
  totalSteps: number;
  pctStart: number;
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  /** One value per parameter group (torch keeps them in each group). */
  baseMomentums: number[];
  maxMomentums: number[];
  initialLrs: number[];
  maxLrs: number[];
  minLrs: number[];
  threePhase: boolean;
};

type Level = "initial" | "max" | "min";
interface Phase {
  endStep: number;
  startLr: Level;
  endLr: Level;
  startMomentum: "max" | "base";
  endMomentum: "max" | "base";
}

/** Cosine anneal from `start` to `end` as pct goes from 0 to 1 (torch's `_annealing_cos`). */
function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

/** Linear anneal from `start` to `end` as pct goes from 0 to 1 (torch's `_annealing_linear`). */
function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/**
 * The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR): the lr rises from `maxLr/divFactor` to
 * `maxLr` during the first `pctStart` of the cycle, then anneals to `initialLr/finalDivFactor`
 * (two phases, fastai's default) or back to the initial lr and then to the minimum (`threePhase`).
 * Step it after every batch. It is not chainable: it sets the lr absolutely.
 *
 * Momentum: with `cycleMomentum` (default true) it cycles inversely to the lr between `maxMomentum`
 * and `baseMomentum`, written to the optimizer's `betas[0]` if it has `betas` (Adam family), else to
 * its `momentum` (SGD, RMSprop), in every parameter group. `maxLr`, `baseMomentum` and
 * `maxMomentum` take one value for all groups or a list with one per group, as torch's do. An SGD created without momentum gets
 * it (its buffer starts at the first step, as torch's does). An optimizer with neither throws, as
 * torch does; pass `cycleMomentum: false` for those.
 */
export class OneCycleLR extends LRScheduler<OneCycleLRSettings> {
  static override readonly schedulerName = "OneCycleLR";
  protected settings: OneCycleLRSettings;

  /**
   * Also takes a state saved before the per-group lists (one `initialLr`, `maxLr`, `minLr`,
   * `baseMomentum`, `maxMomentum` for every group): each value is given to every group.
   */
  override loadStateDict(state: SchedulerState<OneCycleLRSettings>): void {
    super.loadStateDict(withPerGroupSettings(state, this.groups.length));
  }

  constructor(optimizer: LrControlled, options: OneCycleLROptions) {
    super(
      optimizer,
      schedulerOptions("OneCycleLR", options, [
        "maxLr",
        "totalSteps",
        "epochs",
        "stepsPerEpoch",
        "pctStart",
        "annealStrategy",
        "cycleMomentum",
        "baseMomentum",
        "maxMomentum",
        "divFactor",
        "finalDivFactor",
        "threePhase",
        "lastEpoch",
      ]).lastEpoch,
    );
    let totalSteps: number;
    if (options.totalSteps === undefined && options.epochs === undefined && options.stepsPerEpoch === undefined) {
      throw new RangeError(messages.oneCycleMissingStepsMessage());
    } else if (options.totalSteps !== undefined) {
      totalSteps = positiveInteger("totalSteps", options.totalSteps);
    } else {
      totalSteps = positiveInteger("epochs", options.epochs) * positiveInteger("stepsPerEpoch", options.stepsPerEpoch);
    }
    const pctStart = options.pctStart ?? 0.3;
    if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1)) {
      throw new RangeError(messages.invalidPctStartMessage(pctStart));
    }
    const annealStrategy = options.annealStrategy ?? "cos";
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new RangeError(messages.invalidAnnealStrategyMessage(annealStrategy));
    }
    const n = this.groups.length;
    const maxLrs = perGroup("maxLr", n, options.maxLr);
    const divFactor = finiteNumber("divFactor", options.divFactor ?? 25);
    const finalDivFactor = finiteNumber("finalDivFactor", options.finalDivFactor ?? 1e4);
    const initialLrs = maxLrs.map((maxLr) => maxLr / divFactor);
    const cycleMomentum = options.cycleMomentum ?? true;
    if (cycleMomentum && !this.groups.every((group) => hasBetas(group) || hasMomentum(group))) {
      throw new TypeError(messages.cycleMomentumUnsupportedMessage());
    }
    const maxMomentums = perGroup("maxMomentum", n, options.maxMomentum ?? 0.95);
    const baseMomentums = perGroup("baseMomentum", n, options.baseMomentum ?? 0.85);
    this.settings = {
      totalSteps,
      pctStart,
      annealStrategy,
      cycleMomentum,
      baseMomentums,
      maxMomentums,
      initialLrs,
      maxLrs,
      minLrs: initialLrs.map((initialLr) => initialLr / finalDivFactor),
      threePhase: options.threePhase ?? false,
    };
    if (this.lastEpoch === -1) {
      // torch writes initial_lr = max_lr / div_factor into each group, replacing any earlier value.
      this.groups.forEach((group, i) => {
        overwriteInitialLr(group, initialLrs[i]);
        if (cycleMomentum) writeMomentum(group, maxMomentums[i]);
      });
      this.baseLrValues = [...initialLrs];
    }
    this.initialStep();
  }

  /** The phases of torch's `_schedule_phases`; end steps are fractional, as in torch. */
  private phases(): Phase[] {
    const { totalSteps, pctStart, threePhase } = this.settings;
    if (threePhase) {
      return [
        {
          endStep: pctStart * totalSteps - 1,
          startLr: "initial",
          endLr: "max",
          startMomentum: "max",
          endMomentum: "base",
        },
        {
          endStep: 2 * pctStart * totalSteps - 2,
          startLr: "max",
          endLr: "initial",
          startMomentum: "base",
          endMomentum: "max",
        },
        { endStep: totalSteps - 1, startLr: "initial", endLr: "min", startMomentum: "max", endMomentum: "max" },
      ];
    }
    return [
      {
        endStep: pctStart * totalSteps - 1,
        startLr: "initial",
        endLr: "max",
        startMomentum: "max",
        endMomentum: "base",
      },
      { endStep: totalSteps - 1, startLr: "max", endLr: "min", startMomentum: "base", endMomentum: "max" },
    ];
  }

  protected computeLr(_lr: number, _baseLr: number, group: LrControlled, i: number): number {
    const s = this.settings;
    const stepNum = this.lastEpoch;
    if (stepNum > s.totalSteps) throw new RangeError(messages.steppedPastTotalStepsMessage(stepNum + 1, s.totalSteps));
    const anneal = s.annealStrategy === "cos" ? annealCos : annealLinear;
    const lrOf = { initial: s.initialLrs[i], max: s.maxLrs[i], min: s.minLrs[i] };
    const momentumOf = { max: s.maxMomentums[i], base: s.baseMomentums[i] };
    const phases = this.phases();
    const last = phases.length - 1;
    // The last phase also takes step totalSteps (pct slightly past 1), like torch.
    const index = phases.findIndex((phase, i) => stepNum <= phase.endStep || i === last);
    const phase = phases[index];
    const startStep = index === 0 ? 0 : phases[index - 1].endStep;
    const pct = (stepNum - startStep) / (phase.endStep - startStep);
    if (s.cycleMomentum) {
      writeMomentum(group, anneal(momentumOf[phase.startMomentum], momentumOf[phase.endMomentum], pct));
    }
    return anneal(lrOf[phase.startLr], lrOf[phase.endLr], pct);
  }

  /** The lrs of the first `steps` optimizer steps (at most totalSteps + 1). */
  static curve(options: OneCycleLROptions, steps: number): number[] {
    return simulateLrs((opt) => new OneCycleLR(opt, withoutLr(options)), firstOf(options.maxLr), steps);
  }

  /** The schedule as a pure `count → lr` function, defined for counts 0…totalSteps. */
  static schedule(options: OneCycleLROptions): LrSchedule {
    return simulatedSchedule((opt) => new OneCycleLR(opt, withoutLr(options)), firstOf(options.maxLr));
  }
}

/**
 * The stand-in optimizer of `curve`/`schedule` has one group: a one-element list is its value
 * (any other length reaches the constructor's length check).
 */
function firstOf(value: number | readonly number[]): number {
  return typeof value === "number" ? value : (value[0] ?? 0);
}

/** The per-group settings keys and the single-value keys that states saved before them used. */
const SINGLE_VALUE_KEYS = {
  initialLrs: "initialLr",
  maxLrs: "maxLr",
  minLrs: "minLr",
  baseMomentums: "baseMomentum",
  maxMomentums: "maxMomentum",
} as const;

/** A state whose settings have the single-value keys of the earlier format, rewritten with one value per group. */
function withPerGroupSettings(
  state: SchedulerState<OneCycleLRSettings>,
  groups: number,
): SchedulerState<OneCycleLRSettings> {
  const settings = (state as { settings?: unknown } | null)?.settings;
  if (typeof settings !== "object" || settings === null) return state;
  const saved = settings as Record<string, unknown>;
  const upgraded: Record<string, unknown> = { ...saved };
  for (const [list, single] of Object.entries(SINGLE_VALUE_KEYS)) {
    if (saved[list] === undefined && typeof saved[single] === "number") {
      upgraded[list] = Array.from({ length: groups }, () => saved[single]);
      delete upgraded[single];
    }
  }
  return { ...state, settings: upgraded as OneCycleLRSettings };
}
