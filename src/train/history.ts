/**
 * What `fit` returns: plain per-step and per-epoch records plus a few helpers. Serialises to
 * JSON and shows itself in notebooks as a summary table.
 */
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/protocol";
import type { EpochRecord, StepRecord } from "./records";
import { escapeHtml } from "../display/escapeHtml";
import { language, type Language } from "../i18n/language";
import { translate } from "../i18n/translate";
import { withSeconds } from "../i18n/units";

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
}

export interface HistoryJSON {
  name?: string;
  info: RunInfo;
  steps: StepRecord[];
  epochs: EpochRecord[];
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

  constructor(init: Partial<HistoryJSON> = {}) {
    this.name = init.name;
    this.info = init.info ?? {};
    this.steps = init.steps ?? [];
    this.epochs = init.epochs ?? [];
  }

  static fromJSON(json: HistoryJSON): History {
    return new History(json);
  }

  toJSON(): HistoryJSON {
    return { name: this.name, info: this.info, steps: this.steps, epochs: this.epochs };
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
