/** Constructor checks shared by the presets, in torch's wording (see `errors.ts`). */
import { invalidBeta, invalidEpsilon, invalidLearningRate, invalidWeightDecay } from "./errors";

/** Throws `message(value)` unless `value >= 0` (NaN included, unlike some of torch's `<` checks). */
export function requireNonNegative(value: number, message: (value: number) => string): void {
  if (!(value >= 0)) throw new Error(message(value));
}

export function requireLr(lr: number): void {
  requireNonNegative(lr, invalidLearningRate);
}

export function requireEps(eps: number): void {
  requireNonNegative(eps, invalidEpsilon);
}

export function requireWeightDecay(weightDecay: number): void {
  requireNonNegative(weightDecay, invalidWeightDecay);
}

/** torch: `0 <= beta < 1` for both betas. */
export function requireBetas(betas: readonly [number, number]): void {
  betas.forEach((beta, index) => {
    if (!(beta >= 0 && beta < 1)) throw new Error(invalidBeta(index as 0 | 1, beta));
  });
}

/**
 * `defaults` overridden by the options that are set: an option given as `undefined` keeps its
 * default (a plain spread would overwrite it with undefined).
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as D & O;
}
