/**
 * HTML for a figure: a `<div>` plus a small script that draws the figure JSON with `window.Plotly`.
 * Used by the notebook `text/html` fallback, by `Figure.toHTML()` and by the site builder.
 */
import { escapeHtml, jsonForScript } from "../display/escapeHtml";
import type { FigureJSON } from "./figureTypes";
import { PLOTLY_READY_EVENT } from "./plotlySource";
import { htmlDocument } from "./htmlDocument";
import { htmlLanguageTag, language } from "../i18n/language";

/** Default figure height in CSS pixels when the layout sets none. */
export const DEFAULT_FIGURE_HEIGHT = 450;

/** Shown inside the figure's box if plotly.js never arrives (e.g. its output was cleared). */
export const plotlyMissingMessage = (): string =>
  "plotly.js is not loaded on this page (the output that embedded it may have been cleared). Run plot.reembedPlotly() and display the figure again.";

let figureCounter = 0;

/** A page-unique element id for a figure (random part: ids must not clash across kernel restarts). */
export function newFigureId(): string {
  figureCounter += 1;
  return `optimlab-figure-${Date.now().toString(36)}-${figureCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The figure's title text, or "" when it has none. */
export function figureTitle(figure: FigureJSON): string {
  return figure.layout.title?.text ?? "";
}

/**
 * `<div>` + drawing script. The script draws at once when `window.Plotly` exists, else waits for the
 * embedding script's ready event (outputs can render out of order), and says so in the box meanwhile.
 */
export function figureDivHtml(figure: FigureJSON, id: string = newFigureId()): string {
  const height = typeof figure.layout.height === "number" ? figure.layout.height : DEFAULT_FIGURE_HEIGHT;
  const label = figureTitle(figure) || "Plotly figure";
  const payload = jsonForScript({
    data: figure.data,
    layout: figure.layout,
    frames: figure.frames ?? [],
    config: { responsive: true, displaylogo: false, ...(figure.config ?? {}) },
  });
  return (
    `<div id="${escapeHtml(id)}" class="optimlab-figure" role="img" aria-label="${escapeHtml(label)}" style="width:100%;height:${height}px;"></div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var id = ${jsonForScript(id)}, figure = ${payload};\n` +
    `  function draw() { var el = document.getElementById(id); if (el) { el.textContent = ""; window.Plotly.newPlot(el, figure); } }\n` +
    `  if (typeof window.Plotly !== "undefined") { draw(); return; }\n` +
    `  var el = document.getElementById(id); if (el) { el.textContent = ${jsonForScript(plotlyMissingMessage())}; }\n` +
    `  window.addEventListener(${jsonForScript(PLOTLY_READY_EVENT)}, draw, { once: true });\n` +
    `})();</script>`
  );
}

/** Options for a standalone HTML document. */
export interface StandaloneHtmlOptions {
  /**
   * How the page gets plotly.js: `"inline"` (default) embeds the bundle so the file works offline on
   * its own; `{ src }` references a script file instead (e.g. `"assets/plotly.min.js"`).
   */
  plotly?: "inline" | { src: string };
}

/** A complete HTML document showing one figure. */
export function standaloneHtml(figure: FigureJSON, plotlyScript: string, options: StandaloneHtmlOptions = {}): string {
  const plotly = options.plotly ?? "inline";
  const loader = plotly === "inline" ? plotlyScript : `<script src="${escapeHtml(plotly.src)}"></script>`;
  const title = figureTitle(figure) || "optimlab figure";
  return htmlDocument({
    lang: htmlLanguageTag(language()),
    title,
    head: [loader],
    bodyAttributes: 'style="margin:1rem;font-family:sans-serif;"',
    body: figureDivHtml(figure),
  });
}
