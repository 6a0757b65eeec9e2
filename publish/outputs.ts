/**
 * Cell outputs → HTML for a site page. Picks the richest MIME type a static page can show, in the
 * order JupyterLab would with the Plotly extension installed: Plotly JSON (drawn by the site's
 * plotly.js), HTML (trusted, as in a trusted notebook), SVG, PNG, JPEG, Markdown, LaTeX, JSON, text.
 */
import { escapeHtml, jsonForScript } from "../src/display/escapeHtml";
import type { Output } from "../runner";
import { PLOTLY_MIME_TYPE } from "../src/plot/figure";
import { ansiToHtml } from "./ansi";
import { renderLatex, renderMarkdown } from "./markdown";

/** Jupyter's Plotly MIME type (defined once, by the figures that carry it). */
export const PLOTLY_MIME = PLOTLY_MIME_TYPE;

/** MIME types the site renders, richest first. */
export const MIME_PRIORITY = [
  PLOTLY_MIME,
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/markdown",
  "text/latex",
  "application/json",
  "text/plain",
] as const;

const IMAGE_EXTENSIONS: { [mime: string]: string } = {
  "image/svg+xml": "svg",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
};

/** What rendering needs from the page being built. */
export interface OutputContext {
  /** Writes a file under the site's assets and returns its URL relative to the page. */
  writeAsset(name: string, content: Buffer | string): string;
  /** Unique name prefix for this cell's files and element ids, e.g. "03-momentum-c7". */
  prefix: string;
}

/** Result of rendering one cell's outputs: the HTML and whether a Plotly figure is among them. */
export interface RenderedOutputs {
  html: string;
  figures: number;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function dimension(metadata: unknown, mime: string, key: "width" | "height"): string {
  if (typeof metadata !== "object" || metadata === null) return "";
  const forMime = (metadata as { [k: string]: unknown })[mime];
  const value =
    typeof forMime === "object" && forMime !== null ? (forMime as { [k: string]: unknown })[key] : undefined;
  return typeof value === "number" ? ` ${key}="${value}"` : "";
}

/** One rich (display_data / execute_result) output. */
function renderRich(
  data: { [mime: string]: unknown },
  metadata: unknown,
  context: OutputContext,
  index: number,
): RenderedOutputs {
  const mime = MIME_PRIORITY.find((m) => data[m] !== undefined);
  const id = `${context.prefix}-o${index}`;
  switch (mime) {
    case PLOTLY_MIME:
      // The figure JSON travels in a data block; assets/site.js draws every block with plotly.js.
      return {
        html: `<div class="plotly-figure" id="${escapeHtml(id)}"></div>\n<script type="application/json" class="plotly-data" data-target="${escapeHtml(id)}">${jsonForScript(data[mime])}</script>`,
        figures: 1,
      };
    case "text/html":
      return { html: `<div class="output-html">${text(data[mime])}</div>`, figures: 0 };
    case "image/svg+xml":
    case "image/png":
    case "image/jpeg":
    case "image/gif": {
      const raw = text(data[mime]);
      const content = mime === "image/svg+xml" ? raw : Buffer.from(raw.replace(/\s+/g, ""), "base64");
      const url = context.writeAsset(`${id}.${IMAGE_EXTENSIONS[mime]}`, content);
      const alt =
        typeof data["text/plain"] === "string" || Array.isArray(data["text/plain"])
          ? text(data["text/plain"])
          : "cell output image";
      return {
        html: `<img class="output-image" src="${escapeHtml(url)}" alt="${escapeHtml(alt)}"${dimension(metadata, mime, "width")}${dimension(metadata, mime, "height")}>`,
        figures: 0,
      };
    }
    case "text/markdown":
      return { html: `<div class="output-markdown">${renderMarkdown(text(data[mime]))}</div>`, figures: 0 };
    case "text/latex":
      return { html: `<div class="output-latex">${renderLatex(text(data[mime]))}</div>`, figures: 0 };
    case "application/json":
      return { html: `<pre class="output-text">${escapeHtml(JSON.stringify(data[mime], null, 2))}</pre>`, figures: 0 };
    case "text/plain":
      return { html: `<pre class="output-text">${ansiToHtml(text(data[mime]))}</pre>`, figures: 0 };
    default:
      return {
        html: `<pre class="output-text output-unknown">(output of type ${escapeHtml(Object.keys(data).join(", ") || "none")} cannot be shown on a static page)</pre>`,
        figures: 0,
      };
  }
}

/**
 * All outputs of a cell. Consecutive stream outputs of the same name are joined first (as Jupyter
 * shows them), so a carriage return in one chunk can overwrite text from the previous one.
 */
export function renderOutputs(outputs: readonly Output[], context: OutputContext): RenderedOutputs {
  const parts: string[] = [];
  let figures = 0;
  const merged: Output[] = [];
  for (const output of outputs) {
    const previous = merged[merged.length - 1];
    if (output.output_type === "stream" && previous?.output_type === "stream" && previous.name === output.name) {
      merged[merged.length - 1] = { ...previous, text: text(previous.text) + text(output.text) };
    } else {
      merged.push(output);
    }
  }
  merged.forEach((output, index) => {
    switch (output.output_type) {
      case "stream":
        parts.push(`<pre class="output-stream output-${output.name}">${ansiToHtml(text(output.text))}</pre>`);
        break;
      case "error": {
        const traceback =
          output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
        parts.push(`<pre class="output-error">${ansiToHtml(traceback)}</pre>`);
        break;
      }
      case "display_data":
      case "execute_result": {
        const rendered = renderRich(output.data, output.metadata, context, index);
        figures += rendered.figures;
        const prompt =
          output.output_type === "execute_result" && output.execution_count !== null
            ? `Out[${output.execution_count}]:`
            : "";
        parts.push(
          `<div class="output-rich"><div class="prompt">${prompt}</div><div class="output-body">${rendered.html}</div></div>`,
        );
        break;
      }
    }
  });
  return { html: parts.join("\n"), figures };
}
