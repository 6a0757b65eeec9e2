/**
 * HTML templates: one page per notebook (cells in order, prompts, outputs) and the index.
 */
import { escapeHtml } from "../src/plot/escapeHtml";
import type { Cell, Notebook } from "../runner";
import { ASSETS } from "./assets";
import { highlightCode } from "./highlight";
import { renderMarkdown } from "./markdown";
import { renderOutputs } from "./outputs";

/** What the site knows about one notebook. */
export interface PageInfo {
  /** File name of the page, without ".html" (also the prefix of its image files). */
  slug: string;
  /** The notebook's path as given (shown on the page). */
  source: string;
  title: string;
  ok: boolean;
  /** Why the notebook failed: one line per problem ("cell 3: ReferenceError: x is not defined"). */
  problems: string[];
  executed: boolean;
  /** Seconds the execution took (when executed). */
  seconds?: number;
  codeCells: number;
}

export const SITE_TITLE = "optimlab tutorials";

function join(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** The language code cells are written in, from the notebook's metadata. */
export function notebookLanguage(notebook: Notebook): string | undefined {
  const info = notebook.metadata.language_info as { name?: unknown } | undefined;
  const spec = notebook.metadata.kernelspec as { language?: unknown } | undefined;
  const name = info?.name ?? spec?.language;
  return typeof name === "string" ? name : undefined;
}

function layout(title: string, body: string, options: { plotly: boolean }): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="${ASSETS.katexCss}">`,
    `<link rel="stylesheet" href="${ASSETS.texmathCss}">`,
    `<link rel="stylesheet" href="${ASSETS.highlightCss}">`,
    `<link rel="stylesheet" href="${ASSETS.siteCss}">`,
    options.plotly ? `<script src="${ASSETS.plotly}"></script>` : "",
    "</head>",
    "<body>",
    `<header class="site"><a class="brand" href="index.html">${escapeHtml(SITE_TITLE)}</a></header>`,
    body,
    options.plotly ? `<script src="${ASSETS.siteJs}"></script>` : "",
    "</body>",
    "</html>",
    "",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

function errorBanner(info: PageInfo): string {
  if (info.ok) return "";
  const items = info.problems.map((p) => `<li><pre>${escapeHtml(p)}</pre></li>`).join("");
  return `<div class="banner-error" role="alert"><strong>This notebook failed${info.executed ? " when the site was built" : " (stored outputs contain errors)"}.</strong><ul>${items}</ul></div>`;
}

/** Writes the cell's markdown attachments and returns name → URL. */
function attachments(
  cell: Cell,
  prefix: string,
  writeAsset: (name: string, content: Buffer | string) => string,
): { [name: string]: string } {
  const urls: { [name: string]: string } = {};
  if (cell.cell_type !== "markdown" || !cell.attachments) return urls;
  for (const [name, bundle] of Object.entries(cell.attachments)) {
    if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) continue;
    const [mime, data] = Object.entries(bundle)[0] ?? [];
    if (typeof mime !== "string" || (typeof data !== "string" && !Array.isArray(data))) continue;
    const content =
      mime === "image/svg+xml"
        ? join(data as string | string[])
        : Buffer.from(join(data as string | string[]).replace(/\s+/g, ""), "base64");
    urls[name] = writeAsset(`${prefix}-${name.replace(/[^A-Za-z0-9._-]/g, "_")}`, content);
  }
  return urls;
}

/** The page of one notebook. */
export function notebookPage(
  notebook: Notebook,
  info: PageInfo,
  neighbours: { previous?: PageInfo; next?: PageInfo },
  writeAsset: (name: string, content: Buffer | string) => string,
): string {
  const language = notebookLanguage(notebook);
  let figures = 0;
  const cells = notebook.cells.map((cell, index) => {
    const prefix = `${info.slug}-c${index}`;
    const source = join(cell.source);
    if (cell.cell_type === "markdown") {
      return `<section class="cell cell-markdown">${renderMarkdown(source, { attachments: attachments(cell, prefix, writeAsset) })}</section>`;
    }
    if (cell.cell_type !== "code") return `<section class="cell cell-raw"><pre>${escapeHtml(source)}</pre></section>`;
    const outputs = renderOutputs(cell.outputs, { prefix, writeAsset });
    figures += outputs.figures;
    const count = cell.execution_count === null ? " " : String(cell.execution_count);
    return [
      '<section class="cell cell-code">',
      `<div class="input"><div class="prompt">In [${count}]:</div><pre><code class="hljs language-${escapeHtml(language ?? "text")}">${highlightCode(source, language)}</code></pre></div>`,
      outputs.html ? `<div class="outputs">${outputs.html}</div>` : "",
      "</section>",
    ].join("\n");
  });
  const pager = [
    neighbours.previous
      ? `<a rel="prev" href="${escapeHtml(neighbours.previous.slug)}.html">← ${escapeHtml(neighbours.previous.title)}</a>`
      : "<span></span>",
    neighbours.next
      ? `<a rel="next" href="${escapeHtml(neighbours.next.slug)}.html">${escapeHtml(neighbours.next.title)} →</a>`
      : "<span></span>",
  ].join("");
  const body = `<main>\n${errorBanner(info)}\n${cells.join("\n")}\n</main>\n<footer class="pager">${pager}</footer>`;
  return layout(`${info.title} · ${SITE_TITLE}`, body, { plotly: figures > 0 });
}

/** The index page: every notebook, in order, with its status. */
export function indexPage(pages: readonly PageInfo[]): string {
  const items = pages.map((page) => {
    const status = page.ok ? "" : ' <span class="status-failed">failed</span>';
    const timing =
      page.seconds !== undefined
        ? `, executed in ${page.seconds.toFixed(1)} s`
        : page.executed
          ? ""
          : ", stored outputs";
    return `<li><a href="${escapeHtml(page.slug)}.html">${escapeHtml(page.title)}</a>${status}<div class="meta">${escapeHtml(page.source)} · ${page.codeCells} code cells${escapeHtml(timing)}</div></li>`;
  });
  const failed = pages.filter((p) => !p.ok).length;
  const summary =
    failed > 0 ? `<div class="banner-error" role="alert">${failed} of ${pages.length} notebooks failed.</div>` : "";
  return layout(
    SITE_TITLE,
    `<main>\n<h1>${escapeHtml(SITE_TITLE)}</h1>\n${summary}\n<ul class="notebooks">\n${items.join("\n")}\n</ul>\n</main>`,
    { plotly: false },
  );
}
