/** Constructor checks shared by the presets, in torch's wording (see `errors.ts`). */
import {
  invalidBetaMessage,
  invalidBetasMessage,
  invalidEpsilonMessage,
  invalidLearningRateMessage,
  invalidWeightDecayMessage,
  unexpectedOptionMessage,
  wrongOptionTypeMessage,
} from "./errors";
import { checkOptionNames } from "../messages/options";
export { checkOptionNames };

/** Throws `message(value)` unless `value >= 0` (NaN included, unlike some of torch's `<` checks). */
export function requireNonNegative(value: number, message: (value: number) => string): void {
  if (!(value >= 0)) throw new Error(message(value));
}

/** A number ≥ 0; a non-number (null, "0.1") is a TypeError, as torch's failed comparison is. */
export function requireLr(lr: unknown): void {
  if (typeof lr !== "number") throw new TypeError(wrongOptionTypeMessage("learning rate", lr, "a number"));
  requireNonNegative(lr, invalidLearningRateMessage);
}

export function requireEps(eps: number): void {
  requireNonNegative(eps, invalidEpsilonMessage);
}

export function requireWeightDecay(weightDecay: number): void {
  requireNonNegative(weightDecay, invalidWeightDecayMessage);
}

/** torch: `0 <= beta < 1` for both betas. */
export function requireBetas(betas: readonly [number, number]): void {
  requirePair("betas", betas);
  betas.forEach((beta, index) => {
    if (!(beta >= 0 && beta < 1)) throw new Error(invalidBetaMessage(index as 0 | 1, beta));
  });
}

/** Options every preset accepts besides its defaults' keys. */
const COMMON_OPTIONS = ["lr", "weightDecayFilter", "paramGroups"];

/**
 * `defaults` overridden by the options that are set: an option given as `undefined` keeps its
 * default (a plain spread would overwrite it with undefined). Every option is checked first: a
 * name the optimizer lacks, or a value whose type differs from its default's (`lr: null`,
 * `momentum: "0.9"`, `betas: [0.9]`), throws a TypeError naming it.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const defaultsRecord = defaults as Record<string, unknown>;
  const allowed = [...new Set([...COMMON_OPTIONS, ...Object.keys(defaultsRecord)])];
  const out: Record<string, unknown> = { ...defaultsRecord };
  for (const [key, value] of Object.entries(options)) {
    if (!allowed.includes(key)) throw new TypeError(unexpectedOptionMessage(key, allowed));
    if (value === undefined) continue;
    checkType(key, value, key === "lr" ? 0 : defaultsRecord[key]);
    out[key] = value;
  }
  return out as D & O;
}

/** torch's names in messages, where they differ from the option's. */
const MESSAGE_NAMES: Record<string, string> = {
  lr: "learning rate",
  eps: "epsilon value",
  weightDecay: "weight_decay value",
};

function checkType(key: string, value: unknown, like: unknown): void {
  const name = MESSAGE_NAMES[key] ?? key;
  if (key === "weightDecayFilter") {
    if (typeof value !== "function")
      throw new TypeError(wrongOptionTypeMessage(name, value, "a function (name) => boolean"));
  } else if (key === "paramGroups") {
    if (!Array.isArray(value)) throw new TypeError(wrongOptionTypeMessage(name, value, "an array of parameter groups"));
  } else if (typeof like === "number") {
    if (typeof value !== "number") throw new TypeError(wrongOptionTypeMessage(name, value, "a number"));
  } else if (typeof like === "boolean") {
    if (typeof value !== "boolean") throw new TypeError(wrongOptionTypeMessage(name, value, "true or false"));
  } else if (Array.isArray(like)) {
    requirePair(key, value);
  }
}

/** Two numbers (`betas`, Rprop's `etas` and `stepSizes`). */
function requirePair(key: string, value: unknown): void {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "number");
  if (!ok)
    throw new TypeError(
      key === "betas" ? invalidBetasMessage(value) : wrongOptionTypeMessage(key, value, "two numbers"),
    );
}
