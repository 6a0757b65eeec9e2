/**
 * `display(value)`: show a value in the running notebook cell, or print it outside a notebook.
 *
 * Inside our kernel the bundle goes to the display sink the kernel installed (which sends
 * `display_data` / `update_display_data` to the cell running now); elsewhere (a script, a test) the
 * `text/plain` form is printed to stdout so the same code works in both places.
 */
import { formatNow } from "./format";
import { getDisplaySink, type DisplayOptions, type MimeBundle } from "./protocol";

/** Returned by `display()`: lets a cell replace what it showed (progress, live plots). */
export interface DisplayHandle {
  /** The id given in `display(value, { displayId })`. */
  readonly displayId: string;
  /** Replaces the output shown under this handle's id with `value` (formatted like `display`). */
  update(value: unknown, options?: Pick<DisplayOptions, "raw" | "metadata">): void;
}

export const updateWithoutIdMessage =
  'display(value, { update: true }) needs the displayId of the output to replace, e.g. { displayId: "progress", update: true }.';

export const rawBundleMessage = (got: unknown): string =>
  `display(bundle, { raw: true }) needs a MIME bundle object like { "text/plain": "…" }; got ${typeof got}`;

function rawBundle(value: unknown): MimeBundle {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(rawBundleMessage(value));
  return value as MimeBundle;
}

function emit(value: unknown, options: DisplayOptions, update: boolean): void {
  const bundle = options.raw ? rawBundle(value) : formatNow(value);
  const sink = getDisplaySink();
  const send = (ready: MimeBundle): void => {
    if (sink) sink.display(ready, { displayId: options.displayId, update, metadata: options.metadata ?? {} });
    else console.log(typeof ready["text/plain"] === "string" ? ready["text/plain"] : JSON.stringify(ready));
  };
  if (!(bundle instanceof Promise)) {
    send(bundle);
    return;
  }
  // An async display method: send when ready; the kernel waits for it before ending the cell.
  const pending = bundle.then(send, (error: unknown) => {
    if (sink?.failed) sink.failed(error);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  });
  sink?.track?.(pending);
}

/**
 * Shows `value` richly: its own `[Symbol.for("Jupyter.display")]()` bundle, a table, an image, or text.
 * Returns a handle only when `displayId` is given (so a cell ending in `display(x)` shows no result,
 * like IPython).
 *
 * @param options.raw treat `value` as a ready MIME bundle
 * @param options.displayId name this output so `handle.update(...)` can replace it later
 * @param options.update replace the output already shown under `displayId` instead of adding one
 */
export function display(value: unknown, options: DisplayOptions & { displayId: string }): DisplayHandle;
export function display(value: unknown, options?: DisplayOptions): DisplayHandle | undefined;
export function display(value: unknown, options: DisplayOptions = {}): DisplayHandle | undefined {
  if (options.update === true && options.displayId === undefined) throw new Error(updateWithoutIdMessage);
  emit(value, options, options.update === true);
  const displayId = options.displayId;
  if (displayId === undefined) return undefined;
  return {
    displayId,
    update(next, updateOptions = {}) {
      emit(next, { ...updateOptions, displayId }, true);
    },
  };
}
