/**
 * Whether the runner will be able to write a report or an output folder, checked before any
 * notebook runs: a bad path found only at the end would throw away every result.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Why `target` (a folder to create or fill, or a file to create or replace) cannot be written; undefined if it can. */
export function unwritableReason(target: string, kind: "folder" | "file"): string | undefined {
  const resolved = path.resolve(target);
  const existing = statOrUndefined(resolved);
  if (existing) {
    if (kind === "folder" && !existing.isDirectory()) return `${resolved} is a file, not a folder`;
    if (kind === "file" && existing.isDirectory()) return `${resolved} is a folder`;
  }
  // The folder that will receive the file or the new folders: the nearest one that exists.
  let dir = kind === "folder" && existing ? resolved : path.dirname(resolved);
  let stat = statOrUndefined(dir);
  while (!stat) {
    dir = path.dirname(dir);
    stat = statOrUndefined(dir);
  }
  if (!stat.isDirectory()) return `${dir} is a file, not a folder`;
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    return `${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  return undefined;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
