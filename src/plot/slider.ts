/**
 * A slider over a hyperparameter that switches between precomputed runs in the browser, with no
 * kernel round trip: each value becomes a Plotly animation frame, and `layout.sliders` animates to
 * it. Works in notebooks, in exported HTML and on the offline site.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Frame, Json, Layout, Trace } from "./figureTypes";
import { formatNumber } from "./format";

export interface SliderOptions extends LanguageOption {
  /** What the slider sets, with its symbol or unit, e.g. "learning rate η" or "dropout p". */
  label: string;
  /** Which value is shown first (default: the first). */
  initial?: number;
  /** Value → slider tick text (default: short number format). */
  format?: (value: number) => string;
  /**
   * Keep the axes fixed across positions (default true): the union of all frames' x/y ranges, so
   * moving the slider compares runs on the same scale.
   */
  fixedAxes?: boolean;
}

export const noValuesMessage = (): string => "slider: pass at least one value.";
export const badInitialMessage = (initial: number): string =>
  `slider: initial value ${initial} is not one of the slider's values.`;

/** An empty, invisible trace that keeps every frame at the same trace count. */
function placeholder(): Trace {
  return { type: "scatter", mode: "lines", x: [], y: [], name: "", showlegend: false, hoverinfo: "skip" };
}

function numbers(values: Json | undefined): number[] {
  if (!Array.isArray(values)) return [];
  return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
}

/** `[low, high]` in axis units (log10 for log axes) covering every frame's 2D traces, or undefined. */
function unionRange(frames: readonly Trace[][], key: "x" | "y", log: boolean): [number, number] | undefined {
  let low = Infinity;
  let high = -Infinity;
  for (const traces of frames) {
    for (const trace of traces) {
      if (trace.type !== "scatter" || (trace[`${key}axis`] !== undefined && trace[`${key}axis`] !== key)) continue;
      for (const v of numbers(trace[key])) {
        if (log && v <= 0) continue;
        const u = log ? Math.log10(v) : v;
        if (u < low) low = u;
        if (u > high) high = u;
      }
    }
  }
  if (!Number.isFinite(low)) return undefined;
  const pad = (high - low || Math.abs(high) || 1) * 0.04;
  return [low - pad, high + pad];
}

function fixAxis(layout: Layout, key: "x" | "y", frames: readonly Trace[][]): void {
  const axisKey = `${key}axis`;
  const axis = (layout[axisKey] ?? {}) as { [k: string]: Json | undefined };
  if (axis.range !== undefined || axis.type === "category") return;
  const range = unionRange(frames, key, axis.type === "log");
  if (range) layout[axisKey] = { ...axis, range, autorange: false };
}

/**
 * A figure with a slider over `values`; `build(value)` returns the figure (or just its traces) for
 * that value. The layout (title, axes, legend) is taken from the initial value's figure.
 *
 * @example
 * plot.slider([0.001, 0.01, 0.1], (lr) => plot.lossCurves(runs.get(lr)), { label: "learning rate η" })
 */
export function slider(
  values: readonly number[],
  build: (value: number) => Figure | Trace[],
  options: SliderOptions,
): Figure {
  if (values.length === 0) throw new RangeError(noValuesMessage());
  const initial = options.initial === undefined ? 0 : values.indexOf(options.initial);
  if (initial < 0) throw new RangeError(badInitialMessage(options.initial as number));
  const format = options.format ?? ((v: number) => formatNumber(v));
  const built = values.map((value) => build(value));
  const traceLists = built.map((b) => (b instanceof Figure ? b.toJSON().data : structuredClone(b)));
  const count = Math.max(...traceLists.map((t) => t.length));
  const padded = traceLists.map((traces) => [...traces, ...Array.from({ length: count - traces.length }, placeholder)]);
  const first = built[initial];
  const layout: Layout =
    first instanceof Figure ? first.toJSON().layout : { title: { text: options.label }, showlegend: true };
  const names = values.map((value, i) => `${i}: ${format(value)}`);
  // Traces equal in every frame (a surface's contour, say) stay out of the frames: smaller notebooks.
  const serialized = padded.map((traces) => traces.map((trace) => JSON.stringify(trace)));
  const changing = Array.from({ length: count }, (_, t) => t).filter((t) =>
    serialized.some((traces) => traces[t] !== serialized[0][t]),
  );
  const frames: Frame[] = padded.map((data, i) => {
    const b = built[i];
    const frame: Frame =
      changing.length === count
        ? { name: names[i], data }
        : { name: names[i], data: changing.map((t) => data[t]), traces: changing };
    if (b instanceof Figure && b.layout.title) frame.layout = { title: b.toJSON().layout.title };
    return frame;
  });
  if (options.fixedAxes ?? true) {
    fixAxis(layout, "x", padded);
    fixAxis(layout, "y", padded);
  }
  const margin = (layout.margin ?? {}) as { [k: string]: Json | undefined };
  const height = typeof layout.height === "number" ? layout.height : 450;
  // A horizontal legend under the plot sits where the slider would go: push the slider below it.
  const legend = (layout.legend ?? {}) as { [k: string]: Json | undefined };
  const legendBelow = legend.orientation === "h" && typeof legend.y === "number" && legend.y < 0;
  const room = legendBelow ? 140 : 90;
  layout.height = height + room;
  layout.margin = { ...margin, b: (typeof margin.b === "number" ? margin.b : 60) + room };
  layout.sliders = [
    {
      active: initial,
      currentvalue: { prefix: `${options.label} = `, visible: true, xanchor: "left" },
      pad: { t: legendBelow ? 110 : 60, b: 10 },
      len: 0.9,
      x: 0.05,
      steps: values.map((value, i) => ({
        label: format(value),
        method: "animate",
        args: [[names[i]], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
      })),
    },
  ];
  const config = first instanceof Figure ? first.config : {};
  return new Figure({ language: options.language, data: padded[initial], layout, frames, config });
}
