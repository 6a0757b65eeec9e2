/**
 * Training progress: one bar per `fit` that updates in place in a notebook (display id +
 * update), a single rewritten line in a terminal, or one line per epoch when stderr is not a
 * TTY. Updates are throttled (at most 4 per second), and the loss is read only when shown.
 */
import { escapeHtml } from "../display/escapeHtml";
import { getDisplaySink, inNotebook } from "../display/protocol";
import { language as readerLanguage, type Language } from "../i18n/language";
import { translate } from "../i18n/translate";
import { formatDuration } from "../i18n/units";

/** What the bar shows at one moment. */
export interface ProgressState {
  epoch: number;
  epochs: number;
  /** Step within the epoch, from 1. */
  step: number;
  stepsPerEpoch: number;
  /** Latest minibatch loss, when read. */
  loss?: number;
  /** Examples processed per second so far (left out of the bar when absent or 0: a bar that counts runs). */
  samplesPerSecond?: number;
  /** Seconds elapsed. */
  elapsed: number;
  /**
   * The epoch training stopped at before its budget (early stopping, or a callback's `stop()`): the
   * final bar says so instead of an ETA, so a bar left part full does not read as a run cut off.
   */
  stoppedAt?: number;
  /**
   * Why training ended before its budget with an error (divergence, an interrupt, any other error):
   * the bar's last state says where it stopped and why, with no ETA (`epoch`/`step` are where it stopped).
   */
  stopReason?: StopReason;
}

/** Why a fit ended with an error: its bar's last words. */
export type StopReason = "diverged" | "interrupted" | "error";

export interface ProgressOptions {
  name?: string;
  epochs: number;
  stepsPerEpoch: number;
  /** Milliseconds clock (injectable for tests). */
  now?: () => number;
  /** Where terminal output goes (default process.stderr). */
  stream?: { isTTY?: boolean; write(text: string): unknown };
  /** Minimum milliseconds between two updates (default 250 → ≤ 4 updates/s). */
  interval?: number;
  /** Language of the bar's words (default: the reader's, `i18n.language()`). */
  language?: Language;
}

const BAR_WIDTH = 24;
let displayCounter = 0;

/**
 * The bar's phrases. Each is a whole catalog entry ("epoch {}/{}" → "第 {}/{} 轮"), translated with
 * its numbers in place, so a language orders its own words (no word-by-word assembly).
 */
function phrase(lang: Language, english: string): string {
  return translate(english, lang);
}

function formatLoss(loss: number | undefined): string {
  if (loss === undefined) return "…";
  return Math.abs(loss) >= 1e-3 && Math.abs(loss) < 1e5 ? loss.toFixed(4) : loss.toExponential(3);
}

/** Fraction of all steps done. */
function fraction(state: ProgressState): number {
  const total = state.epochs * state.stepsPerEpoch;
  return total === 0 ? 1 : Math.min(1, ((state.epoch - 1) * state.stepsPerEpoch + state.step) / total);
}

/**
 * The text after the bar, e.g. `epoch 2/10 · step 40/100 · loss 0.4210 · 5,120 samples/s · ETA 12s`.
 * What a bar does not have is left out — the epoch of a one-epoch bar, a loss not read, a rate of
 * 0 — so a `Progress` that counts runs of a sweep reads `step 3/22 · ETA 5.0s`, not
 * `epoch 1/1 · step 3/22 · loss … · 0 samples/s`.
 */
function progressText(state: ProgressState, lang: Language): string {
  if (state.stopReason !== undefined) return stoppedText(state, state.stopReason, lang);
  const done = fraction(state);
  const eta = done > 0 ? (state.elapsed * (1 - done)) / done : Infinity;
  const rate = state.samplesPerSecond ?? 0;
  const finished = done >= 1 || state.stoppedAt !== undefined;
  return [
    state.epochs > 1 ? phrase(lang, `epoch ${state.epoch}/${state.epochs}`) : undefined,
    phrase(lang, `step ${state.step}/${state.stepsPerEpoch}`),
    state.loss === undefined ? undefined : phrase(lang, `loss ${formatLoss(state.loss)}`),
    rate > 0 ? phrase(lang, `${Math.round(rate).toLocaleString("en-US")} samples/s`) : undefined,
    state.stoppedAt === undefined ? undefined : phrase(lang, `stopped early at epoch ${state.stoppedAt}`),
    finished
      ? phrase(lang, `done in ${formatDuration(state.elapsed, lang)}`)
      : phrase(lang, `ETA ${formatDuration(eta, lang)}`),
  ]
    .filter((part) => part !== undefined)
    .join(" · ");
}

/** The last words of a bar whose fit failed: `stopped at epoch 1/20, step 3/8: diverged · loss 644.1377`. */
function stoppedText(state: ProgressState, reason: StopReason, lang: Language): string {
  const rate = state.samplesPerSecond ?? 0;
  return [
    state.epochs > 1
      ? phrase(
          lang,
          `stopped at epoch ${state.epoch}/${state.epochs}, step ${state.step}/${state.stepsPerEpoch}: ${reason}`,
        )
      : phrase(lang, `stopped at step ${state.step}/${state.stepsPerEpoch}: ${reason}`),
    state.loss === undefined ? undefined : phrase(lang, `loss ${formatLoss(state.loss)}`),
    rate > 0 ? phrase(lang, `${Math.round(rate).toLocaleString("en-US")} samples/s`) : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(" · ");
}

/** A line's name in the reader's language and a space, or nothing for an unnamed bar. */
function namePrefix(name: string | undefined, lang: Language): string {
  return name ? `${translate(name, lang)} ` : "";
}

/** The text of the bar, e.g. `sgd [######------] epoch 2/10 · step 40/100 · loss 0.4210 · 5,120 samples/s · ETA 12s`. */
export function progressLine(state: ProgressState, name?: string, lang: Language = readerLanguage()): string {
  const filled = Math.round(fraction(state) * BAR_WIDTH);
  const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
  return `${namePrefix(name, lang)}${bar} ${progressText(state, lang)}`;
}

function progressHtml(state: ProgressState, name: string | undefined, lang: Language): string {
  const percent = (fraction(state) * 100).toFixed(1);
  return (
    `<div class="optimlab-progress" style="font-family:monospace">` +
    `${name ? `<b>${escapeHtml(translate(name, lang))}</b> ` : ""}<progress value="${percent}" max="100" style="width:12em;vertical-align:middle"></progress> ` +
    `${escapeHtml(progressText(state, lang))}</div>`
  );
}

/** One epoch's line when stderr is not a terminal, e.g. `epoch 3/10 · loss 0.3100 · valLoss 0.3500 · 2.1s`. */
export function epochLine(
  state: ProgressState,
  values: { [key: string]: number | undefined },
  name: string | undefined,
  lang: Language = readerLanguage(),
): string {
  const parts = Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => phrase(lang, `${key} ${formatLoss(value)}`));
  return `${namePrefix(name, lang)}${[phrase(lang, `epoch ${state.epoch}/${state.epochs}`), ...parts, formatDuration(state.elapsed, lang)].join(" · ")}`;
}

type Mode = "notebook" | "tty" | "lines";

/** One progress display for one `fit`. */
export class Progress {
  private readonly options: ProgressOptions;
  private readonly mode: Mode;
  private readonly now: () => number;
  private readonly interval: number;
  private readonly displayId: string;
  private readonly lang: Language;
  private lastUpdate = -Infinity;
  private shown = false;
  private lastState: ProgressState | undefined;
  /** The state the display shows now (finish() does not send it again). */
  private shownState: ProgressState | undefined;
  /** Updates sent so far (for tests and for the ≤ 4/s guarantee). */
  updates = 0;

  constructor(options: ProgressOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.interval = options.interval ?? 250;
    const stream = options.stream ?? process.stderr;
    this.mode = inNotebook() ? "notebook" : stream.isTTY ? "tty" : "lines";
    this.displayId = `optimlab-fit-${process.pid}-${++displayCounter}`;
    this.lang = options.language ?? readerLanguage();
  }

  /** True when an update is allowed now (the caller then reads the loss and calls `update`). */
  due(): boolean {
    return this.mode !== "lines" && this.now() - this.lastUpdate >= this.interval;
  }

  /** Shows `state` (call after `due()` said yes, or with `force` for the final state). */
  update(state: ProgressState, force = false): void {
    this.lastState = state;
    if (this.mode === "lines" || (!force && !this.due())) return;
    this.lastUpdate = this.now();
    this.updates++;
    this.shownState = state;
    if (this.mode === "notebook") {
      const sink = getDisplaySink();
      sink?.display(
        {
          "text/plain": progressLine(state, this.options.name, this.lang),
          "text/html": progressHtml(state, this.options.name, this.lang),
        },
        { displayId: this.displayId, update: this.shown, metadata: {} },
      );
      this.shown = true;
    } else {
      (this.options.stream ?? process.stderr).write(`\r${progressLine(state, this.options.name, this.lang)}\x1b[K`);
    }
  }

  /**
   * End of an epoch: in "lines" mode prints one line, e.g. `epoch 3/10 · loss 0.31 · valLoss 0.35 · 2.1s`;
   * elsewhere an update like any other, throttled (hundreds of tiny epochs a second must not flood
   * the front end: `finish()` shows the final state).
   */
  epochEnd(state: ProgressState, values: { [key: string]: number | undefined }): void {
    this.lastState = state;
    if (this.mode !== "lines") return this.update(state);
    (this.options.stream ?? process.stderr).write(`${epochLine(state, values, this.options.name, this.lang)}\n`);
  }

  /**
   * Final update (unless the display shows it already); ends the terminal line. `stoppedAt`: the
   * epoch training stopped at before its budget — the bar then says "stopped early at epoch n"
   * (one more line in "lines" mode) instead of an ETA.
   */
  finish(stoppedAt?: number): void {
    if (!this.lastState) return;
    const last = stoppedAt === undefined ? this.lastState : { ...this.lastState, stoppedAt };
    this.end(last, last !== this.lastState);
  }

  /**
   * Final state of a fit that ended with an error: the bar (or one more line in "lines" mode) says
   * where it stopped and why — `stopped at epoch 1/20, step 3/8: diverged` — instead of the ETA it
   * showed last. `at`: the epoch and step within it where training stopped, and the seconds elapsed.
   */
  stop(reason: StopReason, at: { epoch: number; step: number; elapsed: number }): void {
    const base: ProgressState = this.lastState ?? {
      epoch: at.epoch,
      epochs: this.options.epochs,
      step: at.step,
      stepsPerEpoch: this.options.stepsPerEpoch,
      elapsed: at.elapsed,
    };
    const state: ProgressState = { ...base, epoch: at.epoch, step: at.step, elapsed: at.elapsed, stopReason: reason };
    // The loss and rate shown belong to the step last read; keep them only when that is the step it stopped at.
    if (base.epoch !== at.epoch || base.step !== at.step) delete state.loss;
    this.end(state, true);
  }

  /**
   * Shows the bar's final state and ends the terminal line; `changed`: `state` says more than the last
   * state did (why it stopped), so "lines" mode prints it as one more line and the display shows it
   * even when it is up to date.
   */
  private end(state: ProgressState, changed: boolean): void {
    const stale = this.shownState !== this.lastState;
    this.lastState = state;
    if (this.mode === "lines") {
      if (changed)
        (this.options.stream ?? process.stderr).write(
          `${namePrefix(this.options.name, this.lang)}${progressText(state, this.lang)}\n`,
        );
      return;
    }
    if (changed || stale) this.update(state, true);
    if (this.mode === "tty") (this.options.stream ?? process.stderr).write("\n");
  }
}
