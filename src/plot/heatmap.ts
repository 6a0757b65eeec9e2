/**
 * Grid-search results as a heatmap: one cell per (x, y) hyperparameter pair, coloured by a score,
 * with the best cell outlined.
 */
import type { LanguageOption } from "./localize";
import { numericColumn, toRows } from "./adapters";
import { Figure } from "./figure";
import { formatNumber } from "./format";
import type { RowsSource } from "./inputs";
import { baseLayout } from "./style";

export interface HeatmapOptions extends LanguageOption {
  /** Columns holding the two hyperparameters and the score. */
  x: string;
  y: string;
  z: string;
  /** Which score is best (default "min": a loss). */
  best?: "min" | "max";
  title?: string;
  /** Axis and colour-bar titles (default: the column names). Give units, e.g. "learning rate η". */
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
}

export const emptyGridMessage = (): string => "heatmap: the table has no rows with numeric x, y and z values.";

/** Heatmap of a grid search (`tune.gridSearch` results or rows). Repeated (x, y) pairs are averaged. */
export function heatmap(results: RowsSource, options: HeatmapOptions): Figure {
  const table = toRows(results);
  const xs = numericColumn(table, options.x);
  const ys = numericColumn(table, options.y);
  const zs = numericColumn(table, options.z);
  const keep = xs.map((_, i) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]) && Number.isFinite(zs[i]));
  if (!keep.some(Boolean)) throw new Error(emptyGridMessage());
  const xValues = [...new Set(xs.filter((_, i) => keep[i]))].sort((a, b) => a - b);
  const yValues = [...new Set(ys.filter((_, i) => keep[i]))].sort((a, b) => a - b);
  const sums = yValues.map(() => xValues.map(() => 0));
  const counts = yValues.map(() => xValues.map(() => 0));
  xs.forEach((x, i) => {
    if (!keep[i]) return;
    const column = xValues.indexOf(x);
    const row = yValues.indexOf(ys[i]);
    sums[row][column] += zs[i];
    counts[row][column] += 1;
  });
  const z = sums.map((row, r) => row.map((sum, c) => (counts[r][c] > 0 ? sum / counts[r][c] : null)));
  // Category axes: hyperparameters are usually log-spaced, and each grid value deserves one column.
  const xLabels = xValues.map((v) => formatNumber(v));
  const yLabels = yValues.map((v) => formatNumber(v));
  const bestIsMax = options.best === "max";
  let bestRow = -1;
  let bestColumn = -1;
  z.forEach((row, r) =>
    row.forEach((value, c) => {
      if (value === null) return;
      if (
        bestRow < 0 ||
        (bestIsMax ? value > (z[bestRow][bestColumn] as number) : value < (z[bestRow][bestColumn] as number))
      ) {
        bestRow = r;
        bestColumn = c;
      }
    }),
  );
  const zTitle = options.zLabel ?? options.z;
  const bestValue = z[bestRow][bestColumn] as number;
  const data = [
    {
      type: "heatmap",
      name: zTitle,
      x: xLabels,
      y: yLabels,
      z,
      colorscale: "Viridis",
      reversescale: !bestIsMax,
      colorbar: { title: { text: zTitle } },
      texttemplate: "%{z:.3g}",
      hovertemplate: `${options.x}=%{x}<br>${options.y}=%{y}<br>${options.z}=%{z:.4g}<extra></extra>`,
      showlegend: false,
    },
    {
      type: "scatter",
      mode: "markers",
      name: `best: ${zTitle} = ${formatNumber(bestValue)}`,
      x: [xLabels[bestColumn]],
      y: [yLabels[bestRow]],
      marker: { symbol: "square-open", size: 34, color: "red", line: { width: 3 } },
    },
  ];
  const title = options.title ?? `Grid search: ${options.z} by ${options.x} and ${options.y}`;
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(
      title,
      { title: options.xLabel ?? options.x, extra: { type: "category" } },
      { title: options.yLabel ?? options.y, extra: { type: "category" } },
      { legend: { orientation: "h", x: 0, y: -0.2 } },
    ),
  });
}
