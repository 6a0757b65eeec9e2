/**
 * `Output`: a widget that shows cell output (`OutputModel` of `@jupyter-widgets/output` 1.0.0).
 *
 * Two ways in, as in ipywidgets:
 * - `capture(fn)`: while `fn` runs, the widget's `msg_id` is the id of the request being handled (a
 *   cell, or the front end's comm message that ran a callback). The front end then puts every output
 *   of that request (prints, figures, errors) into this widget instead of the cell.
 * - `appendStdout` / `appendDisplayData` / `clear`: edit the `outputs` list directly (works in every
 *   front end that renders widgets, and without any request running).
 */
import { formatNow } from "../display/format";
import type { MimeBundle } from "../display/protocol";
import { getCommSink, type CommJson } from "./commProtocol";
import { domState, OUTPUT_MODULE, Widget, type DOMWidgetOptions } from "./widget";

export class Output extends Widget {
  constructor(options: DOMWidgetOptions = {}) {
    super(
      { model: "OutputModel", module: OUTPUT_MODULE, view: "OutputView" },
      { ...domState(options), msg_id: "", outputs: [] },
    );
  }

  /** The outputs shown now (nbformat output dicts). */
  get outputs(): readonly CommJson[] {
    return this.get<CommJson[]>("outputs");
  }

  /**
   * Runs `fn` with this widget capturing the current request's output; returns what `fn` returns.
   * Captures nest like ipywidgets' `with out:` (the previous capture is restored after).
   *
   * In a kernel, an exception from `fn` (or its promise's rejection) is shown inside this widget and not
   * thrown again, as ipywidgets' `Output.__exit__` shows the traceback while `msg_id` is still set: the
   * "debug a callback with an Output" recipe. `capture` then returns undefined. Outside a kernel it is thrown.
   */
  capture<T>(fn: () => Promise<T>): Promise<T | undefined>;
  capture<T>(fn: () => T): T | undefined;
  capture<T>(fn: () => T): T | Promise<unknown> | undefined {
    const sink = getCommSink();
    const previous = this.get<string>("msg_id");
    this.set({ msg_id: sink?.currentMessageId() ?? "" });
    const fail = (error: unknown): undefined => {
      try {
        if (!sink) throw error;
        process.stderr.write(`${error instanceof Error ? (error.stack ?? String(error)) : String(error)}\n`);
      } finally {
        this.set({ msg_id: previous });
      }
      return undefined;
    };
    let result: T;
    try {
      result = fn();
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          this.set({ msg_id: previous });
          return value;
        },
        (error: unknown) => fail(error),
      );
    }
    this.set({ msg_id: previous });
    return result;
  }

  appendStdout(text: string): void {
    this.set({ outputs: [...this.outputs, { output_type: "stream", name: "stdout", text }] });
  }

  appendStderr(text: string): void {
    this.set({ outputs: [...this.outputs, { output_type: "stream", name: "stderr", text }] });
  }

  /** Appends `value` formatted like `display(value)` (a figure, a table, HTML). */
  async appendDisplayData(value: unknown): Promise<void> {
    const bundle: MimeBundle = await formatNow(value);
    this.set({ outputs: [...this.outputs, { output_type: "display_data", data: bundle as CommJson, metadata: {} }] });
  }

  /** Replaces everything shown by `value` (one state update: no flicker). */
  async show(value: unknown): Promise<void> {
    const bundle: MimeBundle = await formatNow(value);
    this.set({ outputs: [{ output_type: "display_data", data: bundle as CommJson, metadata: {} }] });
  }

  /** Replaces the outputs with these nbformat output dicts (one state update). */
  setOutputs(outputs: readonly CommJson[]): void {
    this.set({ outputs: [...outputs] });
  }

  clear(): void {
    this.set({ outputs: [] });
  }
}
