/** Search spaces: the axes a hyperparameter search draws from. */
import type { Random } from "../backend/random";
import { shown } from "../optim/errors";

/** Uniform in [low, high]. */
export interface UniformAxis {
  kind: "uniform";
  low: number;
  high: number;
}

/** Log-uniform in [low, high] (each decade equally likely): the right prior for learning rates. */
export interface LogUniformAxis {
  kind: "logUniform";
  low: number;
  high: number;
}

/** One of a list of values. */
export interface ChoiceAxis<T = number | string | boolean> {
  kind: "choice";
  values: readonly T[];
}

export type Axis = UniformAxis | LogUniformAxis | ChoiceAxis;
export type ParamValue = number | string | boolean;
/** A space: each parameter is an axis, or an array (shorthand for `choice`). */
export type Space = { [param: string]: Axis | readonly ParamValue[] };
export type Params = { [param: string]: ParamValue };

export function invalidRangeMessage(kind: string, low: unknown, high: unknown): string {
  return `Invalid ${kind} range [${shown(low)}, ${shown(high)}]: expected finite low < high${kind === "logUniform" ? " with low > 0" : ""}`;
}

export function emptyAxisMessage(param: string): string {
  return `Search space axis "${param}" has no values`;
}

export const emptySpaceMessage = (): string =>
  "The search space is empty: give at least one parameter, e.g. { lr: [0.1, 0.01] }";

export function uniform(low: number, high: number): UniformAxis {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high))
    throw new Error(invalidRangeMessage("uniform", low, high));
  return { kind: "uniform", low, high };
}

export function logUniform(low: number, high: number): LogUniformAxis {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low > 0 && low < high))
    throw new Error(invalidRangeMessage("logUniform", low, high));
  return { kind: "logUniform", low, high };
}

export function choice<T extends ParamValue>(values: readonly T[]): ChoiceAxis<T> {
  return { kind: "choice", values };
}

/** Normalises array shorthand to `choice` and checks every axis. */
export function resolveSpace(space: Space): { [param: string]: Axis } {
  const names = Object.keys(space ?? {});
  if (names.length === 0) throw new Error(emptySpaceMessage());
  const out: { [param: string]: Axis } = {};
  for (const name of names) {
    const axis = space[name];
    if (Array.isArray(axis)) {
      if (axis.length === 0) throw new Error(emptyAxisMessage(name));
      out[name] = choice(axis as readonly ParamValue[]);
    } else {
      const a = axis as Axis;
      if (a.kind === "choice" && a.values.length === 0) throw new Error(emptyAxisMessage(name));
      if (a.kind === "uniform") uniform(a.low, a.high);
      if (a.kind === "logUniform") logUniform(a.low, a.high);
      out[name] = a;
    }
  }
  return out;
}

/** One random draw from an axis. */
export function sampleAxis(axis: Axis, random: Random): ParamValue {
  if (axis.kind === "uniform") return axis.low + (axis.high - axis.low) * random.uniform();
  if (axis.kind === "logUniform")
    return Math.exp(Math.log(axis.low) + (Math.log(axis.high) - Math.log(axis.low)) * random.uniform());
  return axis.values[random.int(axis.values.length)];
}
