import { hasBetas, hasMomentum, writeMomentum } from "./lrControlled";
import type { LrControlled, MomentumControlled } from "./lrControlled";
import { LastEpochOption, LRScheduler, paramGroupsOf } from "./lrScheduler";
import * as messages from "./messages";
import { LrSchedule, simulatedSchedule, simulateLrs } from "./schedule";
import { checkOptimizer, finiteNumber, perGroup, schedulerOptions, withoutLr } from "./validate";

/** Options of {@link CyclicLR}: torch's names in camelCase, torch's defaults. */
export interface CyclicLROptions extends LastEpochOption {
  /** Lower lr of the cycle (per group: an array). Required. */
  baseLr: number | readonly number[];
  /** Upper lr of the cycle (per group: an array). Required. */
  maxLr: number | readonly number[];
  /** Steps of the rising half. Default 2000. */
  stepSizeUp?: number;
  /** Steps of the falling half. Default `stepSizeUp`. */
  stepSizeDown?: number;
  /** "triangular" (default), "triangular2" (amplitude halved each cycle) or "exp_range" (× gamma^step). */
  mode?: "triangular" | "triangular2" | "exp_range";
  /** The factor of "exp_range". Default 1. */
  gamma?: number;
  /** A custom amplitude scale, replacing `mode`; not saved by `stateDict()`. */
  scaleFn?: (x: number) => number;
  /** What `scaleFn` takes: the cycle number ("cycle", default) or the step ("iterations"). */
  scaleMode?: "cycle" | "iterations";
  /** Cycle momentum (Adam: beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak (per group: an array). Default 0.8. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the lr trough (per group: an array). Default 0.9. */
  maxMomentum?: number | readonly number[];
}

type CyclicLRSettings = {
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: string;
  cycleMomentum: boolean;
  maxLrs: number[];
  baseMomentums: number[];
  maxMomentums: number[];
};

/** The momentum a group has now: `betas[0]` for the Adam family, else `momentum`. */
function momentumOf(group: LrControlled): number {
  return hasBetas(group) ? group.betas[0] : (group as MomentumControlled).momentum;
}

/**
 * Before torch's base constructor runs: with `lastEpoch` -1 each group's lr becomes its `baseLr`
 * (so `initial_lr` records it) and, when cycling, its momentum becomes `baseMomentum` (an SGD
 * created without momentum gets it, and its buffer starts at the next step, as torch's does).
 */
function prepare(optimizer: LrControlled, options: CyclicLROptions): LrControlled {
  const groups = paramGroupsOf(checkOptimizer(optimizer));
  const baseLrs = perGroup("baseLr", groups.length, options.baseLr);
  const fresh = (options.lastEpoch ?? -1) === -1;
  if (fresh) groups.forEach((group, i) => (group.lr = baseLrs[i]));
  if (options.cycleMomentum ?? true) {
    if (!groups.every((g) => hasBetas(g) || hasMomentum(g)))
      throw new TypeError(messages.cycleMomentumUnsupportedMessage());
    const baseMomentums = perGroup("baseMomentum", groups.length, options.baseMomentum ?? 0.8);
    if (fresh) groups.forEach((group, i) => writeMomentum(group, baseMomentums[i]));
  }
  return optimizer;
}

/**
 * Cyclical learning rates (torch.optim.lr_scheduler.CyclicLR): the lr goes from `baseLr` up to
 * `maxLr` in `stepSizeUp` steps and back in `stepSizeDown`, the amplitude scaled by `mode`
 * ("triangular": constant; "triangular2": halved each cycle; "exp_range": × gamma^step). With
 * `cycleMomentum` the momentum goes the other way between `maxMomentum` and `baseMomentum`.
 * Step it after every batch. Not chainable.
 *
 * torch 1.13 accepts only optimizers with a `momentum` option when cycling momentum (Adam
 * raises); like later torch versions, this one cycles the Adam family's beta1.
 */
export class CyclicLR extends LRScheduler<CyclicLRSettings> {
  static override readonly schedulerName = "CyclicLR";
  protected settings: CyclicLRSettings;
  private readonly scaleFn: ((x: number) => number) | undefined;

  constructor(optimizer: LrControlled, options: CyclicLROptions) {
    super(
      prepare(
        optimizer,
        schedulerOptions("CyclicLR", options, [
          "baseLr",
          "maxLr",
          "stepSizeUp",
          "stepSizeDown",
          "mode",
          "gamma",
          "scaleFn",
          "scaleMode",
          "cycleMomentum",
          "baseMomentum",
          "maxMomentum",
          "lastEpoch",
        ]),
      ),
      options.lastEpoch,
    );
    const n = this.groups.length;
    const baseLrs = perGroup("baseLr", n, options.baseLr);
    const stepSizeUp = finiteNumber("stepSizeUp", options.stepSizeUp ?? 2000);
    const stepSizeDown =
      options.stepSizeDown === undefined ? stepSizeUp : finiteNumber("stepSizeDown", options.stepSizeDown);
    const mode = options.mode ?? "triangular";
    if (options.scaleFn === undefined && !["triangular", "triangular2", "exp_range"].includes(mode)) {
      throw new RangeError(messages.invalidCyclicModeMessage(mode));
    }
    const cycleMomentum = options.cycleMomentum ?? true;
    this.scaleFn = options.scaleFn;
    this.settings = {
      totalSize: stepSizeUp + stepSizeDown,
      stepRatio: stepSizeUp / (stepSizeUp + stepSizeDown),
      mode,
      gamma: finiteNumber("gamma", options.gamma ?? 1),
      scaleMode:
        options.scaleFn === undefined
          ? mode === "exp_range"
            ? "iterations"
            : "cycle"
          : (options.scaleMode ?? "cycle"),
      cycleMomentum,
      maxLrs: perGroup("maxLr", n, options.maxLr),
      baseMomentums: cycleMomentum ? this.groups.map(momentumOf) : [],
      maxMomentums: cycleMomentum ? perGroup("maxMomentum", n, options.maxMomentum ?? 0.9) : [],
    };
    this.initialStep();
    this.baseLrValues = baseLrs;
  }

  private scale(x: number): number {
    if (this.scaleFn !== undefined) return this.scaleFn(x);
    if (this.settings.mode === "triangular2") return 1 / 2.0 ** (x - 1);
    if (this.settings.mode === "exp_range") return this.settings.gamma ** x;
    return 1.0;
  }

  protected computeLr(_lr: number, baseLr: number, group: LrControlled, index: number): number {
    const s = this.settings;
    const cycle = Math.floor(1 + this.lastEpoch / s.totalSize);
    const x = 1 + this.lastEpoch / s.totalSize - cycle;
    const scaleFactor = x <= s.stepRatio ? x / s.stepRatio : (x - 1) / (s.stepRatio - 1);
    const scale = this.scale(s.scaleMode === "cycle" ? cycle : this.lastEpoch);
    if (s.cycleMomentum) {
      const height = (s.maxMomentums[index] - s.baseMomentums[index]) * scaleFactor;
      writeMomentum(group, s.maxMomentums[index] - height * scale);
    }
    return baseLr + (s.maxLrs[index] - baseLr) * scaleFactor * scale;
  }

  /** The lrs of the first `steps` optimizer steps (the starting lr is `baseLr`). */
  static curve(options: CyclicLROptions & { baseLr: number }, steps: number): number[] {
    return simulateLrs((opt) => new CyclicLR(opt, withoutLr(options)), options.baseLr, steps);
  }

  /** The schedule as a pure `count → lr` function. */
  static schedule(options: CyclicLROptions & { baseLr: number }): LrSchedule {
    return simulatedSchedule((opt) => new CyclicLR(opt, withoutLr(options)), options.baseLr);
  }
}
