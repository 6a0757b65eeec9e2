/**
 * `interact(fn, controls)`: controls above a live output; moving a control re-runs `fn` with every
 * control's value and replaces the output (a figure, a table, text) in place.
 *
 * - Runs go through a `RunScheduler`: a burst of moves becomes one run, a run still going when the
 *   control moves again is aborted (`context.signal`) and its result dropped.
 * - The output lives in an `Output` widget whose `outputs` the kernel sets: one state update per run,
 *   no flicker, and it works whether or not a cell is running.
 * - An exception in `fn` is shown in the output (name, message, stack); the controls stay alive. So is
 *   one while precomputing the `static` fallback: the display is still made, without that fallback.
 * - `fn` runs inside the output, as in ipywidgets (`with out:`): what it prints goes there (the first print
 *   of a run replaces the last run's output), then its result; `undefined` shows nothing.
 * - An async `fn` shows "computing…" in a status line while it runs; `context.progress(fraction)`
 *   shows how far it got.
 * - Front ends without widgets (the site built by `npm start`, nbconvert, a front end without
 *   ipywidgets) get the same display's other MIME types: with `static: { name: values }` a Plotly
 *   figure whose slider steps through `fn` precomputed at those values (offline, no kernel);
 *   otherwise the first result.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import { formatNow } from "../display/format";
import { Figure } from "../plot/figure";
import { slider } from "../plot/slider";
import { inlinePlotlyScript } from "../plot/plotlySource";
import { captureScope, keepRequestOpen, type CommJson } from "./commProtocol";
import { HTML } from "./controls";
import { HBox, VBox } from "./boxes";
import { Output } from "./output";
import { appendStream, capturePrints } from "./printCapture";
import { RunScheduler, type RunContext } from "./runScheduler";
import { noWidgetsHelpMessage, WIDGET_VIEW_MIME, type Widget } from "./widget";

/** A widget `interact` can read a value from. */
export type ValueControl = Widget & { value: unknown };
export type Controls = { [name: string]: ValueControl };
/** `{ alpha: number, optimizer: string, … }` for `{ alpha: FloatSlider, optimizer: Dropdown<string>, … }`. */
export type ValuesOf<C extends Controls> = { [K in keyof C]: C[K]["value"] };

export interface InteractContext extends RunContext {
  /** Shows how far a long run got (0…1), with an optional note. */
  progress(fraction: number, note?: string): void;
}

export interface InteractOptions<C extends Controls> {
  /**
   * The offline fallback: one control's name and the values to precompute (numbers), e.g.
   * `{ beta: [0, 0.5, 0.9, 0.99] }`. `fn` must return a `plot.Figure` for them; the other controls
   * keep their initial values. Shown by front ends without widgets, and on the site.
   */
  static?: { [K in keyof C]?: readonly number[] };
  /** Controls in a row (default) or a column. */
  controlsLayout?: "row" | "column";
}

export const staticNeedsOneMessage = (): string =>
  "interact: `static` takes exactly one control name, e.g. { static: { beta: [0, 0.5, 0.9] } }.";
export const staticUnknownMessage = (name: string, names: readonly string[]): string =>
  `interact: static control "${name}" is not one of the controls (${names.join(", ")}).`;
export const staticNotFigureMessage = (name: string, value: number): string =>
  `interact: for the static fallback, fn must return a plot.Figure; at ${name} = ${value} it returned something else.`;
export const staticFnThrewMessage = (name: string, value: number): string =>
  `interact: fn threw at ${name} = ${value} while precomputing the static fallback, so there is none (the error follows); fix fn or leave ${value} out of static.`;

/** The static fallback could not be built: why (the `fn` error as thrown), and where, when `fn` threw. */
interface StaticFailure {
  error: unknown;
  /** Set when `fn` threw (or rejected) at a static value; a wrong result type says where itself. */
  note?: string;
}

/** Outputs of widget Output areas load plotly.js once per kernel (cells' figures may not have run in this page). */
const PLOTLY_IN_WIDGETS = Symbol.for("optimlab.widgets.plotlyEmbedded");
type PlotlyHolder = { [PLOTLY_IN_WIDGETS]?: boolean };

/** `Error: message`, the first line of a traceback. */
function errorText(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.name}: ${e.message}`;
}

function errorOutput(error: unknown): CommJson {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    output_type: "error",
    ename: e.name,
    evalue: e.message,
    traceback: String(e.stack ?? e.message).split("\n"),
  };
}

export class Interactive<C extends Controls, R> implements Displayable {
  readonly output: Output;
  readonly status: HTML;
  readonly box: VBox;
  private readonly scheduler: RunScheduler<ValuesOf<C>, R>;
  private latest: { result?: R; error?: unknown } = {};
  /** What the newest run printed (nbformat stream outputs), shown before its result. */
  private printed: CommJson[] = [];
  /** The last result formatted as `display` does (the fallback of front ends without widgets). */
  private latestBundle: MimeBundle | undefined;
  /** Runs code in the scope of the request behind the newest run (its output and messages belong there). */
  private inRequestScope: <T>(fn: () => T) => T = (fn) => fn();

  constructor(
    private readonly fn: (values: ValuesOf<C>, context: InteractContext) => R | Promise<R>,
    readonly controls: C,
    private readonly options: InteractOptions<C> = {},
  ) {
    this.checkStatic();
    this.status = new HTML({ value: "" });
    this.output = new Output();
    const row = Object.values(controls);
    const controlBox =
      options.controlsLayout === "column" ? new VBox(row) : new HBox(row, { layout: { flexFlow: "row wrap" } });
    this.box = new VBox([controlBox, this.status, this.output]);
    this.scheduler = new RunScheduler<ValuesOf<C>, R>(
      (values, context) => this.call(values, context),
      (result) => this.show(result),
      (error) => this.showError(error),
    );
    for (const control of row) control.observe(() => this.request());
  }

  /** Every control's current value. */
  values(): ValuesOf<C> {
    const values = {} as ValuesOf<C>;
    for (const name of Object.keys(this.controls) as Array<keyof C>) values[name] = this.controls[name].value;
    return values;
  }

  /** The last result shown (undefined before the first run or after an error). */
  get result(): R | undefined {
    return this.latest.result;
  }

  /** The last run's exception, if it threw. */
  get error(): unknown {
    return this.latest.error;
  }

  /** Runs `fn` now with the current values and shows the result; resolves when shown. */
  async refresh(): Promise<R | undefined> {
    this.request();
    await this.scheduler.idle();
    return this.latest.result;
  }

  /** Resolves when no run is running or waiting (tests, benchmarks). */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Runs, starts and deliveries so far: shows the coalescing at work. */
  get runCounts(): { readonly requested: number; readonly started: number; readonly delivered: number } {
    return this.scheduler.counts;
  }

  /** The widgets, plus the static fallback (or the first result) for front ends without widgets. */
  async [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    const precomputed = await this.staticBundle();
    // One run (as ipywidgets' interactive calls update() once): it fills the Output and, without
    // `static`, is the fallback too.
    await this.refresh();
    if (precomputed && "failure" in precomputed) this.showStaticFailure(precomputed.failure);
    const fallback =
      precomputed === undefined
        ? this.firstResultBundle()
        : "failure" in precomputed
          ? { "text/plain": staticFailureText(precomputed.failure) }
          : precomputed.bundle;
    const text = typeof fallback["text/plain"] === "string" ? `${fallback["text/plain"]}\n` : "";
    return {
      ...fallback,
      [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.box.modelId },
      "text/plain": `${text}interact(${Object.keys(this.controls).join(", ")})\n${noWidgetsHelpMessage()}`,
    };
  }

  // ------------------------------------------------------------------------------------------------

  private request(): void {
    this.inRequestScope = captureScope();
    this.scheduler.request(this.values());
    // The move's request stays open while runs go on: what `fn` prints after an await reaches the front end.
    keepRequestOpen(this.scheduler.idle());
  }

  private call(values: ValuesOf<C>, run: RunContext): R | Promise<R> {
    return this.inRequestScope(() => this.callNow(values, run));
  }

  private callNow(values: ValuesOf<C>, run: RunContext): R | Promise<R> {
    const context: InteractContext = {
      signal: run.signal,
      progress: (fraction, note) => {
        if (run.signal.aborted) return;
        const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
        this.inRequestScope(() => {
          this.status.value = `<progress max="100" value="${percent}"></progress> ${percent}%${note ? ` · ${note}` : ""}`;
        });
      },
    };
    // What fn prints goes into the Output, as in ipywidgets (`with self.out:`): the first print replaces
    // the last run's output (clear_output(wait=True)), the result comes after the prints.
    const printed: CommJson[] = [];
    this.printed = printed;
    let finished = false;
    let flushing = false;
    const stop = capturePrints((name, text) => {
      if (finished || run.signal.aborted) return false;
      appendStream(printed, name, text);
      if (!flushing) {
        flushing = true;
        setImmediate(() => {
          flushing = false;
          if (!finished && !run.signal.aborted) this.output.setOutputs(printed);
        });
      }
      return true;
    });
    const end = (): void => {
      finished = true;
      stop();
    };
    // An interrupt that terminated fn's busy loop never returns here: the abort ends the capture.
    run.signal.addEventListener("abort", end, { once: true });
    let result: R | Promise<R>;
    try {
      result = this.fn(values, context);
    } catch (error) {
      end();
      throw error;
    }
    if (result instanceof Promise) {
      if (this.status.value === "") this.status.value = "computing…";
      return result.finally(end);
    }
    end();
    return result;
  }

  private async show(result: R): Promise<void> {
    this.latest = { result };
    const printed = this.printed;
    if (result === undefined) {
      // Nothing to show for a function that returns nothing (ipywidgets skips None), only its prints.
      this.latestBundle = undefined;
      this.inRequestScope(() => {
        if (this.status.value !== "") this.status.value = "";
        this.output.setOutputs(printed);
      });
      return;
    }
    const bundle = { ...(await formatNow(result)) };
    this.latestBundle = { ...bundle };
    const holder = globalThis as PlotlyHolder;
    if (
      typeof bundle["text/html"] === "string" &&
      bundle["text/html"].includes("optimlab-figure") &&
      !holder[PLOTLY_IN_WIDGETS]
    ) {
      holder[PLOTLY_IN_WIDGETS] = true;
      if (!bundle["text/html"].includes('window.Plotly === "undefined") {(function'))
        bundle["text/html"] = `${inlinePlotlyScript()}\n${bundle["text/html"]}`;
    }
    this.inRequestScope(() => {
      if (this.status.value !== "") this.status.value = "";
      this.output.setOutputs([...printed, { output_type: "display_data", data: bundle as CommJson, metadata: {} }]);
    });
  }

  private showError(error: unknown): void {
    this.latest = { error };
    this.latestBundle = undefined;
    this.inRequestScope(() => {
      if (this.status.value !== "") this.status.value = "";
      this.output.setOutputs([...this.printed, errorOutput(error)]);
    });
  }

  /**
   * Puts a static fallback's failure before the first run's output, as ipywidgets shows a traceback inside
   * `with out:`: the note, then the error itself (name, message, stack), then what the run showed.
   */
  private showStaticFailure(failure: StaticFailure): void {
    const shown: CommJson[] = failure.note
      ? [{ output_type: "stream", name: "stderr", text: `${failure.note}\n` }]
      : [];
    this.inRequestScope(() => this.output.setOutputs([...shown, errorOutput(failure.error), ...this.output.outputs]));
  }

  private checkStatic(): void {
    const names = Object.keys(this.options.static ?? {});
    if (names.length === 0) return;
    if (names.length !== 1) throw new Error(staticNeedsOneMessage());
    if (!(names[0] in this.controls)) throw new Error(staticUnknownMessage(names[0], Object.keys(this.controls)));
  }

  /** Without `static`: the run's result as a plain MIME bundle (its error as text; nothing for `undefined`). */
  private firstResultBundle(): MimeBundle {
    if (this.latest.error !== undefined) return { "text/plain": errorText(this.latest.error) };
    const bundle = { ...(this.latestBundle ?? {}) };
    delete bundle[WIDGET_VIEW_MIME];
    return bundle;
  }

  /**
   * Precomputes the static slider as a plain MIME bundle; undefined without `static`. An `fn` that throws
   * (or returns no figure) at one of the values gives the failure instead: the live widget is still shown.
   * An interrupt is not such a failure: it stops the display, as before the first run.
   */
  private async staticBundle(): Promise<{ bundle: MimeBundle } | { failure: StaticFailure } | undefined> {
    const entries = Object.entries(this.options.static ?? {}) as Array<[string, readonly number[]]>;
    if (entries.length === 0) return undefined;
    const [name, values] = entries[0];
    const base = this.values();
    const figures = new Map<number, Figure>();
    for (const value of values) {
      let result: R;
      try {
        result = await this.fn(
          { ...base, [name]: value },
          { signal: new AbortController().signal, progress: () => undefined },
        );
      } catch (error) {
        // The kernel's stop button (train.fit's KeyboardInterrupt): the display stops, no live run follows.
        if (error instanceof Error && error.name === "KeyboardInterrupt") throw error;
        return { failure: { error, note: staticFnThrewMessage(name, value) } };
      }
      if (!(result instanceof Figure))
        return { failure: { error: new TypeError(staticNotFigureMessage(name, value)) } };
      figures.set(value, result);
    }
    const current = base[name];
    const label = String((this.controls[name] as unknown as { description?: string }).description || name);
    const figure = slider(values, (value) => figures.get(value) as Figure, {
      label,
      initial: typeof current === "number" && values.includes(current) ? current : undefined,
    });
    return { bundle: figure[JUPYTER_DISPLAY]() };
  }
}

/** A static fallback's failure as text, for front ends without widgets: the note, then `Error: message`. */
function staticFailureText(failure: StaticFailure): string {
  return failure.note ? `${failure.note}\n${errorText(failure.error)}` : errorText(failure.error);
}

/**
 * Shows `controls` above the output of `fn(values)`, re-run whenever a control moves. End a cell with
 * it (or `display` it).
 *
 * @example
 * widgets.interact(({ lr }) => plot.lossCurves(runWith(lr)), { lr: new widgets.FloatLogSlider({ value: 1e-2, min: -4, max: 0 }) })
 */
export function interact<C extends Controls, R>(
  fn: (values: ValuesOf<C>, context: InteractContext) => R | Promise<R>,
  controls: C,
  options: InteractOptions<C> = {},
): Interactive<C, R> {
  return new Interactive(fn, controls, options);
}
