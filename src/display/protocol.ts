/**
 * The display protocol between library objects and whatever shows them (our kernel, or a terminal).
 *
 * Data flows one way: the kernel ← this protocol ← library objects. Objects describe themselves as a
 * MIME bundle through Deno's convention, `[Symbol.for("Jupyter.display")]()`; the kernel installs a
 * sink on `globalThis` that turns bundles into `display_data` / `update_display_data` messages.
 * Everything is keyed by `Symbol.for` so that two copies of this module (one loaded by the kernel,
 * one by a notebook's `import "optimlab"`) still meet.
 */

/** Deno's symbol: an object returning a MIME bundle from this method is shown richly. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** `{ "text/plain": "...", "text/html": "...", "application/vnd.plotly.v1+json": {...} }` */
export type MimeBundle = { [mimeType: string]: unknown };

export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

export interface DisplayOptions {
  /** Treat the argument as a ready MIME bundle instead of formatting it. */
  raw?: boolean;
  /** Give the output an id so it can be updated in place later. */
  displayId?: string;
  /** Replace the output shown under `displayId` instead of adding a new one. */
  update?: boolean;
  metadata?: { [key: string]: unknown };
}

/** What the kernel provides: sends one bundle to the cell that is running now. */
export interface DisplaySink {
  display(
    bundle: MimeBundle,
    options: { displayId?: string; update: boolean; metadata: { [key: string]: unknown } },
  ): void;
  /** Optional: an output still being formatted (async display method); the cell ends after it settles. */
  track?(pending: Promise<unknown>): void;
  /** Optional: an async display method failed; the kernel shows it under the cell (else: console.error). */
  failed?(error: unknown): void;
}

/**
 * A value kept on `globalThis` under `Symbol.for(name)`: the kernel and the notebook may load two
 * copies of the library, and both must see the one sink the kernel installed.
 */
export function globalSlot<T>(name: string): { get(): T | undefined; set(value: T | undefined): void } {
  const key = Symbol.for(name);
  const holder = globalThis as { [key]?: T };
  return { get: () => holder[key], set: (value) => (holder[key] = value) };
}

const displaySink = globalSlot<DisplaySink>("optimlab.displaySink");

export function setDisplaySink(sink: DisplaySink | undefined): void {
  displaySink.set(sink);
}

export function getDisplaySink(): DisplaySink | undefined {
  return displaySink.get();
}

/** True inside a notebook served by our kernel (rich output possible). */
export function inNotebook(): boolean {
  return getDisplaySink() !== undefined;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Partial<Displayable>)[JUPYTER_DISPLAY] === "function"
  );
}
