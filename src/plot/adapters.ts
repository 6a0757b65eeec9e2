/**
 * Conversions from the accepted inputs (see `inputs.ts`) to plain arrays, checked at run time
 * (notebook code is not type-checked): every error says what was passed and what is expected.
 */
import type { DataFrameLike, HistoryLike, LayerWeights, RowsSource, WeightSource, WeightsModelLike } from "./inputs";

export const notAHistoryMessage = (index: number): string =>
  `lossCurves: history #${index} is not a training history. Pass objects with \`steps\` and \`epochs\` arrays (what train.fit returns).`;

/** Histories as an array, each checked and given a legend name (`run 1`, `run 2`, … when unnamed). */
export function toHistories(histories: HistoryLike | readonly HistoryLike[]): { name: string; history: HistoryLike }[] {
  const list = isHistory(histories) ? [histories] : [...histories];
  return list.map((history, index) => {
    if (!isHistory(history)) throw new TypeError(notAHistoryMessage(index));
    return { name: history.name ?? `run ${index + 1}`, history };
  });
}

export function isHistory(value: unknown): value is HistoryLike {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as HistoryLike).steps) &&
    Array.isArray((value as HistoryLike).epochs)
  );
}

export const notRowsMessage = (): string =>
  "Expected a danfojs DataFrame or an array of row objects ({ column: value }).";

function isDataFrame(value: unknown): value is DataFrameLike {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as DataFrameLike).columns) &&
    Array.isArray((value as DataFrameLike).values)
  );
}

/** Column names and rows (as records) of a DataFrame or a record array. */
export function toRows(source: RowsSource): { columns: string[]; rows: { [column: string]: unknown }[] } {
  if (isDataFrame(source)) {
    const columns = [...source.columns];
    // A one-column danfojs frame may report values as a flat array.
    const rows = (source.values as readonly unknown[]).map((row) => {
      const cells = Array.isArray(row) ? row : [row];
      return Object.fromEntries(columns.map((column, i) => [column, cells[i]]));
    });
    return { columns, rows };
  }
  if (!Array.isArray(source)) throw new TypeError(notRowsMessage());
  const columns: string[] = [];
  for (const row of source as readonly { readonly [column: string]: unknown }[]) {
    if (typeof row !== "object" || row === null) throw new TypeError(notRowsMessage());
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  return { columns, rows: (source as readonly { [column: string]: unknown }[]).map((row) => ({ ...row })) };
}

export const missingColumnMessage = (column: string, columns: readonly string[]): string =>
  `Column "${column}" not found. Available columns: ${columns.join(", ") || "(none)"}.`;

/** The numeric values of one column (non-numbers become NaN, which Plotly leaves out). */
export function numericColumn(
  table: { columns: string[]; rows: { [column: string]: unknown }[] },
  column: string,
): number[] {
  if (!table.columns.includes(column)) throw new Error(missingColumnMessage(column, table.columns));
  return table.rows.map((row) => {
    const value = row[column];
    return typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
        ? Number(value)
        : Number.NaN;
  });
}

function isModel(source: WeightSource): source is WeightsModelLike {
  return typeof source === "object" && source !== null && Array.isArray((source as WeightsModelLike).weights);
}

function isLayerList(source: WeightSource): source is readonly LayerWeights[] {
  return (
    Array.isArray(source) &&
    source.length > 0 &&
    typeof source[0] === "object" &&
    source[0] !== null &&
    "values" in source[0]
  );
}

/** Weights as named layers. A flat array becomes one layer called "all weights". */
export function toLayers(source: WeightSource): LayerWeights[] {
  if (isModel(source))
    return source.weights.map((variable) => ({ name: variable.name, values: Array.from(variable.read().dataSync()) }));
  if (isLayerList(source)) return source.map((layer) => ({ name: layer.name, values: layer.values }));
  return [{ name: "all weights", values: source }];
}

/** Finite values of an array-like, as a plain array (JSON cannot hold typed arrays or NaN usefully). */
export function finiteArray(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(values[i]);
  return out;
}
