/**
 * What `fit` returns: plain per-step and per-epoch records plus a few helpers. Serialises to
 * JSON and shows itself in notebooks as a summary table.
 */
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/protocol";
import type { EpochRecord, LayerValues, StepRecord } from "./records";
import { escapeHtml } from "../display/escapeHtml";
import { language, type Language } from "../i18n/language";
import { translate } from "../i18n/translate";
import { withSeconds } from "../i18n/units";
import { shown } from "../messages/values";

/** Facts about the run that are not per step. */
export interface RunInfo {
  /** Optimizer class name, e.g. "SGD". */
  optimizer?: string;
  batchSize?: number;
  epochs?: number;
  backend?: string;
  seed?: number;
  /** Set when early stopping ended the run. */
  stoppedEarly?: { epoch: number; monitor: string; best: number; bestEpoch: number };
  /** Set when the loss became NaN/Inf. */
  diverged?: { epoch: number; step: number };
  /** Set when fit was asked for more than one thread: the threads it trained on. */
  threads?: number;
  /** Set when fit was asked for more than one thread but trained on one: why. */
  threadsNote?: string;
  /**
   * How the threads shared the steps: "hidden units" (the same bits as one thread,
   * train/unitSplit.ts), "examples and weights" (the same bits as one thread, a LeNet-shaped
   * network: train/convSplit.ts) or "batch" (parts of each batch, train/dataParallel.ts).
   */
  threadsSplit?: "hidden units" | "examples and weights" | "batch";
}

/**
 * A number as History's JSON holds it. JSON has no Infinity or NaN (`JSON.stringify` writes them
 * as `null`), so `toJSON` writes a non-finite number as the string "Infinity", "-Infinity" or
 * "NaN" and a finite one as itself. `null` is what a file saved before this format holds where it
 * lost a non-finite value: it reads back as NaN (the value was not finite; its sign is lost).
 */
export type JSONNumber = number | "Infinity" | "-Infinity" | "NaN" | null;

/** `T` with each of its numbers, at any depth, a {@link JSONNumber}. */
export type WithJSONNumbers<T> = T extends number
  ? JSONNumber
  : T extends readonly (infer U)[]
    ? WithJSONNumbers<U>[]
    : T extends object
      ? { [K in keyof T]: WithJSONNumbers<T[K]> }
      : T;

/**
 * What `History.toJSON()` returns and `History.fromJSON` (or the constructor) reads: the records
 * with their numbers as {@link JSONNumber}s, so `JSON.stringify` keeps Infinity, -Infinity and NaN.
 * Plain numbers are valid too (a hand-made history, or a file from before non-finite values were
 * written as strings).
 */
export interface HistoryJSON {
  name?: string;
  info: WithJSONNumbers<RunInfo>;
  steps: WithJSONNumbers<StepRecord>[];
  epochs: WithJSONNumbers<EpochRecord>[];
}

export function invalidHistoryJSONMessage(where: string, value: unknown, expected: string): string {
  return `History: ${where} is ${shown(value)} (expected ${expected}); fix that field, or save a history with JSON.stringify(history) and read it back with History.fromJSON(JSON.parse(text))`;
}

export function invalidHistoryNumberMessage(where: string, value: unknown): string {
  return invalidHistoryJSONMessage(where, value, 'a number, or "Infinity", "-Infinity" or "NaN"; null reads as NaN');
}

/** A number as JSON can hold it (see {@link JSONNumber}). */
function encodeNumber(value: number): JSONNumber {
  return Number.isFinite(value) ? value : (String(value) as "Infinity" | "-Infinity" | "NaN");
}

function encodeValue(value: unknown): unknown {
  if (typeof value === "number") return encodeNumber(value);
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeValue(item)]));
  return value;
}

/** `value` with its non-finite numbers as strings, at any depth (a copy). */
function encode<T>(value: T): WithJSONNumbers<T> {
  return encodeValue(value) as WithJSONNumbers<T>;
}

function decodeNumber(value: unknown, where: string): number {
  if (typeof value === "number") return value;
  if (value === null) return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (value === "NaN") return Number.NaN;
  throw new Error(invalidHistoryNumberMessage(where, value));
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A step or epoch record: every value a number, or per-layer numbers (`gradNorms`). */
function decodeRecord(record: unknown, where: string): { [key: string]: number | LayerValues } {
  if (!isPlainObject(record)) throw new Error(invalidHistoryJSONMessage(where, record, "a record object"));
  const out: { [key: string]: number | LayerValues } = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeNumber(v, `${where}.${key}.${k}`)]))
      : decodeNumber(value, `${where}.${key}`);
  }
  return out;
}

function decodeRecords(records: unknown, where: "steps" | "epochs"): { [key: string]: number | LayerValues }[] {
  if (records === undefined) return [];
  if (!Array.isArray(records)) throw new Error(invalidHistoryJSONMessage(where, records, "an array of records"));
  return records.map((record, i) => decodeRecord(record, `${where}[${i}]`));
}

/** RunInfo's fields that hold numbers; `stoppedEarly` and `diverged` hold numbers but `monitor`. */
const INFO_NUMBERS = new Set(["batchSize", "epochs", "seed", "threads"]);

function decodeInfo(info: unknown): RunInfo {
  if (info === undefined) return {};
  if (!isPlainObject(info)) throw new Error(invalidHistoryJSONMessage("info", info, "an object"));
  const out: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(info)) {
    if (value === undefined) continue;
    if (INFO_NUMBERS.has(key)) out[key] = decodeNumber(value, `info.${key}`);
    else if (key === "stoppedEarly" || key === "diverged") {
      if (!isPlainObject(value)) throw new Error(invalidHistoryJSONMessage(`info.${key}`, value, "an object"));
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, k === "monitor" ? v : decodeNumber(v, `info.${key}.${k}`)]),
      );
    } else out[key] = value;
  }
  return out as RunInfo;
}

/** Adds a figure (e.g. loss curves from `plot`) to every History's notebook display. */
export type HistoryFigure = (history: History) => MimeBundle | undefined;
let historyFigure: HistoryFigure | undefined;

/** Sets (or clears) the figure shown under each History in notebooks. */
export function setHistoryFigure(figure: HistoryFigure | undefined): void {
  historyFigure = figure;
}

export function unknownKeyMessage(key: string, available: readonly string[]): string {
  return `History has no "${key}" values (available: ${available.join(", ") || "none"})`;
}

export function invalidBestModeMessage(mode: unknown): string {
  return `History.best: Invalid mode: ${shown(mode)} (expected "min" or "max")`;
}

const HTML_ROWS = 12;

function format(value: number | undefined): string {
  if (value === undefined) return "";
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)
    ? value.toExponential(3)
    : Number(value.toPrecision(4)).toString();
}

export class History {
  name?: string;
  readonly info: RunInfo;
  readonly steps: StepRecord[];
  readonly epochs: EpochRecord[];

  /**
   * A History of the given records (copied), which may be plain numbers or {@link HistoryJSON}'s
   * encoded ones: "Infinity", "-Infinity" and "NaN" read as those numbers and `null` as NaN.
   */
  constructor(init: Partial<HistoryJSON> = {}) {
    this.name = init.name;
    this.info = decodeInfo(init.info);
    this.steps = decodeRecords(init.steps, "steps") as StepRecord[];
    this.epochs = decodeRecords(init.epochs, "epochs") as EpochRecord[];
  }

  /** Reads what `toJSON` wrote (after `JSON.parse`), older files with plain numbers too. */
  static fromJSON(json: HistoryJSON): History {
    return new History(json);
  }

  /**
   * The history as JSON data (a copy): finite numbers as they are, Infinity, -Infinity and NaN as
   * strings, so that `History.fromJSON(JSON.parse(JSON.stringify(history)))` gives them back.
   */
  toJSON(): HistoryJSON {
    return { name: this.name, info: encode(this.info), steps: encode(this.steps), epochs: encode(this.epochs) };
  }

  /** Per-epoch keys that have values (loss, valLoss, accuracy, …). */
  keys(): string[] {
    const keys: string[] = [];
    for (const epoch of this.epochs)
      for (const key of Object.keys(epoch)) if (epoch[key] !== undefined && !keys.includes(key)) keys.push(key);
    return keys;
  }

  /** The last epoch's value of `key` (default "loss"). */
  final(key = "loss"): number {
    const last = this.epochs[this.epochs.length - 1];
    const value = last?.[key];
    if (value === undefined) throw new Error(unknownKeyMessage(key, this.keys()));
    return value;
  }

  /**
   * The best epoch for `key` (default "valLoss" when recorded, else "loss"). Losses are
   * minimised; keys containing "accuracy" are maximised unless `mode` says otherwise.
   */
  best(key?: string, mode?: "min" | "max"): { epoch: number; value: number } {
    const chosen = key ?? (this.epochs.some((e) => e.valLoss !== undefined) ? "valLoss" : "loss");
    if (mode !== undefined && mode !== "min" && mode !== "max") throw new Error(invalidBestModeMessage(mode));
    const direction = mode ?? (/accuracy/i.test(chosen) ? "max" : "min");
    let best: { epoch: number; value: number } | undefined;
    for (const epoch of this.epochs) {
      const value = epoch[chosen];
      if (value === undefined || Number.isNaN(value)) continue;
      if (!best || (direction === "min" ? value < best.value : value > best.value))
        best = { epoch: epoch.epoch, value };
    }
    if (!best) throw new Error(unknownKeyMessage(chosen, this.keys()));
    return best;
  }

  /** One line: name, size, final values, wall time (in `lang`, default the reader's language). */
  summary(lang: Language = language()): string {
    const last = this.epochs[this.epochs.length - 1];
    // Each part is one catalog phrase with its numbers in place ("{}: {} epochs, {} steps").
    const t = (english: string) => translate(english, lang);
    const parts = [
      t(
        `${this.name ?? "History"}: ${this.epochs.length} epoch${this.epochs.length === 1 ? "" : "s"}, ${this.steps.length} step${this.steps.length === 1 ? "" : "s"}`,
      ),
    ];
    if (last) {
      for (const key of this.keys()) {
        if (["epoch", "step", "time", "gradNorm", "weightNorm", "samplesPerSecond", "lr"].includes(key)) continue;
        parts.push(t(`${key} ${format(last[key])}`));
      }
      parts.push(withSeconds(format(last.time), lang));
    }
    if (this.info.stoppedEarly) parts.push(t(`stopped early at epoch ${this.info.stoppedEarly.epoch}`));
    if (this.info.diverged)
      parts.push(t(`diverged at epoch ${this.info.diverged.epoch}, step ${this.info.diverged.step}`));
    return parts.join(" · ");
  }

  private html(lang: Language): string {
    const columns = this.keys().filter((key) => key !== "step" && key !== "samplesPerSecond");
    const rows =
      this.epochs.length <= HTML_ROWS
        ? this.epochs
        : [...this.epochs.slice(0, HTML_ROWS / 2), undefined, ...this.epochs.slice(-HTML_ROWS / 2)];
    const head = columns.map((c) => `<th>${escapeHtml(translate(c, lang))}</th>`).join("");
    const body = rows
      .map((row) =>
        row
          ? `<tr>${columns.map((c) => `<td>${format(row[c])}</td>`).join("")}</tr>`
          : `<tr><td colspan="${columns.length}">…</td></tr>`,
      )
      .join("");
    return `<div class="optimlab-history"><p>${escapeHtml(this.summary(lang))}</p><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const figure = historyFigure?.(this) ?? {};
    const figureHtml = typeof figure["text/html"] === "string" ? figure["text/html"] : "";
    const lang = language();
    return { ...figure, "text/plain": this.summary(lang), "text/html": this.html(lang) + figureHtml };
  }
}
