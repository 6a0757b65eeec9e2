/**
 * Weight distributions of several runs overlaid (e.g. L1 vs L2: L1 piles weights at exactly zero,
 * L2 shrinks them smoothly), either all weights together or one panel per layer.
 */
import type { LanguageOption } from "./localize";
import { finiteArray, toLayers } from "./adapters";
import { Figure } from "./figure";
import type { Layout, Trace } from "./figureTypes";
import type { WeightSource } from "./inputs";
import { axisLayout, baseLayout, runColour } from "./style";

export interface HistogramOptions extends LanguageOption {
  /** One panel per layer (default false: all weights of a run pooled). */
  byLayer?: boolean;
  /** Number of bins (default 60). */
  bins?: number;
  /** Logarithmic count axis (default false; useful when a spike at 0 dwarfs the rest). */
  logY?: boolean;
  title?: string;
  /** x axis title (default "weight value"). */
  xLabel?: string;
}

export const noRunsMessage = (): string => "histogram: pass at least one run, e.g. { L1: modelL1, L2: modelL2 }.";

/**
 * Overlaid weight histograms.
 *
 * @param runs run name → weights (a flat array, named layers, or a tfjs model).
 */
export function histogram(runs: { [run: string]: WeightSource }, options: HistogramOptions = {}): Figure {
  const entries = Object.entries(runs).map(([name, source]) => ({ name, layers: toLayers(source) }));
  if (entries.length === 0) throw new Error(noRunsMessage());
  const bins = options.bins ?? 60;
  const xTitle = options.xLabel ?? "weight value";
  const yTitle = `count (weights per bin${options.logY ? ", log scale" : ""})`;
  const title = options.title ?? `Weight distribution: ${entries.map((e) => e.name).join(" vs ")}`;
  const common = (name: string, index: number): Trace => ({
    type: "histogram",
    name,
    legendgroup: name,
    nbinsx: bins,
    opacity: 0.6,
    marker: { color: runColour(index) },
  });

  if (!options.byLayer) {
    const data = entries.map((entry, index): Trace => ({
      ...common(entry.name, index),
      x: entry.layers.flatMap((layer) => finiteArray(layer.values)),
    }));
    return new Figure({
      language: options.language,
      data,
      layout: baseLayout(title, { title: xTitle }, { title: yTitle, log: options.logY }, { barmode: "overlay" }),
    });
  }

  const layerNames = [...new Set(entries.flatMap((entry) => entry.layers.map((layer) => layer.name)))];
  const data: Trace[] = [];
  entries.forEach((entry, index) => {
    layerNames.forEach((layerName, row) => {
      const layer = entry.layers.find((l) => l.name === layerName);
      if (!layer) return;
      const suffix = row === 0 ? "" : String(row + 1);
      data.push({
        ...common(entry.name, index),
        x: finiteArray(layer.values),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        showlegend: row === 0,
      });
    });
  });
  const layout: Layout = baseLayout(
    title,
    { title: xTitle },
    { title: yTitle, log: options.logY },
    {
      barmode: "overlay",
      // ygap leaves room for each panel's x title and the next panel's layer name.
      grid: { rows: layerNames.length, columns: 1, pattern: "independent", roworder: "top to bottom", ygap: 0.45 },
      height: Math.max(320, 280 * layerNames.length),
      annotations: layerNames.map((name, row) => ({
        text: name,
        showarrow: false,
        xref: `x${row === 0 ? "" : row + 1} domain`,
        yref: `y${row === 0 ? "" : row + 1} domain`,
        x: 0,
        y: 1.02,
        xanchor: "left",
        yanchor: "bottom",
        font: { size: 13, color: "#222" },
      })),
    },
  );
  layerNames.forEach((_, row) => {
    if (row === 0) return;
    layout[`xaxis${row + 1}`] = axisLayout({ title: xTitle });
    layout[`yaxis${row + 1}`] = axisLayout({ title: "count", log: options.logY });
  });
  return new Figure({ language: options.language, data, layout });
}
