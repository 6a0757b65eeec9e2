/**
 * Builds the offline tutorial site: executes each notebook through its kernel with the runner (or
 * reads its stored outputs), renders one page per notebook plus the index, and copies the assets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { discoverNotebooks, executeNotebook, NotebookError, readNotebook, type Notebook } from "../runner";
import { cellTags, wasExecuted, type CodeCell } from "../runner/notebook";
import { TAG_RAISES } from "../runner/tags";
import { imageWriter, writeAssets } from "./assets";
import { firstHeading } from "./markdown";
import { indexHref, indexPage, languageDir, notebookNumbers, notebookPage, type PageInfo } from "./page";
import { parseLanguage, type Language } from "../src/i18n/language";
import { Progress, type ProgressStream } from "./progress";

export interface SiteOptions {
  /** Notebooks: folders (every *.ipynb inside), files or globs. */
  inputs: readonly string[];
  /** Output folder (created if needed). */
  outDir: string;
  /** Execute the notebooks (default true); false builds from the outputs stored in them. */
  execute?: boolean;
  /** Per-cell timeout in seconds passed to the runner. */
  timeout?: number;
  /** Kernelspec name instead of each notebook's own. */
  kernel?: string;
  /** Where progress goes (default process.stderr). */
  progress?: ProgressStream;
}

export interface SiteResult {
  outDir: string;
  pages: PageInfo[];
  /** True when every notebook ran (or was stored) without errors. */
  ok: boolean;
}

export const siteMessages = {
  storedError: (cell: number, ename: string, evalue: string) => `cell ${cell}: ${ename}: ${evalue}`,
  unreadable: (file: string, reason: string) => `${file}: ${reason}`,
} as const;

/**
 * The warning of a `--no-execute` build that met notebooks stored without outputs: their pages show
 * code only, and the index says so.
 */
export function noStoredOutputsMessage(files: readonly string[]): string {
  const count = files.length === 1 ? "1 notebook has" : `${files.length} notebooks have`;
  return (
    `site: warning: ${count} no stored outputs and --no-execute does not run them, so their pages show code only: ` +
    `${files.join(", ")} (run them first with \`optimlab run\`, or build without --no-execute)`
  );
}

/** Whether a notebook was stored without outputs: it has code cells, and none has an output or an execution count. */
export function lacksStoredOutputs(notebook: Notebook): boolean {
  const code = notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === "code");
  return code.length > 0 && !code.some(wasExecuted);
}

/** File name (without .html) of a notebook's page: its path under the common folder, flattened. */
export function pageSlug(file: string, root: string): string {
  const relative = path.relative(root, file).replace(/\.ipynb$/, "");
  return (
    relative
      .split(path.sep)
      .join("-")
      .replace(/[^A-Za-z0-9._-]/g, "_") || "notebook"
  );
}

/** The folder that holds all `files` (so slugs stay short and unique). */
function commonRoot(files: readonly string[]): string {
  const dirs = files.map((f) => path.resolve(path.dirname(f)).split(path.sep));
  const first = dirs[0] ?? [];
  let length = first.length;
  for (const dir of dirs) {
    let i = 0;
    while (i < length && dir[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(path.sep) || path.sep;
}

/** The notebook's title: its first heading, else its file name. */
function notebookTitle(notebook: Notebook, file: string): string {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = firstHeading(Array.isArray(cell.source) ? cell.source.join("") : cell.source);
    if (heading) return heading;
  }
  return path.basename(file, ".ipynb");
}

/** Errors stored in a notebook's outputs, except in cells tagged raises-exception (expected errors). */
function storedErrors(notebook: Notebook): string[] {
  const problems: string[] = [];
  let number = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    number += 1;
    if (cellTags(cell).some((tag) => tag === TAG_RAISES || tag.startsWith(`${TAG_RAISES}=`))) continue;
    for (const output of cell.outputs)
      if (output.output_type === "error") problems.push(siteMessages.storedError(number, output.ename, output.evalue));
  }
  return problems;
}

function codeCellCount(notebook: Notebook): number {
  return notebook.cells.filter((cell) => cell.cell_type === "code").length;
}

/** An empty notebook, shown for a file that could not even be read. */
function emptyNotebook(): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
}

interface Loaded {
  notebook: Notebook;
  problems: string[];
  seconds?: number;
  /** When the execution ended. */
  executedAt?: Date;
  /** Read with --no-execute from a notebook stored without outputs. */
  noStoredOutputs?: boolean;
}

async function runOne(file: string, position: number, options: SiteOptions, progress: Progress): Promise<Loaded> {
  if (options.execute === false) {
    progress.notebook(position, file, "reading stored outputs");
    try {
      const notebook = readNotebook(file);
      return { notebook, problems: storedErrors(notebook), noStoredOutputs: lacksStoredOutputs(notebook) };
    } catch (error) {
      return { notebook: emptyNotebook(), problems: [(error as Error).message] };
    }
  }
  let codeCells = 0;
  try {
    const result = await executeNotebook(file, {
      timeout: options.timeout,
      kernel: options.kernel,
      onNotebookStart: (info) => {
        codeCells = info.codeCells;
        progress.notebook(position, file, `executing ${info.codeCells} code cells with kernel ${info.kernelName}`);
      },
      onCellStart: (_cell, info) => progress.cellStarted(info.number, codeCells),
      onCellExecuted: (_cell, result) => progress.cellFinished(result, codeCells),
    });
    const problems = result.cells
      .filter((cell) => cell.status === "failed")
      .map((cell) => `cell ${cell.number}: ${cell.failure?.summary ?? "failed"}`);
    if (result.error) problems.unshift(result.error);
    if (!result.ok && problems.length === 0) problems.push("the notebook did not run to the end");
    return { notebook: result.notebook, problems, seconds: result.seconds, executedAt: new Date() };
  } catch (error) {
    if (!(error instanceof NotebookError)) throw error;
    progress.notebook(position, file, `cannot execute: ${error.message}`);
    let notebook = emptyNotebook();
    try {
      notebook = readNotebook(file);
    } catch {
      // unreadable: the page shows the error only
    }
    return { notebook, problems: [error.message] };
  }
}

/** The language a notebook is written in: `metadata.optimlab.language` (set by `optimlab i18n build`), else English. */
export function notebookLanguageTag(notebook: Notebook): Language {
  const setting = (notebook.metadata.optimlab as { language?: unknown } | undefined)?.language;
  return (typeof setting === "string" ? parseLanguage(setting) : undefined) ?? "en";
}

/**
 * Builds the site; never throws for a failing notebook (see `SiteResult.ok`). English notebooks get
 * pages at the root with `index.html`; translated ones (notebooks/zh) get `zh/<same name>.html` and
 * `zh/index.html`, and every page links to the same notebook in the other language.
 */
export async function buildSite(options: SiteOptions): Promise<SiteResult> {
  const files = discoverNotebooks([...options.inputs]);
  const progress = new Progress(options.progress ?? process.stderr, files.length);
  const outDir = options.outDir;
  fs.mkdirSync(outDir, { recursive: true });
  writeAssets(outDir);
  const writeImage = imageWriter(outDir);
  const root = commonRoot(files);

  const loaded: { file: string; info: PageInfo; notebook: Notebook }[] = [];
  for (const [i, file] of files.entries()) {
    const { notebook, problems, seconds, executedAt, noStoredOutputs } = await runOne(file, i + 1, options, progress);
    const lang = notebookLanguageTag(notebook);
    // A translation lives in a folder named after its language; its page keeps the English page's name.
    const slug =
      lang !== "en" && path.basename(path.dirname(file)) === lang
        ? pageSlug(file, path.dirname(file))
        : pageSlug(file, root);
    const dir = languageDir(lang);
    loaded.push({
      file,
      notebook,
      info: {
        slug,
        href: dir ? `${dir}/${slug}.html` : `${slug}.html`,
        lang,
        translations: {},
        source: file,
        title: notebookTitle(notebook, file),
        ok: problems.length === 0,
        problems,
        executed: options.execute !== false,
        seconds,
        executedOn: executedAt?.toISOString().slice(0, 10),
        noStoredOutputs,
        codeCells: codeCellCount(notebook),
      },
    });
  }
  // Pair each notebook with its translations by page name.
  const bySlug = new Map<string, PageInfo[]>();
  for (const { info } of loaded) bySlug.set(info.slug, [...(bySlug.get(info.slug) ?? []), info]);
  for (const group of bySlug.values()) {
    for (const info of group)
      for (const other of group) if (other.lang !== info.lang) info.translations[other.lang] = other.href;
  }
  const languages = [...new Set(loaded.map((entry) => entry.info.lang))].sort((a, b) =>
    a === "en" ? -1 : b === "en" ? 1 : a.localeCompare(b),
  );
  for (const lang of languages) {
    const inLanguage = loaded.filter((entry) => entry.info.lang === lang);
    const numbers = notebookNumbers(inLanguage.map((entry) => entry.info));
    if (languageDir(lang)) fs.mkdirSync(path.join(outDir, languageDir(lang)), { recursive: true });
    inLanguage.forEach(({ notebook, info }, i) => {
      const html = notebookPage(
        notebook,
        info,
        { previous: inLanguage[i - 1]?.info, next: inLanguage[i + 1]?.info },
        writeImage,
        languages,
        numbers,
      );
      fs.writeFileSync(path.join(outDir, info.href), html);
    });
    fs.writeFileSync(
      path.join(outDir, indexHref(lang)),
      indexPage(
        inLanguage.map((entry) => entry.info),
        lang,
        languages,
      ),
    );
  }
  const pages = loaded.map((entry) => entry.info);
  const codeOnly = pages.filter((page) => page.noStoredOutputs).map((page) => page.source);
  if (codeOnly.length > 0) progress.warning(noStoredOutputsMessage(codeOnly));
  progress.summary(outDir, pages);
  return { outDir, pages, ok: pages.every((page) => page.ok) };
}
