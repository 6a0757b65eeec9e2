/**
 * Many notebooks: a pool of `jobs` kernels at once, bad input reported per file (never thrown), and
 * executed notebooks written atomically to an output folder or in place.
 */
import * as path from "node:path";
import { realPath } from "./discover";
import { executeNotebook, type ExecuteOptions, type NotebookResult } from "./execute";
import { NotebookError, writeNotebook } from "./notebook";
import type { RunEntry } from "./report";

export interface BatchOptions extends ExecuteOptions {
  /** Notebooks executed at the same time, each on its own kernel (default 1). */
  jobs?: number;
  /** Write executed notebooks here, keeping their path relative to `baseDir`. */
  outputDir?: string;
  /** Folder that output paths are relative to (default the current directory). */
  baseDir?: string;
  /** Overwrite the input notebooks with the executed ones. */
  inplace?: boolean;
  /** Called as each notebook finishes (in completion order). */
  onNotebookDone?: (entry: RunEntry, writtenTo?: string) => void;
}

export const batchMessages = {
  notWritten: (target: string, reason: string) =>
    `executed, but the notebook could not be written to ${target} (${reason})`,
} as const;

/** Where an executed notebook goes: `outputDir/<path relative to baseDir>` (basename when outside). */
export function outputPath(file: string, outputDir: string, baseDir = process.cwd()): string {
  const relative = path.relative(baseDir, path.resolve(file));
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return path.join(outputDir, inside ? relative : path.basename(file));
}

/** Inputs that would be written to the same output file, and that file. */
export interface OutputCollision {
  target: string;
  files: string[];
}

/** Groups of `files` whose `outputPath` is the same file (in order of first appearance). */
export function outputCollisions(files: string[], outputDir: string, baseDir = process.cwd()): OutputCollision[] {
  const byTarget = new Map<string, string[]>();
  for (const file of files) {
    const target = outputPath(file, outputDir, baseDir);
    byTarget.set(path.resolve(target), [...(byTarget.get(path.resolve(target)) ?? []), file]);
  }
  return [...byTarget.entries()]
    .filter(([, group]) => group.length > 1)
    .map(([, group]) => ({ target: outputPath(group[0], outputDir, baseDir), files: group }));
}

/** An input notebook that `outputPath` would overwrite with another input's executed copy. */
export interface OutputOverwrite {
  file: string;
  target: string;
}

/** Inputs whose output file is one of the inputs (compared by real path: links and `./` count). */
export function outputOverwrites(files: string[], outputDir: string, baseDir = process.cwd()): OutputOverwrite[] {
  const inputs = new Set(files.map(realPath));
  return files
    .map((file) => ({ file, target: outputPath(file, outputDir, baseDir) }))
    .filter(({ target }) => inputs.has(realPath(target)));
}

export const outputOverwriteMessage = (overwrites: OutputOverwrite[]): string =>
  [
    ...overwrites.map(
      ({ file, target }) => `--output-dir: ${file} would be written to ${target}, which is one of the notebooks to run`,
    ),
    "Choose an --output-dir that holds none of the input notebooks. Nothing was run.",
  ].join("\n");

export const outputCollisionMessage = (collisions: OutputCollision[]): string =>
  [
    ...collisions.map(
      (collision) =>
        `--output-dir: ${collision.files.join(", ")} would all be written to ${collision.target} (a notebook outside ` +
        `the current folder keeps only its file name)`,
    ),
    "Run from a folder that contains these notebooks, so their relative paths differ, or run them separately " +
      "with different --output-dir folders. Nothing was run.",
  ].join("\n");

/**
 * Executes every file; the result list follows the order of `files`. When `onNotebookDone` throws,
 * no further notebook starts, the running ones end (their kernels stopped as usual, no more hooks),
 * and the promise rejects with that first error: nothing is left running behind a rejection.
 */
export async function runNotebooks(files: string[], options: BatchOptions = {}): Promise<RunEntry[]> {
  const entries: RunEntry[] = new Array<RunEntry>(files.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < files.length) {
      const position = next++;
      const file = files[position];
      const { entry, writtenTo } = await runOne(file, options);
      entries[position] = entry;
      if (failure !== undefined) return; // another worker's hook failed while this notebook ran
      try {
        options.onNotebookDone?.(entry, writtenTo);
      } catch (error) {
        failure = { error };
      }
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, files.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  if (failure !== undefined) throw failure.error;
  return entries;
}

/** One notebook: executed, then written where asked; its failures become its entry, never a throw. */
async function runOne(file: string, options: BatchOptions): Promise<{ entry: RunEntry; writtenTo?: string }> {
  try {
    const result: NotebookResult = await executeNotebook(file, options);
    // A notebook whose kernel never started has nothing new to save.
    if (result.error || !(options.inplace || options.outputDir)) return { entry: result };
    const target = options.inplace ? file : outputPath(file, options.outputDir as string, options.baseDir);
    try {
      writeNotebook(target, result.notebook);
      return { entry: result, writtenTo: target };
    } catch (error) {
      // The cells' verdicts stand; the run still fails, saying what could not be saved.
      return {
        entry: { ...result, ok: false, writeError: batchMessages.notWritten(target, (error as Error).message) },
      };
    }
  } catch (error) {
    // NotebookError is bad input; anything else (a socket error…) is still this notebook's failure.
    return {
      entry: {
        path: file,
        error: error instanceof NotebookError || error instanceof Error ? error.message : String(error),
      },
    };
  }
}
