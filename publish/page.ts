/**
 * HTML templates: one page per notebook (cells in order, prompts, outputs, a table of contents of
 * its `##` sections after the title cell) and one index per language. Every page declares its language (`<html lang>`) and carries a language switch that
 * leads to the same notebook in the other language (or to that language's index).
 */
import * as path from "node:path";
import { escapeHtml } from "../src/display/escapeHtml";
import { htmlDocument } from "../src/plot/htmlDocument";
import { htmlLanguageTag, type Language } from "../src/i18n/language";
import type { Cell, Notebook } from "../runner";
import { ASSETS } from "./assets";
import { highlightCode } from "./highlight";
import { pageHeadings, type Heading } from "./headings";
import { renderMarkdown } from "./markdown";
import { renderOutputs } from "./outputs";
import { SITE_TEXT } from "./siteText";

/** What the site knows about one notebook. */
export interface PageInfo {
  /** File name of the page, without ".html". */
  slug: string;
  /** The page's path relative to the site root: "05-weight-decay.html", or "zh/05-weight-decay.html" for a translation. */
  href: string;
  /** The language the notebook is written in. */
  lang: Language;
  /** The same notebook in other languages: language → href (relative to the site root). */
  translations: { [lang: string]: string };
  /** The notebook's path as given (shown on the page). */
  source: string;
  title: string;
  ok: boolean;
  /** Why the notebook failed: one line per problem ("cell 3: ReferenceError: x is not defined"). */
  problems: string[];
  executed: boolean;
  /** Seconds the execution took (when executed). */
  seconds?: number;
  /** The day the execution ended (UTC, YYYY-MM-DD; when executed). */
  executedOn?: string;
  /** Built without executing from a notebook stored without outputs: the page shows code only. */
  noStoredOutputs?: boolean;
  codeCells: number;
}

/** The English site title (kept for callers that name it). */
export const SITE_TITLE = SITE_TEXT.en.siteTitle;

/** Where each language's index lives, relative to the site root. */
export function indexHref(lang: Language): string {
  return lang === "en" ? "index.html" : `${lang}/index.html`;
}

/** The folder (relative to the site root) of a language's pages: "" for English. */
export function languageDir(lang: Language): string {
  return lang === "en" ? "" : lang;
}

/** A link from the page at `from` to `to` (both relative to the site root). */
export function relativeHref(from: string, to: string): string {
  return path.posix.relative(path.posix.dirname(from) || ".", to) || path.posix.basename(to);
}

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

/** Everything the frame of a page needs: where it is, its language and its translations. */
interface Frame {
  href: string;
  lang: Language;
  title: string;
  /** Language → href (site-root relative) of this page in every language the site has. */
  alternates: { [lang: string]: string };
  plotly: boolean;
}

function languageSwitch(frame: Frame): string {
  const languages = Object.keys(frame.alternates) as Language[];
  if (languages.length < 2) return "";
  const items = languages.map((lang) => {
    const tag = htmlLanguageTag(lang);
    const name = escapeHtml(SITE_TEXT[lang].languageName);
    return lang === frame.lang
      ? `<span lang="${tag}" aria-current="true">${name}</span>`
      : `<a href="${escapeHtml(relativeHref(frame.href, frame.alternates[lang]))}" hreflang="${tag}" lang="${tag}">${name}</a>`;
  });
  return `<nav class="language-switch" aria-label="${escapeHtml(SITE_TEXT[frame.lang].switchLabel)}">${items.join("")}</nav>`;
}

function layout(frame: Frame, body: string): string {
  const asset = (file: string): string => escapeHtml(relativeHref(frame.href, file));
  const text = SITE_TEXT[frame.lang];
  const alternates = Object.entries(frame.alternates)
    .filter(([lang]) => lang !== frame.lang)
    .map(
      ([lang, href]) =>
        `<link rel="alternate" hreflang="${htmlLanguageTag(lang as Language)}" href="${escapeHtml(relativeHref(frame.href, href))}">`,
    );
  return htmlDocument({
    lang: htmlLanguageTag(frame.lang),
    title: frame.title,
    head: [
      `<link rel="stylesheet" href="${asset(ASSETS.katexCss)}">`,
      `<link rel="stylesheet" href="${asset(ASSETS.texmathCss)}">`,
      `<link rel="stylesheet" href="${asset(ASSETS.highlightCss)}">`,
      `<link rel="stylesheet" href="${asset(ASSETS.siteCss)}">`,
      ...alternates,
      frame.plotly ? `<script src="${asset(ASSETS.plotly)}"></script>` : "",
    ],
    bodyAttributes: frame.plotly ? `data-plotly-missing="${escapeHtml(text.plotlyMissing)}"` : undefined,
    body: [
      `<header class="site"><a class="brand" href="${asset(indexHref(frame.lang))}">${escapeHtml(text.siteTitle)}</a>${languageSwitch(frame)}</header>`,
      body,
      frame.plotly ? `<script src="${asset(ASSETS.siteJs)}"></script>` : "",
    ]
      .filter((part) => part !== "")
      .join("\n"),
  });
}

/** How this build got the page's outputs: executed in how long and when, or read from the notebook. */
function runInfo(info: PageInfo): string {
  const text = SITE_TEXT[info.lang];
  const line =
    info.seconds !== undefined
      ? text.executedOn(info.seconds.toFixed(1), info.executedOn ?? "")
      : info.executed
        ? ""
        : info.noStoredOutputs
          ? text.noStoredOutputsPage
          : text.storedOutputsPage;
  return line ? `<p class="run-info">${escapeHtml(line)}</p>` : "";
}

function errorBanner(info: PageInfo): string {
  if (info.ok) return "";
  const items = info.problems.map((p) => `<li><pre>${escapeHtml(p)}</pre></li>`).join("");
  return `<div class="banner-error" role="alert"><strong>${escapeHtml(SITE_TEXT[info.lang].notebookFailed(info.executed))}</strong><ul>${items}</ul></div>`;
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

/**
 * The pages of one language by notebook number (the two digits that start a page name, "07" for
 * "07-gradient-clipping"), for links from "notebook 07" in the text; a number two pages share maps to none.
 */
export function notebookNumbers(pages: readonly PageInfo[]): { [number: string]: string } {
  const numbers: { [number: string]: string } = {};
  const shared = new Set<string>();
  for (const page of pages) {
    const number = /^(\d{2})(?!\d)/.exec(page.slug)?.[1];
    if (number === undefined) continue;
    if (number in numbers) shared.add(number);
    numbers[number] = page.href;
  }
  for (const number of shared) delete numbers[number];
  return numbers;
}

/** The page's table of contents: its `##` sections, when it has at least two. */
function tableOfContents(headings: readonly Heading[], lang: Language): string {
  const sections = headings.filter((heading) => heading.level === 2);
  if (sections.length < 2) return "";
  const text = SITE_TEXT[lang];
  const items = sections.map(
    (section) => `<li><a href="#${escapeHtml(section.id)}">${escapeHtml(section.text)}</a></li>`,
  );
  return `<nav class="toc" aria-label="${escapeHtml(text.contents)}"><strong>${escapeHtml(text.contents)}</strong><ul>${items.join("")}</ul></nav>`;
}

/** The language switch targets of a page: itself, its translations, and other languages' indexes. */
function alternatesOf(info: PageInfo, languages: readonly Language[]): { [lang: string]: string } {
  const alternates: { [lang: string]: string } = {};
  for (const lang of languages)
    alternates[lang] = lang === info.lang ? info.href : (info.translations[lang] ?? indexHref(lang));
  return alternates;
}

/**
 * The page of one notebook. `writeAsset` stores a file under the site's assets and returns its URL
 * relative to the site root; `languages` are all the languages the site is built in; `numbers`
 * (from `notebookNumbers`) turns "notebook 07" in markdown into a link to that page.
 */
export function notebookPage(
  notebook: Notebook,
  info: PageInfo,
  neighbours: { previous?: PageInfo; next?: PageInfo },
  writeAsset: (name: string, content: Buffer | string) => string,
  languages: readonly Language[] = [info.lang],
  numbers: { readonly [number: string]: string } = {},
): string {
  const language = notebookLanguage(notebook);
  const notebookLink = (number: string): string | undefined => {
    const to = numbers[number];
    return to === undefined || to === info.href ? undefined : relativeHref(info.href, to);
  };
  const pageAsset = (name: string, content: Buffer | string): string =>
    relativeHref(info.href, writeAsset(name, content));
  const assetPrefix = info.lang === "en" ? info.slug : `${info.lang}-${info.slug}`;
  let figures = 0;
  const headings = pageHeadings(SITE_TEXT[info.lang].sectionLink);
  // The table of contents goes after the cell with the title (the first `#` heading), else first.
  let titleCell = -1;
  const cells = notebook.cells.map((cell, index) => {
    const prefix = `${assetPrefix}-c${index}`;
    const source = join(cell.source);
    if (cell.cell_type === "markdown") {
      const html = renderMarkdown(source, {
        attachments: attachments(cell, prefix, pageAsset),
        headings,
        notebookLink,
      });
      if (titleCell < 0 && headings.headings.some((heading) => heading.level === 1)) titleCell = index;
      return `<section class="cell cell-markdown">${html}</section>`;
    }
    if (cell.cell_type !== "code") return `<section class="cell cell-raw"><pre>${escapeHtml(source)}</pre></section>`;
    const outputs = renderOutputs(cell.outputs, { prefix, writeAsset: pageAsset });
    figures += outputs.figures;
    const count = cell.execution_count === null ? " " : String(cell.execution_count);
    return [
      '<section class="cell cell-code">',
      `<div class="input"><div class="prompt">In [${count}]:</div><pre><code class="hljs language-${escapeHtml(language ?? "text")}">${highlightCode(source, language)}</code></pre></div>`,
      outputs.html ? `<div class="outputs">${outputs.html}</div>` : "",
      "</section>",
    ].join("\n");
  });
  const link = (to: PageInfo, rel: string, text: string): string =>
    `<a rel="${rel}" href="${escapeHtml(relativeHref(info.href, to.href))}">${text}</a>`;
  const pager = [
    neighbours.previous
      ? link(neighbours.previous, "prev", `← ${escapeHtml(neighbours.previous.title)}`)
      : "<span></span>",
    neighbours.next ? link(neighbours.next, "next", `${escapeHtml(neighbours.next.title)} →`) : "<span></span>",
  ].join("");
  const toc = tableOfContents(headings.headings, info.lang);
  if (toc) cells.splice(titleCell + 1, 0, toc);
  const body = `<main>\n${runInfo(info)}\n${errorBanner(info)}\n${cells.join("\n")}\n</main>\n<footer class="pager">${pager}</footer>`;
  const frame: Frame = {
    href: info.href,
    lang: info.lang,
    title: `${info.title} · ${SITE_TEXT[info.lang].siteTitle}`,
    alternates: alternatesOf(info, languages),
    plotly: figures > 0,
  };
  return layout(frame, body);
}

/** The index page of one language: its notebooks, in order, with their status and translations. */
export function indexPage(
  pages: readonly PageInfo[],
  lang: Language = "en",
  languages: readonly Language[] = [lang],
): string {
  const text = SITE_TEXT[lang];
  const href = indexHref(lang);
  const items = pages.map((page) => {
    const status = page.ok ? "" : ` <span class="status-failed">${escapeHtml(text.failed)}</span>`;
    const timing =
      page.seconds !== undefined
        ? text.executedIn(page.seconds.toFixed(1))
        : page.executed
          ? ""
          : page.noStoredOutputs
            ? text.noStoredOutputs
            : text.storedOutputs;
    const translations = Object.entries(page.translations)
      .map(([other, to]) => {
        const tag = htmlLanguageTag(other as Language);
        return ` <a class="translation" href="${escapeHtml(relativeHref(href, to))}" hreflang="${tag}" lang="${tag}">${escapeHtml(SITE_TEXT[other as Language].languageName)}</a>`;
      })
      .join("");
    return `<li><a href="${escapeHtml(relativeHref(href, page.href))}">${escapeHtml(page.title)}</a>${translations}${status}<div class="meta">${escapeHtml(page.source)} · ${escapeHtml(text.codeCells(page.codeCells))}${escapeHtml(timing)}</div></li>`;
  });
  const failed = pages.filter((p) => !p.ok).length;
  const summary =
    failed > 0
      ? `<div class="banner-error" role="alert">${escapeHtml(text.notebooksFailed(failed, pages.length))}</div>`
      : "";
  const alternates: { [lang: string]: string } = {};
  for (const other of languages) alternates[other] = indexHref(other);
  return layout(
    { href, lang, title: text.siteTitle, alternates, plotly: false },
    `<main>\n<h1>${escapeHtml(text.siteTitle)}</h1>\n${summary}\n<ul class="notebooks">\n${items.join("\n")}\n</ul>\n</main>`,
  );
}
