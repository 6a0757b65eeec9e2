/**
 * A generic line chart: named series of (x, y) points, one colour each.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import { baseLayout, runColour } from "./style";

/** One series: `x` (default 0, 1, 2, …) and `y`. */
export interface LineSeries {
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Dashed line (default false). */
  dashed?: boolean;
}

export interface LineOptions extends LanguageOption {
  title: string;
  /** Axis titles with units, e.g. "epoch", "accuracy (%)". */
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  /** Draw markers at the points (default: only when a series has ≤ 30 points). */
  markers?: boolean;
}

export const lengthMismatchMessage = (name: string, x: number, y: number): string =>
  `line: series "${name}" has ${x} x values but ${y} y values; they must be the same length.`;

/** Traces of named series. */
export function lineTraces(
  series: { [name: string]: LineSeries | ArrayLike<number> },
  options: Pick<LineOptions, "markers"> = {},
): Trace[] {
  return Object.entries(series).map(([name, value], index): Trace => {
    const s: LineSeries = "y" in value && typeof value.y === "object" ? value : { y: value as ArrayLike<number> };
    const y = Array.from(s.y);
    const x = s.x ? Array.from(s.x) : y.map((_, i) => i);
    if (x.length !== y.length) throw new RangeError(lengthMismatchMessage(name, x.length, y.length));
    const markers = options.markers ?? y.length <= 30;
    return {
      type: "scatter",
      mode: markers ? "lines+markers" : "lines",
      name,
      x,
      y,
      line: { color: runColour(index), dash: s.dashed ? "dash" : "solid", width: 2 },
    };
  });
}

/**
 * Line chart of named series.
 *
 * @example plot.line({ train: accuracies, test: testAccuracies }, { title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)" })
 */
export function line(series: { [name: string]: LineSeries | ArrayLike<number> }, options: LineOptions): Figure {
  return new Figure({
    language: options.language,
    data: lineTraces(series, options),
    layout: baseLayout(
      options.title,
      { title: options.xLabel, log: options.logX },
      { title: options.yLabel, log: options.logY },
    ),
  });
}
