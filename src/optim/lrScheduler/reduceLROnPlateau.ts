import type { LrControlled } from "./lrControlled";
import { paramGroupsOf } from "./lrScheduler";
import * as messages from "./messages";
import { checkOptimizer, checkOptionNames, finiteNumber, withoutLr } from "./validate";

/** Options of {@link ReduceLROnPlateau}: torch's names in camelCase, torch's defaults. */
export interface ReduceLROnPlateauOptions {
  /** "min" (default): reduce when the metric stops decreasing; "max": when it stops increasing. */
  mode?: "min" | "max";
  /** new lr = lr · factor; must be < 1. Default 0.1. */
  factor?: number;
  /** Bad steps tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum significant change. Default 1e-4. */
  threshold?: number;
  /** "rel" (default): best · (1 ∓ threshold); "abs": best ∓ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Steps to wait after a reduction before counting bad steps again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr: one for all parameter groups, or a list with one per group. Default 0. */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

const PLATEAU_OPTIONS = ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"];

type PlateauSettings = Required<Omit<ReduceLROnPlateauOptions, "minLr">> & { minLr: number | number[] };

/** A number that survives JSON (±Infinity would become null). */
type JsonNumber = number | "Infinity" | "-Infinity";

/** What {@link ReduceLROnPlateau.stateDict} returns. */
export interface ReduceLROnPlateauState {
  scheduler: "ReduceLROnPlateau";
  lastEpoch: number;
  best: JsonNumber;
  numBadEpochs: number;
  cooldownCounter: number;
  lastLr: number;
  /** Every group's lr after the latest step (torch's `_last_lr`). */
  lastLrs?: number[];
  settings: PlateauSettings;
}

function toJsonNumber(x: number): JsonNumber {
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return x;
}

function fromJsonNumber(x: JsonNumber): number {
  return typeof x === "number" ? x : Number(x);
}

/**
 * Reduces the lr by `factor` when a monitored metric has not improved for more than `patience`
 * steps (torch.optim.lr_scheduler.ReduceLROnPlateau). Call `step(metric)` after each validation.
 *
 * ```ts
 * const plateau = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 2 });
 * for (const epoch of epochs) { train(); plateau.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau {
  readonly optimizer: LrControlled;
  /** Number of `step(metric)` calls so far. */
  lastEpoch = 0;
  /** Best metric seen (±Infinity before the first one). */
  best: number;
  /** Consecutive steps without improvement. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  private settings: PlateauSettings;
  private lastLrs: number[];
  /** The groups whose lr is reduced (torch's `optimizer.param_groups`). */
  private readonly groups: LrControlled[];

  constructor(optimizer: LrControlled, options: ReduceLROnPlateauOptions = {}) {
    checkOptionNames("ReduceLROnPlateau", options, PLATEAU_OPTIONS);
    const factor = options.factor ?? 0.1;
    if (!(factor < 1.0)) throw new RangeError(messages.plateauFactorMessage());
    this.optimizer = checkOptimizer(optimizer);
    this.groups = paramGroupsOf(this.optimizer);
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== this.groups.length) {
      throw new RangeError(messages.minLrCountMessage(this.groups.length, minLr.length));
    }
    this.settings = {
      mode: options.mode ?? "min",
      factor,
      patience: finiteNumber("patience", options.patience ?? 10),
      threshold: finiteNumber("threshold", options.threshold ?? 1e-4),
      thresholdMode: options.thresholdMode ?? "rel",
      cooldown: finiteNumber("cooldown", options.cooldown ?? 0),
      minLr: Array.isArray(minLr) ? minLr.map((v: unknown) => finiteNumber("minLr", v)) : finiteNumber("minLr", minLr),
      eps: finiteNumber("eps", options.eps ?? 1e-8),
    };
    checkModes(this.settings);
    this.best = this.worst();
    this.lastLrs = this.groups.map((group) => group.lr);
  }

  /** True while the cooldown after a reduction is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one value of the monitored metric and reduces `optimizer.lr` if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== "number") throw new TypeError(messages.invalidMetricMessage(metric));
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps during cooldown do not count
    }
    if (this.numBadEpochs > this.settings.patience) {
      this.reduceLr();
      this.cooldownCounter = this.settings.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.groups.map((group) => group.lr);
  }

  /** The first group's lr after the latest step (the lr at construction before any step). */
  getLastLr(): number {
    return this.lastLrs[0];
  }

  /** Every group's lr after the latest step (torch's `_last_lr`). */
  getLastLrs(): number[] {
    return [...this.lastLrs];
  }

  /** torch's `is_better(a, best)` for the configured mode and threshold mode. */
  isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.settings;
    if (mode === "min" && thresholdMode === "rel") return a < best * (1 - threshold);
    if (mode === "min") return a < best - threshold;
    if (thresholdMode === "rel") return a > best * (threshold + 1);
    return a > best + threshold;
  }

  /** Everything needed to resume, as plain JSON (±Infinity encoded as strings). */
  stateDict(): ReduceLROnPlateauState {
    return {
      scheduler: "ReduceLROnPlateau",
      lastEpoch: this.lastEpoch,
      best: toJsonNumber(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastLr: this.lastLrs[0],
      lastLrs: [...this.lastLrs],
      settings: { ...this.settings, minLr: copyOf(this.settings.minLr) },
    };
  }

  /** Restores a state from `stateDict()`; the optimizer's lr is not touched (as in torch). */
  loadStateDict(state: ReduceLROnPlateauState): void {
    const name = "ReduceLROnPlateau";
    if (typeof state !== "object" || state === null || state.scheduler !== name) {
      const from =
        typeof state === "object" && state !== null
          ? `it was saved by ${String(state.scheduler)}`
          : `got ${String(state)}`;
      throw new TypeError(messages.invalidStateDictMessage(name, from));
    }
    for (const key of ["lastEpoch", "numBadEpochs", "cooldownCounter", "lastLr"] as const) {
      if (typeof state[key] !== "number")
        throw new TypeError(messages.invalidStateDictMessage(name, `${key} is ${String(state[key])}`));
    }
    if (typeof state.best !== "number" && state.best !== "Infinity" && state.best !== "-Infinity") {
      throw new TypeError(messages.invalidStateDictMessage(name, `best is ${String(state.best)}`));
    }
    const best = fromJsonNumber(state.best);
    checkModes(state.settings);
    this.lastEpoch = state.lastEpoch;
    this.best = best;
    this.numBadEpochs = state.numBadEpochs;
    this.cooldownCounter = state.cooldownCounter;
    const lastLrs = state.lastLrs ?? [state.lastLr];
    if (lastLrs.length !== this.groups.length || lastLrs.some((v) => typeof v !== "number")) {
      throw new TypeError(
        messages.invalidStateDictMessage(
          name,
          `lastLrs is ${JSON.stringify(lastLrs)} for ${this.groups.length} parameter group(s)`,
        ),
      );
    }
    this.lastLrs = [...lastLrs];
    this.settings = { ...state.settings, minLr: copyOf(state.settings.minLr) };
  }

  /**
   * The lrs after each `step(metric)` for a starting lr `options.lr` and a fixed metric sequence
   * (element i is the lr the optimizer uses after the i-th metric).
   */
  static curve(options: ReduceLROnPlateauOptions & { lr: number }, metrics: number[]): number[] {
    const opt = { lr: options.lr };
    const plateau = new ReduceLROnPlateau(opt, withoutLr(options));
    return metrics.map((metric) => {
      plateau.step(metric);
      return opt.lr;
    });
  }

  private worst(): number {
    return this.settings.mode === "min" ? Infinity : -Infinity;
  }

  /** torch's `_reduce_lr`: every group, each with its own minimum. */
  private reduceLr(): void {
    const { minLr, factor, eps } = this.settings;
    this.groups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * factor, typeof minLr === "number" ? minLr : minLr[i]);
      if (oldLr - newLr > eps) group.lr = newLr;
    });
  }
}

function copyOf(minLr: number | number[]): number | number[] {
  return typeof minLr === "number" ? minLr : [...minLr];
}

function checkModes(settings: { mode: unknown; thresholdMode: unknown } | undefined): void {
  if (settings?.mode !== "min" && settings?.mode !== "max")
    throw new RangeError(messages.unknownModeMessage(settings?.mode));
  if (settings.thresholdMode !== "rel" && settings.thresholdMode !== "abs") {
    throw new RangeError(messages.unknownThresholdModeMessage(settings.thresholdMode));
  }
}
