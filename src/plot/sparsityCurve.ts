/**
 * Sparsity against penalty strength (or training step): the fraction of weights that are
 * (nearly) zero. L1 drives it up; L2 barely moves it.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { NumberArray } from "./inputs";
import { baseLayout, runColour } from "./style";

/** Fraction (0 … 1) of `values` whose magnitude is at most `tolerance` (default 1e-3). */
export function fractionNearZero(values: NumberArray, tolerance = 1e-3): number {
  if (values.length === 0) return 0;
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) <= tolerance) zeros++;
  return zeros / values.length;
}

/** One run's curve: `x` (λ values or steps) and the sparsity at each, as a fraction 0 … 1. */
export interface SparsitySeries {
  x: ArrayLike<number>;
  sparsity: ArrayLike<number>;
}

export interface SparsityCurveOptions extends LanguageOption {
  title?: string;
  /** x axis title (default "λ (penalty strength)"). */
  xLabel?: string;
  /** Logarithmic x axis (default true, for λ sweeps). */
  logX?: boolean;
  /** The tolerance used, shown in the y title (default 1e-3). */
  tolerance?: number;
}

export const sparsityLengthMessage = (name: string, x: number, y: number): string =>
  `sparsityCurve: run "${name}" has ${x} x values and ${y} sparsity values; they must match.`;

/** Sparsity curves of named runs (e.g. `{ L1: …, L2: … }`), in percent. */
export function sparsityCurve(runs: { [name: string]: SparsitySeries }, options: SparsityCurveOptions = {}): Figure {
  const data: Trace[] = Object.entries(runs).map(([name, series], index) => {
    if (series.x.length !== series.sparsity.length)
      throw new RangeError(sparsityLengthMessage(name, series.x.length, series.sparsity.length));
    return {
      type: "scatter",
      mode: "lines+markers",
      name,
      x: Array.from(series.x),
      y: Array.from(series.sparsity, (s) => 100 * s),
      line: { color: runColour(index), width: 2 },
    };
  });
  const logX = options.logX ?? true;
  const tolerance = options.tolerance ?? 1e-3;
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(
      options.title ?? "Sparsity of the weights",
      { title: options.xLabel ?? "λ (penalty strength)", log: logX },
      { title: `weights with |w| ≤ ${tolerance} (%)`, extra: { range: [0, 100] } },
    ),
  });
}
