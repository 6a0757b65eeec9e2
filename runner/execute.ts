/**
 * Executes one notebook through a real kernel and judges every code cell (nbclient's executor, in
 * TypeScript): kernel from the notebook's kernelspec, cells in order, timeouts per cell and per
 * notebook, tags, parameters, optional output regression, nbclient-style hooks.
 */
import * as path from "node:path";
import { findKernelSpec, KERNEL_NAME, listKernelSpecs, type KernelSpecEntry } from "../kernel/kernelspecs";
import type { Json, JsonObject } from "../kernel/wire";
import { failureMessages, failureText, type FailureKind } from "./failure";
import {
  cellTags,
  cloneNotebook,
  isObject,
  joinSource,
  normalizeNotebook,
  NotebookError,
  notebookMessages,
  readNotebook,
  type CodeCell,
  type Notebook,
  type Output,
} from "./notebook";
import { DisplayRegistry, OutputCollector } from "./outputs";
import { injectParameters, type Parameters } from "./parameters";
import { compareOutputs, type Sanitizer } from "./regression";
import { KernelSession, KernelStartError, type ExecuteOutcome } from "./session";
import { cellDirectives, TAG_INJECTED } from "./tags";

export type CellStatus = "passed" | "failed" | "skipped" | "not-run";

export interface CellFailure {
  kind: FailureKind;
  /** One line: what went wrong. */
  summary: string;
  /** The full report: summary, source, streams, traceback (ANSI colours kept). */
  details: string;
}

export interface CellResult {
  /** Position in `notebook.cells` (0-based, markdown cells included). */
  index: number;
  /** 1-based number among the notebook's code cells, as the report names it. */
  number: number;
  id: string;
  source: string;
  tags: string[];
  status: CellStatus;
  /** Why a cell was skipped (tag, empty source). */
  reason?: string;
  failure?: CellFailure;
  executionCount: number | null;
  /** Wall-clock seconds from request to reply (0 for cells not run). */
  seconds: number;
  outputs: Output[];
}

export interface NotebookResult {
  /** The file executed, when a path was given. */
  path?: string;
  /** The executed notebook (a copy: the input is never mutated). */
  notebook: Notebook;
  cells: CellResult[];
  ok: boolean;
  kernelName: string;
  /** The kernel's process id (gone by the time the result is returned); undefined if it never started. */
  kernelPid?: number;
  seconds: number;
  /** A failure of the notebook as a whole (kernel would not start); cells are then all not-run. */
  error?: string;
}

/** nbclient-style hooks; the site builder uses them for progress. Errors thrown by hooks propagate. */
export interface ExecutionHooks {
  onNotebookStart?: (info: { path?: string; kernelName: string; codeCells: number }) => void;
  onCellStart?: (cell: CodeCell, info: { index: number; number: number }) => void;
  onCellExecuted?: (cell: CodeCell, result: CellResult) => void;
  onCellError?: (cell: CodeCell, result: CellResult) => void;
}

export interface ExecuteOptions extends ExecutionHooks {
  /** Kernelspec name; default the notebook's `metadata.kernelspec.name`. */
  kernel?: string;
  /** Working directory of the kernel; default the notebook's folder (process.cwd() for an object). */
  cwd?: string;
  /** Per-cell timeout in seconds (default 120). Notebook metadata `execution.timeout` and a cell tag `timeout=N` override it. */
  timeout?: number;
  /** Deadline for the whole notebook in seconds, kernel startup included (default none). */
  notebookTimeout?: number;
  /** Seconds to wait for kernel_info_reply after launching the kernel (default 60). */
  startupTimeout?: number;
  /** Seconds an interrupted cell gets to stop before the kernel is killed (default 5). */
  interruptGrace?: number;
  /** Keep executing after a cell raises (the cell still fails). Default false: later cells are not run. */
  allowErrors?: boolean;
  /** Values for the `parameters` cell (papermill-style injection). */
  parameters?: Parameters;
  /** Compare text outputs with those stored in the notebook. */
  checkOutputs?: boolean;
  sanitizers?: Sanitizer[];
  /** Extra environment for the kernel process. */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CELL_TIMEOUT = 120;
export const DEFAULT_STARTUP_TIMEOUT = 60;
export const DEFAULT_INTERRUPT_GRACE = 5;

export const executeMessages = {
  noKernelName: (file: string) =>
    `${file}: the notebook names no kernel (metadata.kernelspec.name is missing); pass --kernel NAME`,
  unknownKernel: (name: string, installed: string[]) =>
    `No kernelspec named "${name}". Installed kernelspecs: ${installed.join(", ")}. ` +
    `Install it (\`jupyter kernelspec list\` shows what Jupyter sees) or pass --kernel NAME.`,
} as const;

/** Names of every kernel the runner can start (installed kernelspecs plus our built-in one). */
export function availableKernelNames(): string[] {
  return [...new Set([...listKernelSpecs().map((entry) => entry.name), KERNEL_NAME])].sort();
}

export function resolveKernel(notebook: Notebook, file: string, override?: string): KernelSpecEntry {
  const kernelspec = notebook.metadata.kernelspec;
  const name = override ?? (isObject(kernelspec) && typeof kernelspec.name === "string" ? kernelspec.name : undefined);
  if (!name) throw new NotebookError(executeMessages.noKernelName(file));
  const entry = findKernelSpec(name);
  if (!entry) throw new NotebookError(executeMessages.unknownKernel(name, availableKernelNames()));
  return entry;
}

function notebookTimeoutSetting(notebook: Notebook): number | undefined {
  const execution = notebook.metadata.execution;
  const timeout = isObject(execution) ? execution.timeout : undefined;
  return typeof timeout === "number" && timeout > 0 ? timeout : undefined;
}

/** Loads (or copies) and normalises a notebook, rejecting one without code cells. */
export function prepareNotebook(input: string | Notebook): { notebook: Notebook; file: string } {
  const file = typeof input === "string" ? input : "<notebook>";
  const notebook = normalizeNotebook(typeof input === "string" ? readNotebook(input) : cloneNotebook(input));
  if (!notebook.cells.some((cell) => cell.cell_type === "code" && joinSource(cell.source).trim() !== "")) {
    throw new NotebookError(notebookMessages.empty(file));
  }
  return { notebook, file };
}

/**
 * Executes a notebook (a path or a notebook object) and reports per cell. Bad input (unreadable,
 * not a notebook, empty, unknown kernel) throws NotebookError before any kernel starts; a kernel that
 * fails to start gives a result with `error` set.
 */
export async function executeNotebook(input: string | Notebook, options: ExecuteOptions = {}): Promise<NotebookResult> {
  const started = Date.now();
  const { notebook, file } = prepareNotebook(input);
  const entry = resolveKernel(notebook, file, options.kernel);
  if (options.parameters && Object.keys(options.parameters).length > 0) injectParameters(notebook, options.parameters, entry.spec.language);
  for (const cell of notebook.cells) cellDirectives(cell); // bad tags are input errors: fail before starting
  const cwd = options.cwd ?? (typeof input === "string" ? path.dirname(path.resolve(input)) : process.cwd());
  const codeCells = notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
  const results: CellResult[] = codeCells.map(({ cell, index }, n) => ({
    index,
    number: n + 1,
    id: cell.id as string,
    source: joinSource(cell.source),
    tags: cellTags(cell),
    status: "not-run",
    reason: failureMessages.notRun,
    executionCount: null,
    seconds: 0,
    outputs: [],
  }));
  let kernelPid: number | undefined;
  const finish = (error?: string): NotebookResult => ({
    path: typeof input === "string" ? input : undefined,
    notebook,
    cells: results,
    ok: !error && results.every((result) => result.status === "passed" || result.status === "skipped"),
    kernelName: entry.name,
    kernelPid,
    seconds: (Date.now() - started) / 1000,
    error,
  });
  options.onNotebookStart?.({ path: finish().path, kernelName: entry.name, codeCells: codeCells.length });

  const deadlineAt = options.notebookTimeout ? started + options.notebookTimeout * 1000 : Infinity;
  const startupMs = Math.min((options.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT) * 1000, deadlineAt - Date.now());
  let session: KernelSession;
  try {
    session = await KernelSession.start(entry, { cwd, startupTimeoutMs: startupMs, env: options.env });
    kernelPid = session.pid;
  } catch (error) {
    if (!(error instanceof KernelStartError)) throw error;
    const stderr = error.stderr.length > 0 ? `\n---- kernel stderr (last lines) ----\n${error.stderr.join("\n")}` : "";
    return finish(error.message + stderr);
  }

  const displays = new DisplayRegistry();
  let stuck = false;
  const defaultTimeout = notebookTimeoutSetting(notebook) ?? options.timeout ?? DEFAULT_CELL_TIMEOUT;
  try {
    for (let n = 0; n < codeCells.length; n++) {
      const { cell } = codeCells[n] as { cell: CodeCell };
      const result = results[n];
      const directives = cellDirectives(cell);
      if (directives.skip || result.source.trim() === "") {
        result.status = "skipped";
        result.reason = directives.skip ? "tagged skip-execution" : "empty cell";
        continue;
      }
      const label = `cell ${result.number} (id ${result.id})`;
      const timeoutSeconds = directives.timeoutSeconds ?? defaultTimeout;
      const remainingMs = deadlineAt - Date.now();
      const limit = remainingMs < timeoutSeconds * 1000 ? "notebook" : "cell";
      options.onCellStart?.(cell, { index: result.index, number: result.number });

      const expected = cell.outputs;
      cell.outputs = [];
      cell.execution_count = null;
      const collector = new OutputCollector(displays);
      const timing: JsonObject = {};
      const cellStarted = Date.now();
      const outcome = await session.execute(result.source, {
        timeoutMs: Math.min(timeoutSeconds * 1000, remainingMs),
        limit,
        interruptGraceMs: (options.interruptGrace ?? DEFAULT_INTERRUPT_GRACE) * 1000,
        onIopub: (message) => {
          const type = message.header.msg_type;
          if (type === "status") timing[`iopub.status.${String(message.content.execution_state)}`] = message.header.date;
          if (type === "execute_input") {
            timing["iopub.execute_input"] = message.header.date;
            if (typeof message.content.execution_count === "number") cell.execution_count = message.content.execution_count;
          }
          collector.handle(message);
        },
      });
      result.seconds = (Date.now() - cellStarted) / 1000;
      cell.outputs = collector.finish();
      result.outputs = cell.outputs;
      if (outcome.kind === "reply") {
        const reply = outcome.reply.content;
        timing["shell.execute_reply"] = outcome.reply.header.date || outcome.replyAt;
        if (typeof reply.execution_count === "number") cell.execution_count = reply.execution_count;
        if (reply.status === "error" && !cell.outputs.some((output) => output.output_type === "error")) {
          // Some kernels put the error only in the reply: keep it in the notebook and the report.
          const traceback = Array.isArray(reply.traceback) ? reply.traceback.map(String) : [];
          cell.outputs.push({ output_type: "error", ename: String(reply.ename ?? "Error"), evalue: String(reply.evalue ?? ""), traceback });
        }
      }
      cell.metadata.execution = orderTiming(timing);
      result.executionCount = cell.execution_count;

      const failure = judge(outcome, { label, source: result.source, outputs: cell.outputs, raises: directives.raises, timeoutSeconds, notebookTimeout: options.notebookTimeout, seconds: result.seconds });
      const mismatch =
        !failure && options.checkOutputs && !cellTags(cell).includes(TAG_INJECTED) && hasStoredOutputs(expected)
          ? compareOutputs(expected, cell.outputs, options.sanitizers ?? [])
          : undefined;
      if (failure) {
        result.status = "failed";
        result.failure = failure;
      } else if (mismatch) {
        result.status = "failed";
        const summary = failureMessages.outputMismatch(label);
        result.failure = { kind: "output-mismatch", summary, details: failureText({ headline: summary, source: result.source, outputs: [], extra: [{ title: "diff (- stored, + new)", text: mismatch }] }) };
      } else {
        result.status = "passed";
      }
      result.reason = undefined;
      options.onCellExecuted?.(cell, result);
      if (result.failure) options.onCellError?.(cell, result);
      if (outcome.kind === "timeout") stuck = !outcome.interrupted;
      if (outcome.kind !== "reply") break; // the kernel is gone or stuck: the rest cannot run
      if (result.failure?.kind === "error" && !options.allowErrors) break;
    }
  } finally {
    // A kernel that ignored the interrupt will not read shutdown_request either: kill it at once.
    await (session.process.running && !stuck ? session.shutdown() : session.kill());
  }
  return finish();
}

/** A never-executed cell has nothing to compare with. */
function hasStoredOutputs(outputs: Output[]): boolean {
  return outputs.length > 0;
}

/** nbclient's key order: busy, execute_input, reply, idle. */
function orderTiming(timing: JsonObject): JsonObject {
  const order = ["iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"];
  const ordered: JsonObject = {};
  for (const key of order) if (typeof timing[key] === "string") ordered[key] = timing[key] as Json;
  return ordered;
}

/** The verdict on one executed cell; undefined when it passed. */
function judge(
  outcome: ExecuteOutcome,
  cell: { label: string; source: string; outputs: Output[]; raises: string | null | undefined; timeoutSeconds: number; notebookTimeout?: number; seconds: number },
): CellFailure | undefined {
  const make = (kind: FailureKind, summary: string, extra: { title: string; text: string }[] = [], shortSource = false): CellFailure => ({
    kind,
    summary,
    details: failureText({ headline: summary, source: cell.source, outputs: cell.outputs, extra, shortSource }),
  });
  if (outcome.kind === "timeout") {
    return outcome.limit === "notebook"
      ? make("notebook-timeout", failureMessages.notebookTimeout(cell.label, cell.seconds, cell.notebookTimeout ?? 0), [], true)
      : make("timeout", failureMessages.timeout(cell.label, cell.seconds, cell.timeoutSeconds, outcome.interrupted), [], true);
  }
  if (outcome.kind === "died") {
    const stderr = outcome.stderr.length > 0 ? [{ title: "kernel stderr (last lines)", text: outcome.stderr.slice(-20).join("\n") }] : [];
    return make("kernel-died", failureMessages.kernelDied(cell.label, outcome.exit), stderr);
  }
  const content = outcome.reply.content;
  const status = content.status;
  if (status === "aborted") return make("aborted", failureMessages.aborted(cell.label));
  if (status === "error") {
    const errorOutput = cell.outputs.find((output) => output.output_type === "error");
    const ename = errorOutput?.output_type === "error" ? errorOutput.ename : String(content.ename ?? "Error");
    const evalue = errorOutput?.output_type === "error" ? errorOutput.evalue : String(content.evalue ?? "");
    if (cell.raises === undefined) return make("error", failureMessages.error(cell.label, ename, evalue));
    if (cell.raises !== null && cell.raises !== ename) return make("wrong-exception", failureMessages.wrongException(cell.label, cell.raises, ename, evalue));
    return undefined;
  }
  if (cell.raises !== undefined) return make("no-exception", failureMessages.noException(cell.label, cell.raises));
  return undefined;
}
