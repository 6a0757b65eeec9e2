/**
 * Where plotly.js comes from, and the "embed it once per kernel process" rule for notebook HTML.
 *
 * The first figure displayed in a kernel process carries the whole plotly.js bundle in its
 * `text/html` output (so the notebook works offline and in exported HTML); every later figure
 * reuses `window.Plotly`. The state lives on `globalThis` under `Symbol.for` so that two copies of
 * this module (the kernel's and a notebook's `import "optimlab"`) agree.
 */
import * as fs from "node:fs";

/** Package files tried in order: the minified bundle first (4.5 MB instead of 10.8 MB). */
const PLOTLY_CANDIDATES = ["plotly.js-dist-min/plotly.min.js", "plotly.js-dist/plotly.js"] as const;

export const plotlyNotInstalledMessage = (): string =>
  "plotly.js is not installed: optimlab needs the npm package plotly.js-dist-min (or plotly.js-dist). Run `npm install` in the optimlab checkout.";

/** Absolute path of the plotly.js bundle used for embedding and for the site's assets. */
export function plotlyScriptPath(): string {
  for (const candidate of PLOTLY_CANDIDATES) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next package
    }
  }
  throw new Error(plotlyNotInstalledMessage());
}

let cachedSource: string | undefined;

/** The plotly.js bundle's source text (read once). */
export function plotlySource(): string {
  cachedSource ??= fs.readFileSync(plotlyScriptPath(), "utf8");
  return cachedSource;
}

/** Name of the DOM event fired once an embedded plotly.js has defined `window.Plotly`. */
export const PLOTLY_READY_EVENT = "optimlab:plotly-ready";

/**
 * A `<script>` that defines `window.Plotly` from the inlined bundle unless a page already has it.
 * The bundle is a UMD module: in classic Notebook, RequireJS's global `define` would capture it and
 * leave `window.Plotly` undefined, so the bundle runs in a function whose `define`, `module` and
 * `exports` parameters shadow the globals and are undefined, which makes it fall back to `self.Plotly`.
 */
export function inlinePlotlyScript(): string {
  // `</script` cannot appear in the bundle's text node; `<\/` means the same in JS strings and regexes.
  const source = plotlySource().replace(/<\/(script)/gi, "<\\/$1");
  return (
    `<script type="text/javascript">if (typeof window.Plotly === "undefined") {` +
    `(function (define, module, exports) {\n${source}\n}).call(window);` +
    `window.dispatchEvent(new Event(${JSON.stringify(PLOTLY_READY_EVENT)}));}</script>`
  );
}

const EMBEDDED_KEY = Symbol.for("optimlab.plot.plotlyEmbedded");
type EmbeddedHolder = { [EMBEDDED_KEY]?: boolean };

/**
 * True exactly once per process (until {@link reembedPlotly}): the caller must inline plotly.js.
 * Called only when a figure is really displayed, so formatting a figure as text costs nothing.
 */
export function claimPlotlyEmbedding(): boolean {
  const holder = globalThis as EmbeddedHolder;
  if (holder[EMBEDDED_KEY]) return false;
  holder[EMBEDDED_KEY] = true;
  return true;
}

/**
 * Makes the next displayed figure inline plotly.js again. Use it after clearing the output of the
 * notebook's first figure (the one that carried plotly.js), so later figures can draw after a reload.
 */
export function reembedPlotly(): void {
  (globalThis as EmbeddedHolder)[EMBEDDED_KEY] = false;
}
