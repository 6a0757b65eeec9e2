/**
 * Training progress: one bar per `fit` that updates in place in a notebook (display id +
 * update), a single rewritten line in a terminal, or one line per epoch when stderr is not a
 * TTY. Updates are throttled (at most 4 per second), and the loss is read only when shown.
 */
import { getDisplaySink, inNotebook } from "../display/protocol";
import { translate } from "../i18n/translate";

/** What the bar shows at one moment. */
export interface ProgressState {
  epoch: number;
  epochs: number;
  /** Step within the epoch, from 1. */
  step: number;
  stepsPerEpoch: number;
  /** Latest minibatch loss, when read. */
  loss?: number;
  /** Examples processed per second so far. */
  samplesPerSecond: number;
  /** Seconds elapsed. */
  elapsed: number;
}

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
}

const BAR_WIDTH = 24;
let displayCounter = 0;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds - 60 * minutes)).padStart(2, "0")}s`;
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

/** The text of the bar, e.g. `epoch 2/10 · step 40/100 · loss 0.4210 · 5,120 samples/s · ETA 12s`. */
export function progressLine(state: ProgressState, name?: string): string {
  const done = fraction(state);
  const eta = done > 0 ? (state.elapsed * (1 - done)) / done : Infinity;
  const filled = Math.round(done * BAR_WIDTH);
  return (
    `${name ? `${translate(name)} ` : ""}[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ` +
    `epoch ${state.epoch}/${state.epochs} · step ${state.step}/${state.stepsPerEpoch} · loss ${formatLoss(state.loss)} · ` +
    `${Math.round(state.samplesPerSecond).toLocaleString("en-US")} samples/s · ${done >= 1 ? `done in ${formatDuration(state.elapsed)}` : `ETA ${formatDuration(eta)}`}`
  );
}

function progressHtml(state: ProgressState, name?: string): string {
  const text = progressLine(state, name).replace(/^.*?\] /, "");
  const percent = (fraction(state) * 100).toFixed(1);
  return (
    `<div class="optimlab-progress" style="font-family:monospace">` +
    `${name ? `<b>${translate(name).replace(/</g, "&lt;")}</b> ` : ""}<progress value="${percent}" max="100" style="width:12em;vertical-align:middle"></progress> ` +
    `${text}</div>`
  );
}

type Mode = "notebook" | "tty" | "lines";

/** One progress display for one `fit`. */
export class Progress {
  private readonly options: ProgressOptions;
  private readonly mode: Mode;
  private readonly now: () => number;
  private readonly interval: number;
  private readonly displayId: string;
  private lastUpdate = -Infinity;
  private shown = false;
  private lastState: ProgressState | undefined;
  /** Updates sent so far (for tests and for the ≤ 4/s guarantee). */
  updates = 0;

  constructor(options: ProgressOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.interval = options.interval ?? 250;
    const stream = options.stream ?? process.stderr;
    this.mode = inNotebook() ? "notebook" : stream.isTTY ? "tty" : "lines";
    this.displayId = `optimlab-fit-${process.pid}-${++displayCounter}`;
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
    if (this.mode === "notebook") {
      const sink = getDisplaySink();
      sink?.display(
        { "text/plain": progressLine(state, this.options.name), "text/html": progressHtml(state, this.options.name) },
        { displayId: this.displayId, update: this.shown, metadata: {} },
      );
      this.shown = true;
    } else {
      (this.options.stream ?? process.stderr).write(`\r${progressLine(state, this.options.name)}\x1b[K`);
    }
  }

  /** End of an epoch: in "lines" mode prints one line, e.g. `epoch 3/10 · loss 0.31 · valLoss 0.35 · 2.1s`. */
  epochEnd(state: ProgressState, values: { [key: string]: number | undefined }): void {
    if (this.mode !== "lines") return this.update(state, true);
    const parts = Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key} ${formatLoss(value)}`);
    const prefix = this.options.name ? `${this.options.name} ` : "";
    (this.options.stream ?? process.stderr).write(
      `${prefix}epoch ${state.epoch}/${state.epochs} · ${parts.join(" · ")} · ${formatDuration(state.elapsed)}\n`,
    );
  }

  /** Final update; ends the terminal line. */
  finish(): void {
    if (this.mode === "lines" || !this.lastState) return;
    this.update(this.lastState, true);
    if (this.mode === "tty") (this.options.stream ?? process.stderr).write("\n");
  }
}
