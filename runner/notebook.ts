/**
 * nbformat 4 documents: the types the runner reads and writes, strict loading with errors that say
 * where a file is wrong, normalisation to nbformat 4.5 (cell ids), and atomic writing.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isObject, type Json, type JsonObject } from "../protocol/json";
import { isAlive } from "./cleanup";
import { findJsonSyntaxError } from "./jsonPosition";

/** A multiline string as nbformat stores it: one string or a list of lines (each keeping its "\n"). */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: JsonObject;
  metadata: JsonObject;
  /** Never written to disk; kept while executing so update_display_data can find the output. */
  transient?: JsonObject;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  data: JsonObject;
  metadata: JsonObject;
  execution_count: number | null;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  id?: string;
  cell_type: "code";
  source: MultilineString;
  metadata: JsonObject;
  outputs: Output[];
  execution_count: number | null;
}
export interface TextCell {
  id?: string;
  cell_type: "markdown" | "raw";
  source: MultilineString;
  metadata: JsonObject;
  attachments?: JsonObject;
}
export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
}

/** Bad input: the message names the file and what is wrong with it. */
export class NotebookError extends Error {
  override name = "NotebookError";
}

export const notebookMessages = {
  missing: (file: string) => `${file}: no such file or directory`,
  notJson: (file: string, line: number, column: number, reason: string) =>
    `${file}:${line}:${column}: not valid JSON (${reason}). Fix the file or re-save it from Jupyter.`,
  notNotebook: (file: string, reason: string) => `${file}: not a Jupyter notebook (${reason})`,
  unsupportedVersion: (file: string, version: Json) =>
    `${file}: nbformat ${JSON.stringify(version)} is not supported; convert it to nbformat 4 with \`jupyter nbconvert --to notebook\``,
  versionWithMinor: (file: string, version: number) =>
    `${file}: "nbformat" is the major version only (4), not ${version}; write "nbformat": 4 and put the minor version in "nbformat_minor"`,
  versionNotNumber: (file: string, version: Json) =>
    `${file}: "nbformat" must be the number 4, not ${describeJson(version)}; write "nbformat": 4 (no quotes)`,
  linkLoop: (file: string) =>
    `${file}: too many levels of symbolic links (a loop?); point the link at a real file or write elsewhere`,
} as const;

/** A JSON value as a message names it: `the string "4"`, `null`, `a list`. */
function describeJson(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/** Joins nbformat's list-of-lines form into one string. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Splits text into lines that keep their "\n", the form Jupyter writes to disk. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** Line and column (1-based) of a character offset, for pointing at JSON syntax errors. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Parses notebook JSON text, throwing NotebookError with file:line:column for a syntax error. */
export function parseNotebook(text: string, file: string): Notebook {
  // Windows editors may start a UTF-8 file with a byte order mark; nbformat's reader accepts it.
  if (text.startsWith("\ufeff")) text = text.slice(1);
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    const problem = findJsonSyntaxError(text) ?? { offset: text.length, reason: (error as Error).message };
    const where = lineAndColumn(text, problem.offset);
    throw new NotebookError(notebookMessages.notJson(file, where.line, where.column, problem.reason));
  }
  return validateNotebook(value, file);
}

/** Checks the structure the runner relies on; anything else in the file is preserved untouched. */
export function validateNotebook(value: Json, file: string): Notebook {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new NotebookError(notebookMessages.notNotebook(file, "the top level is not a JSON object"));
  }
  // Before the "cells" check: an nbformat 3 file has "worksheets" instead, and deserves the conversion hint.
  if ("nbformat" in value && typeof value.nbformat !== "number") {
    throw new NotebookError(notebookMessages.versionNotNumber(file, value.nbformat));
  }
  if (
    "nbformat" in value &&
    typeof value.nbformat === "number" &&
    Math.trunc(value.nbformat) === 4 &&
    value.nbformat !== 4
  ) {
    throw new NotebookError(notebookMessages.versionWithMinor(file, value.nbformat));
  }
  if ("nbformat" in value && value.nbformat !== 4) {
    throw new NotebookError(notebookMessages.unsupportedVersion(file, value.nbformat));
  }
  if (!("cells" in value) || !("nbformat" in value)) {
    throw new NotebookError(notebookMessages.notNotebook(file, 'it has no "cells" or no "nbformat" field'));
  }
  if (value.nbformat !== 4) throw new NotebookError(notebookMessages.unsupportedVersion(file, value.nbformat));
  if (!Array.isArray(value.cells)) throw new NotebookError(notebookMessages.notNotebook(file, '"cells" is not a list'));
  value.cells.forEach((cell, index) => {
    if (typeof cell !== "object" || cell === null || Array.isArray(cell)) {
      throw new NotebookError(notebookMessages.notNotebook(file, `cell ${index + 1} is not an object`));
    }
    if (cell.cell_type !== "code" && cell.cell_type !== "markdown" && cell.cell_type !== "raw") {
      throw new NotebookError(
        notebookMessages.notNotebook(file, `cell ${index + 1} has cell_type ${JSON.stringify(cell.cell_type)}`),
      );
    }
    const source = cell.source;
    if (typeof source !== "string" && !(Array.isArray(source) && source.every((line) => typeof line === "string"))) {
      throw new NotebookError(notebookMessages.notNotebook(file, `cell ${index + 1} has no string "source"`));
    }
  });
  const notebook = value as unknown as Notebook;
  notebook.metadata = isObject(notebook.metadata) ? notebook.metadata : {};
  for (const cell of notebook.cells) {
    cell.metadata = isObject(cell.metadata) ? cell.metadata : {};
    if (cell.cell_type === "code") {
      cell.outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
      cell.execution_count = typeof cell.execution_count === "number" ? cell.execution_count : null;
    }
  }
  return notebook;
}

/** Reads and validates a notebook file. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotebookError(notebookMessages.missing(file));
    if (code === "EISDIR") throw new NotebookError(notebookMessages.notNotebook(file, "it is a directory"));
    throw new NotebookError(`${file}: cannot be read (${(error as Error).message})`);
  }
  return parseNotebook(text, file);
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Upgrades to nbformat 4.5 in place: every cell gets a valid, unique id (existing valid ids are kept,
 * as nbformat's validator requires for 4.5 documents). A missing id is derived from the cell's
 * source, so the same notebook gets the same ids (and JUnit test names) on every run.
 */
export function normalizeNotebook(notebook: Notebook): Notebook {
  const seen = new Set<string>();
  for (const cell of notebook.cells) {
    if (typeof cell.id !== "string" || !CELL_ID.test(cell.id) || seen.has(cell.id)) {
      cell.id = derivedCellId(joinSource(cell.source), seen);
    }
    seen.add(cell.id);
  }
  notebook.nbformat = 4;
  notebook.nbformat_minor = Math.max(5, typeof notebook.nbformat_minor === "number" ? notebook.nbformat_minor : 0);
  return notebook;
}

/**
 * The first 8 hex digits of the sha256 of the cell's source, made unique against `taken` with `-2`,
 * `-3`… (in notebook order): the same on every run, and unchanged when other cells are added.
 */
export function derivedCellId(source: string, taken: Set<string> = new Set()): string {
  return uniqueCellId(createHash("sha256").update(source).digest("hex").slice(0, 8), taken);
}

/** `base`, or `base-2`, `base-3`… whichever is not taken (all valid ids for a valid `base` of ≤ 50 chars). */
export function uniqueCellId(base: string, taken: Set<string> = new Set()): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export { isObject };

/** A deep copy, so executing never mutates the caller's notebook. */
export function cloneNotebook(notebook: Notebook): Notebook {
  return JSON.parse(JSON.stringify(notebook)) as Notebook;
}

/** The on-disk form: sources and text as lists of lines, transient fields dropped, 1-space indent like Jupyter. */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => {
    const base = { ...cell, source: splitLines(joinSource(cell.source)) };
    if (cell.cell_type !== "code") return base;
    return { ...base, outputs: cell.outputs.map(diskOutput) };
  });
  return JSON.stringify({ ...notebook, cells }, null, 1) + "\n";
}

function diskOutput(output: Output): Output {
  switch (output.output_type) {
    case "stream":
      return { ...output, text: splitLines(joinSource(output.text)) };
    case "display_data": {
      const { transient: _transient, ...rest } = output;
      return { ...rest, data: diskData(output.data) };
    }
    case "execute_result":
      return { ...output, data: diskData(output.data) };
    case "error":
      return output;
  }
}

/** Text MIME types are stored as lists of lines; JSON and binary (base64) payloads as they are. */
function diskData(data: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [mime, value] of Object.entries(data)) {
    const textual = mime.startsWith("text/") || mime === "image/svg+xml";
    out[mime] = textual && typeof value === "string" ? splitLines(value) : value;
  }
  return out;
}

/**
 * Writes a file atomically: a temp file in the same directory, fsync, then rename over the target, so
 * a run killed half-way leaves either the old file or the new one, never a truncated notebook. A
 * symbolic link is written through (its target is replaced, the link stays), and an existing file
 * keeps its permission bits.
 */
export function writeFileAtomic(file: string, text: string): void {
  const target = resolveLinks(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(target);
  const mode = existingMode(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = fs.openSync(temp, "w", mode ?? 0o644);
    try {
      // open's mode passes through the umask: set the old file's bits exactly.
      if (mode !== undefined) fs.fchmodSync(fd, mode);
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** The file a chain of symbolic links ends at (the path itself when it is no link; a dangling link's target). */
export function resolveLinks(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return current;
    }
    if (!stat.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  throw new Error(notebookMessages.linkLoop(file));
}

function existingMode(file: string): number | undefined {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/**
 * Removes `.name.<pid>.<hex>.tmp` files next to `file` whose writer is dead: what a writer killed
 * by SIGKILL between open and rename leaves behind. A live writer's temp file is left alone.
 */
export function removeStaleTemps(file: string): void {
  const base = path.basename(file);
  const dir = path.dirname(file);
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const match = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
    if (match && !isAlive(Number(match[1]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export function writeNotebook(file: string, notebook: Notebook): void {
  writeFileAtomic(file, serializeNotebook(notebook));
}

/** Whether the notebook holds a run of this code cell: an execution count, or outputs. */
export function wasExecuted(cell: CodeCell): boolean {
  return cell.execution_count !== null || cell.outputs.length > 0;
}

/** Tags of a cell (`metadata.tags`), ignoring anything that is not a string. */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}
