/**
 * Builds the offline tutorial site: executes each notebook through its kernel with the runner (or
 * reads its stored outputs), renders one page per notebook plus the index, and copies the assets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { discoverNotebooks, executeNotebook, NotebookError, readNotebook, type Notebook } from "../runner";
import { cellTags } from "../runner/notebook";
import { TAG_RAISES } from "../runner/tags";
import { imageWriter, writeAssets } from "./assets";
import { firstHeading } from "./markdown";
import { indexPage, notebookPage, type PageInfo } from "./page";
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
}

async function runOne(file: string, position: number, options: SiteOptions, progress: Progress): Promise<Loaded> {
  if (options.execute === false) {
    progress.notebook(position, file, "reading stored outputs");
    try {
      const notebook = readNotebook(file);
      return { notebook, problems: storedErrors(notebook) };
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
    return { notebook: result.notebook, problems, seconds: result.seconds };
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

/** Builds the site; never throws for a failing notebook (see `SiteResult.ok`). */
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
    const { notebook, problems, seconds } = await runOne(file, i + 1, options, progress);
    loaded.push({
      file,
      notebook,
      info: {
        slug: pageSlug(file, root),
        source: file,
        title: notebookTitle(notebook, file),
        ok: problems.length === 0,
        problems,
        executed: options.execute !== false,
        seconds,
        codeCells: codeCellCount(notebook),
      },
    });
  }
  loaded.forEach(({ notebook, info }, i) => {
    const html = notebookPage(notebook, info, { previous: loaded[i - 1]?.info, next: loaded[i + 1]?.info }, writeImage);
    fs.writeFileSync(path.join(outDir, `${info.slug}.html`), html);
  });
  const pages = loaded.map((entry) => entry.info);
  fs.writeFileSync(path.join(outDir, "index.html"), indexPage(pages));
  progress.summary(outDir, pages);
  return { outDir, pages, ok: pages.every((page) => page.ok) };
}
