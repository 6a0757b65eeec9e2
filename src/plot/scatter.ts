/**
 * Random-search results: each trial a point (hyperparameter vs score), optionally coloured by a
 * second hyperparameter, with the best trial marked.
 */
import type { LanguageOption } from "./localize";
import { numericColumn, toRows } from "./adapters";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import { formatNumber } from "./format";
import type { RowsSource } from "./inputs";
import { baseLayout, runColour } from "./style";

export interface ScatterOptions extends LanguageOption {
  x: string;
  y: string;
  /** Column that colours the points (continuous colour scale). */
  color?: string;
  /** Mark the trial with the lowest ("min") or highest ("max") y (default "min"). */
  best?: "min" | "max" | "none";
  logX?: boolean;
  logY?: boolean;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  colorLabel?: string;
}

/** Scatter plot of tuning trials. */
export function scatter(results: RowsSource, options: ScatterOptions): Figure {
  const table = toRows(results);
  const x = numericColumn(table, options.x);
  const y = numericColumn(table, options.y);
  const colourValues = options.color ? numericColumn(table, options.color) : undefined;
  const marker = colourValues
    ? {
        size: 9,
        color: colourValues,
        colorscale: "Viridis",
        showscale: true,
        colorbar: { title: { text: options.colorLabel ?? options.color ?? "" } },
        line: { color: "white", width: 0.5 },
      }
    : { size: 9, color: runColour(0), line: { color: "white", width: 0.5 } };
  const data: Trace[] = [{ type: "scatter", mode: "markers", name: `trials (${x.length})`, x, y, marker }];
  const best = options.best ?? "min";
  if (best !== "none") {
    let index = -1;
    y.forEach((value, i) => {
      if (!Number.isFinite(value) || !Number.isFinite(x[i])) return;
      if (index < 0 || (best === "max" ? value > y[index] : value < y[index])) index = i;
    });
    if (index >= 0) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `best: ${options.x} = ${formatNumber(x[index])}, ${options.y} = ${formatNumber(y[index])}`,
        x: [x[index]],
        y: [y[index]],
        marker: { symbol: "star", size: 18, color: "red", line: { color: "black", width: 1 } },
      });
    }
  }
  const title = options.title ?? `Random search: ${options.y} vs ${options.x}`;
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(
      title,
      { title: options.xLabel ?? options.x, log: options.logX },
      { title: options.yLabel ?? options.y, log: options.logY },
      { legend: { orientation: "h", x: 0, y: -0.2 } },
    ),
  });
}
