/**
 * Tables: a danfojs DataFrame (or rows) shown as an HTML table in notebooks and on the site, and as
 * aligned text in a terminal. Helpers turn training histories and tuning results into DataFrames.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { missingColumnMessage, toHistories, toRows } from "./adapters";
import { danfo, type DataFrame } from "./danfo";
import { escapeHtml } from "../display/escapeHtml";
import { formatNumber } from "./format";
import type { HistoryLike, RowsSource } from "./inputs";
import type { LanguageOption } from "./localize";
import { language as currentLanguage } from "../i18n/language";
import { translate, translateLines } from "../i18n/translate";

export interface TableOptions extends LanguageOption {
  /** Caption shown above the table. */
  title?: string;
  /** Rows shown at most (default 50); the rest are summarised as "… N more rows". */
  maxRows?: number;
  /** Significant digits for numbers (default 4). */
  digits?: number;
}

function cellText(value: unknown, digits: number): string {
  if (typeof value === "number") return formatNumber(value, digits);
  if (value === null || value === undefined) return "";
  // Any other cell shows what String() shows (arrays as "1,2", like a DataFrame's text).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- deliberate
  return String(value);
}

/** Columns a terminal gives `text`: Chinese, Japanese, Korean and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/**
 * A displayable table. `frame` is the danfojs DataFrame behind it, made on first use: danfojs takes
 * seconds to load (5 s in a fresh kernel on a busy machine), which showing rows does not need.
 */
export class Table implements Displayable {
  readonly options: TableOptions;
  private readonly source: RowsSource | DataFrame;
  private readonly data: { columns: string[]; rows: unknown[][] };
  private dataFrame: DataFrame | undefined;

  constructor(source: RowsSource | DataFrame, options: TableOptions = {}) {
    const { columns, rows } = toRows(source);
    this.source = source;
    this.data = { columns, rows: rows.map((row) => columns.map((c) => row[c] ?? null)) };
    this.options = options;
  }

  /** The table as a danfojs DataFrame: the one it was made from, else one made now from its rows. */
  get frame(): DataFrame {
    if (this.dataFrame === undefined) {
      const dfd = danfo();
      this.dataFrame =
        this.source instanceof dfd.DataFrame ? this.source : new dfd.DataFrame(this.rows, { columns: this.columns });
    }
    return this.dataFrame;
  }

  /** Column names. */
  get columns(): string[] {
    return [...this.data.columns];
  }

  /** Rows as arrays of cell values. */
  get rows(): unknown[][] {
    return this.data.rows.map((row) => [...row]);
  }

  private shown(): { rows: string[][]; hidden: number } {
    const digits = this.options.digits ?? 4;
    const all = this.rows;
    const limit = this.options.maxRows ?? 50;
    const lang = this.options.language ?? currentLanguage();
    return {
      // Text cells are shown in the reader's language (numbers and unknown words stay as they are).
      // A cell of several sentences ("claim; control: …") is translated sentence by sentence, like printed text.
      rows: all.slice(0, limit).map((row) => row.map((cell) => translateLines(cellText(cell, digits), lang))),
      hidden: Math.max(0, all.length - limit),
    };
  }

  /** Column headers and caption as the reader sees them (translated; `columns` stay the data's names). */
  private labels(): { header: string[]; title?: string } {
    const lang = this.options.language ?? currentLanguage();
    const title = this.options.title === undefined ? undefined : translate(this.options.title, lang);
    return { header: this.columns.map((c) => translate(c, lang)), title };
  }

  /** An HTML `<table>`: every cell escaped, numbers right-aligned. */
  toHTML(): string {
    const { rows, hidden } = this.shown();
    const numeric = this.columns.map((_, c) => this.rows.every((row) => typeof row[c] === "number" || row[c] === null));
    const align = (c: number): string => (numeric[c] ? ' style="text-align:right"' : "");
    const parts = ['<table class="optimlab-table dataframe">'];
    const { header, title } = this.labels();
    if (title) parts.push(`<caption>${escapeHtml(title)}</caption>`);
    parts.push("<thead><tr>" + header.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("") + "</tr></thead>");
    parts.push("<tbody>");
    for (const row of rows)
      parts.push("<tr>" + row.map((cell, i) => `<td${align(i)}>${escapeHtml(cell)}</td>`).join("") + "</tr>");
    parts.push("</tbody>");
    if (hidden > 0)
      parts.push(`<tfoot><tr><td colspan="${this.columns.length}">… ${hidden} more rows</td></tr></tfoot>`);
    parts.push("</table>");
    return parts.join("\n");
  }

  /** Aligned plain text: what a terminal shows. */
  toString(): string {
    const { rows, hidden } = this.shown();
    const { header, title } = this.labels();
    const widths = header.map((h, c) => Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[c]))));
    const line = (cells: string[]): string =>
      cells
        .map((cell, c) => " ".repeat(widths[c] - displayWidth(cell)) + cell)
        .join("  ")
        .trimEnd();
    const out: string[] = [];
    if (title) out.push(title);
    out.push(line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line));
    if (hidden > 0) out.push(`… ${hidden} more rows`);
    return out.join("\n");
  }

  /** `console.log(table)` outside a notebook prints the aligned text. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHTML(), "text/plain": this.toString() };
  }
}

/** A table of rows or a DataFrame (`tune` results are DataFrames). */
export function table(source: RowsSource | DataFrame, options: TableOptions = {}): Table {
  return new Table(source, options);
}

/**
 * One row per (run, epoch): `run`, `epoch`, `loss`, `valLoss` and every other recorded metric,
 * as a danfojs DataFrame.
 */
export function historyFrame(histories: HistoryLike | readonly HistoryLike[]): DataFrame {
  const { columns, rows } = historyRows(histories);
  return new (danfo().DataFrame)(rows, { columns });
}

/** historyFrame's columns and rows, as arrays (no danfojs). */
function historyRows(histories: HistoryLike | readonly HistoryLike[]): { columns: string[]; rows: unknown[][] } {
  const runs = toHistories(histories);
  const metricNames: string[] = [];
  for (const { history } of runs)
    for (const epoch of history.epochs)
      for (const key of Object.keys(epoch))
        if (!["epoch", "step", "time"].includes(key) && !metricNames.includes(key)) metricNames.push(key);
  const columns = ["run", "epoch", ...metricNames];
  const rows = runs.flatMap(({ name, history }) =>
    history.epochs.map((epoch) => [name, epoch.epoch, ...metricNames.map((m) => epoch[m] ?? null)]),
  );
  return { columns, rows };
}

/** Per-epoch history table of one or more runs. */
export function historyTable(histories: HistoryLike | readonly HistoryLike[], options: TableOptions = {}): Table {
  const { columns, rows } = historyRows(histories);
  return new Table({ columns, values: rows }, { title: options.title ?? "Training history (per epoch)", ...options });
}

export interface TuningTableOptions extends TableOptions {
  /** Column to sort by (e.g. "valLoss"). */
  sortBy?: string;
  /** Sort ascending (default true: lower loss first). */
  ascending?: boolean;
  /** Keep only the first `top` rows after sorting. */
  top?: number;
}

/** Tuning results (a `tune` DataFrame or rows), sorted best first. */
export function tuningTable(results: RowsSource | DataFrame, options: TuningTableOptions = {}): Table {
  const { columns, rows } = toRows(results);
  if (options.sortBy !== undefined) {
    const key = options.sortBy;
    if (!columns.includes(key)) throw new Error(`tuningTable: ${missingColumnMessage(key, columns)}`);
    const sign = options.ascending === false ? -1 : 1;
    const score = (row: { [column: string]: unknown }): number =>
      typeof row[key] === "number" ? row[key] : Number.NaN;
    // Trials without a score (failed or pruned) go last whatever the direction.
    rows.sort(
      (a, b) => (Number.isNaN(score(a)) ? 1 : 0) - (Number.isNaN(score(b)) ? 1 : 0) || sign * (score(a) - score(b)),
    );
  }
  const kept = options.top === undefined ? rows : rows.slice(0, options.top);
  return new Table(
    kept.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]]))),
    { title: options.title ?? "Tuning results", ...options },
  );
}
