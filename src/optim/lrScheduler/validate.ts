import type { LrControlled } from "./lrControlled";
import { checkOptionNames } from "../validate";
import * as messages from "./messages";

/** Throws torch-style when `opt` cannot be scheduled (no finite numeric `lr`). */
export function checkOptimizer(opt: unknown): LrControlled {
  const lr = typeof opt === "object" && opt !== null ? (opt as { lr?: unknown }).lr : undefined;
  if (typeof lr !== "number" || !Number.isFinite(lr)) throw new TypeError(messages.notAnOptimizerMessage(opt));
  return opt as LrControlled;
}

export function positiveInteger(option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(messages.expectedPositiveIntegerMessage(option, value));
  }
  return value;
}

export function finiteNumber(option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(messages.expectedFiniteNumberMessage(option, value));
  }
  return value;
}

export function lastEpochOption(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < -1) {
    throw new RangeError(messages.invalidLastEpochMessage(value));
  }
  return value;
}

/**
 * torch's `_format_param`: one value per parameter group, from one value or a list of them; a list
 * of another length throws torch's message.
 */
export function perGroup(option: string, groups: number, value: number | readonly number[]): number[] {
  const list = Array.isArray(value) ? [...(value as number[])] : Array.from({ length: groups }, () => value as number);
  if (list.length !== groups) throw new RangeError(messages.perGroupLengthMessage(option, groups, list.length));
  list.forEach((v) => finiteNumber(option, v));
  return list;
}

/**
 * `options`, once every name in it is one of `allowed`: an unknown one (torch's `step_size`, a
 * misspelling) throws a TypeError, as torch's "__init__() got an unexpected keyword argument".
 */
export { checkOptionNames };

export function schedulerOptions<T extends object>(scheduler: string, options: T, allowed: readonly string[]): T {
  checkOptionNames(scheduler, options, allowed);
  return options;
}

/** The options of a pure `curve`/`schedule` without the starting `lr`, which is not a scheduler option. */
export function withoutLr<T extends object>(options: T & { lr?: unknown }): Omit<T, "lr"> {
  const { lr: _lr, ...rest } = options;
  return rest;
}
