/**
 * The look shared by every optimlab figure: one colour per run (the same run keeps its colour across
 * figures), dashed validation curves, and a base layout that always has a title, axis titles and a
 * legend, so figures read on their own in a notebook or on the site.
 */
import type { Layout } from "./figureTypes";

/** Colour-blind-safe palette (Okabe–Ito order), cycled by run index. */
export const RUN_COLOURS: readonly string[] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#000000",
];

/** The colour of the `index`-th run. */
export function runColour(index: number): string {
  return RUN_COLOURS[((index % RUN_COLOURS.length) + RUN_COLOURS.length) % RUN_COLOURS.length];
}

/** Line dash for a training curve and for its validation twin. */
export const TRAIN_DASH = "solid";
export const VALIDATION_DASH = "dash";

/** An axis: its title (with the unit in parentheses) and whether it is logarithmic. */
export interface AxisSpec {
  title: string;
  log?: boolean;
  /** Extra Plotly axis settings (range, tickformat, …). */
  extra?: Layout;
}

/** The base layout: title, axis titles, legend on, white background with light grid lines. */
export function baseLayout(title: string, x: AxisSpec, y: AxisSpec, extra: Layout = {}): Layout {
  return {
    title: { text: title, x: 0.02, xanchor: "left" },
    xaxis: axisLayout(x),
    yaxis: axisLayout(y),
    showlegend: true,
    legend: { orientation: "v" },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
    hovermode: "closest",
    margin: { l: 70, r: 30, t: 60, b: 60 },
    ...extra,
  };
}

/** One axis's layout entry. */
export function axisLayout(axis: AxisSpec): Layout {
  // Log axes label powers of ten as 10⁻⁶, not Plotly's SI default ("1µ"), which reads oddly for a loss.
  const log = axis.log ? { exponentformat: "power" } : {};
  return {
    title: { text: axis.title },
    type: axis.log ? "log" : "linear",
    automargin: true,
    gridcolor: "#e6e6e6",
    zeroline: false,
    ...log,
    ...(axis.extra ?? {}),
  };
}
