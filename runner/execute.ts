/**
 * Executes one notebook through a real kernel and judges every code cell (nbclient's executor, in
 * TypeScript): kernel from the notebook's kernelspec, cells in order, timeouts per cell and per
 * notebook, tags, parameters, optional output regression, nbclient-style hooks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findKernelSpec, KERNEL_NAME, kernelDirs, listKernelSpecs, type KernelSpecEntry } from "../kernel/kernelspecs";
import type { JsonObject } from "../protocol/wire";
import {
  abortedMessage,
  cellErrorMessage,
  cellTimeoutMessage,
  deadlineAtStartupMessage,
  kernelDiedMessage,
  noExceptionMessage,
  noExecuteReplyMessage,
  notRunMessage,
  notebookTimeoutMessage,
  outputMismatchMessage,
  startTimeoutMessage,
  wrongExceptionMessage,
  failureText,
  oneLine,
  type FailureKind,
} from "./failure";
import {
  cellTags,
  cloneNotebook,
  isObject,
  joinSource,
  normalizeNotebook,
  NotebookError,
  readNotebook,
  wasExecuted,
  type CodeCell,
  type Notebook,
  type Output,
} from "./notebook";
import { DisplayRegistry, jsonText, OutputCollector } from "./outputs";
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
  /** Said of a notebook that passed without running (no code cells). */
  note?: string;
  /** The notebook executed, but writing it (--output-dir, --inplace) failed: why. `ok` is then false. */
  writeError?: string;
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

export const malformedKernelSpecMessage = (name: string, file: string, reason: string): string =>
  `The kernelspec "${name}" is malformed: ${file} ${reason}. Fix or reinstall it ` +
  `(\`jupyter kernelspec list\` shows where it is), or pass --kernel NAME.`;

/**
 * Why an installed `kernels/<name>/kernel.json` was not usable (Jupyter skips such files, so the
 * name looks unknown); undefined when there is no such file.
 */
export function malformedKernelSpec(name: string, dirs: string[] = kernelDirs()): string | undefined {
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    const entry = entries.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (entry === undefined) continue;
    const file = path.join(dir, entry, "kernel.json");
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return malformedKernelSpecMessage(name, file, `is not valid JSON (${(error as Error).message})`);
    }
    const argv = isObject(parsed) ? parsed.argv : undefined;
    if (!Array.isArray(argv) || argv.length === 0) {
      return malformedKernelSpecMessage(name, file, 'has no "argv" list (the command that starts the kernel)');
    }
  }
  return undefined;
}

/** Names of every kernel the runner can start (installed kernelspecs plus our built-in one). */
export function availableKernelNames(): string[] {
  return [...new Set([...listKernelSpecs().map((entry) => entry.name), KERNEL_NAME])].sort();
}

export function resolveKernel(notebook: Notebook, file: string, override?: string): KernelSpecEntry {
  const kernelspec = notebook.metadata.kernelspec;
  const name = override ?? (isObject(kernelspec) && typeof kernelspec.name === "string" ? kernelspec.name : undefined);
  if (!name) throw new NotebookError(executeMessages.noKernelName(file));
  const entry = findKernelSpec(name);
  if (!entry) {
    throw new NotebookError(malformedKernelSpec(name) ?? executeMessages.unknownKernel(name, availableKernelNames()));
  }
  return entry;
}

/** nbformat requires `display_name` beside `name`: a kernelspec without one gets the installed spec's. */
function fillKernelDisplayName(notebook: Notebook, kernel: KernelSpecEntry): void {
  const kernelspec = notebook.metadata.kernelspec;
  if (!isObject(kernelspec) || typeof kernelspec.display_name === "string") return;
  const own = typeof kernelspec.name === "string" ? findKernelSpec(kernelspec.name) : undefined;
  kernelspec.display_name = (own ?? kernel).spec.display_name;
}

/**
 * The notebook's `metadata.execution.timeout` in seconds: Infinity (no per-cell limit) for null, -1
 * or any number up to 0, as nbclient and nbmake read it; undefined when the notebook sets none.
 */
function notebookTimeoutSetting(notebook: Notebook): number | undefined {
  const execution = notebook.metadata.execution;
  if (!isObject(execution) || !("timeout" in execution)) return undefined;
  const timeout = execution.timeout;
  if (timeout === null) return Infinity;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) return undefined;
  return timeout > 0 ? timeout : Infinity;
}

/** Loads (or copies) and normalises a notebook. */
export function prepareNotebook(input: string | Notebook): { notebook: Notebook; file: string } {
  const file = typeof input === "string" ? input : "<notebook>";
  const notebook = normalizeNotebook(typeof input === "string" ? readNotebook(input) : cloneNotebook(input));
  return { notebook, file };
}

/** Whether any code cell has something to send to a kernel. */
export function hasCodeToRun(notebook: Notebook): boolean {
  return notebook.cells.some((cell) => cell.cell_type === "code" && joinSource(cell.source).trim() !== "");
}

export const noCodeCellsMessage = (): string => "no code cells to execute: nothing ran, nothing failed";

/**
 * A notebook of prose (or of empty code cells) passes without a kernel: nothing in it can fail. Its
 * kernelspec is not looked up, so a prose notebook naming none is fine too.
 */
function nothingToExecute(input: string | Notebook, notebook: Notebook, options: ExecuteOptions): NotebookResult {
  const startedAt = Date.now();
  const kernelspec = notebook.metadata.kernelspec;
  const named = isObject(kernelspec) && typeof kernelspec.name === "string" ? kernelspec.name : undefined;
  const kernelName = options.kernel ?? named ?? "none";
  const codeCells = codeCellsOf(notebook);
  options.onNotebookStart?.({
    path: typeof input === "string" ? input : undefined,
    kernelName,
    codeCells: codeCells.length,
  });
  const cells = codeCells.map(({ cell, index }, n): CellResult => {
    return { ...notRunResult(cell, index, n + 1), status: "skipped", reason: "empty cell" };
  });
  return {
    path: typeof input === "string" ? input : undefined,
    notebook,
    cells,
    ok: true,
    kernelName,
    seconds: (Date.now() - startedAt) / 1000,
    note: noCodeCellsMessage(),
  };
}

/**
 * Executes a notebook (a path or a notebook object) and reports per cell. Bad input (unreadable,
 * not a notebook, unknown kernel) throws NotebookError before any kernel starts; a kernel that
 * fails to start gives a result with `error` set. A notebook without code to run passes at once.
 */
export async function executeNotebook(input: string | Notebook, options: ExecuteOptions = {}): Promise<NotebookResult> {
  const prepared = prepareNotebook(input);
  if (!hasCodeToRun(prepared.notebook)) return nothingToExecute(input, prepared.notebook, options);
  const run = planRun(input, prepared, options);
  options.onNotebookStart?.({ path: run.path, kernelName: run.kernel.name, codeCells: run.codeCells.length });
  const started = await startKernel(run, options);
  if (!(started instanceof KernelSession)) return finishRun(run, started.error);
  const session = started;
  run.kernelPid = session.pid;
  let stuck = false;
  try {
    stuck = await runCells(run, session, options);
  } finally {
    // A kernel that ignored the interrupt will not read shutdown_request either: kill it at once.
    await (session.process.running && !stuck ? session.shutdown() : session.kill());
  }
  clearNotRunCells(run);
  return finishRun(run);
}

/**
 * Cells the run stopped before keep nothing from an earlier run: outputs, execution count and timing
 * would otherwise pass for this run's. Cells tagged `skip-execution` keep theirs (the author asked not
 * to run them), wherever the run stopped.
 */
function clearNotRunCells(run: RunPlan): void {
  run.codeCells.forEach(({ cell }, n) => {
    if (run.results[n].status !== "not-run" || cellDirectives(cell).skip) return;
    cell.outputs = [];
    cell.execution_count = null;
    delete cell.metadata.execution;
  });
}

/** Everything decided before the kernel starts: the notebook, its kernel, its cells and the clock. */
interface RunPlan {
  path?: string;
  notebook: Notebook;
  kernel: KernelSpecEntry;
  cwd: string;
  codeCells: { cell: CodeCell; index: number }[];
  results: CellResult[];
  startedAt: number;
  /** Epoch ms of the notebook deadline (Infinity for none). */
  deadline: number;
  kernelPid?: number;
}

/** Step 1: load and check the input (throws NotebookError on bad input), inject parameters. */
function planRun(
  input: string | Notebook,
  { notebook, file }: { notebook: Notebook; file: string },
  options: ExecuteOptions,
): RunPlan {
  const startedAt = Date.now();
  const kernel = resolveKernel(notebook, file, options.kernel);
  fillKernelDisplayName(notebook, kernel);
  if (options.parameters && Object.keys(options.parameters).length > 0) {
    injectParameters(notebook, options.parameters, kernel.spec.language);
  }
  const codeCells = codeCellsOf(notebook);
  // Bad tags are input errors: fail before starting, saying which cell.
  codeCells.forEach(({ cell }, n) => cellDirectives(cell, `${file}: cell ${n + 1} (id ${String(cell.id)})`));
  return {
    path: typeof input === "string" ? input : undefined,
    notebook,
    kernel,
    cwd: options.cwd ?? (typeof input === "string" ? path.dirname(path.resolve(input)) : process.cwd()),
    codeCells,
    results: codeCells.map(({ cell, index }, n) => notRunResult(cell, index, n + 1)),
    startedAt,
    deadline: options.notebookTimeout ? startedAt + options.notebookTimeout * 1000 : Infinity,
  };
}

/** The code cells in order, each with its index among all cells. */
function codeCellsOf(notebook: Notebook): { cell: CodeCell; index: number }[] {
  return notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
}

function notRunResult(cell: CodeCell, index: number, number: number): CellResult {
  return {
    index,
    number,
    id: cell.id as string,
    source: joinSource(cell.source),
    tags: cellTags(cell),
    status: "not-run",
    reason: notRunMessage(),
    executionCount: null,
    seconds: 0,
    outputs: [],
  };
}

/** Step 2: launch the kernel and wait until it is ready (within the startup timeout and the deadline). */
async function startKernel(run: RunPlan, options: ExecuteOptions): Promise<KernelSession | { error: string }> {
  const ownLimitMs = (options.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT) * 1000;
  const startupMs = Math.min(ownLimitMs, run.deadline - Date.now());
  try {
    return await KernelSession.start(run.kernel, { cwd: run.cwd, startupTimeoutMs: startupMs, env: options.env });
  } catch (error) {
    if (!(error instanceof KernelStartError)) throw error;
    const stderr = error.stderr.length > 0 ? `\n---- kernel stderr (last lines) ----\n${error.stderr.join("\n")}` : "";
    // Cut short by the notebook's deadline, not by the startup timeout: say which limit to raise.
    const deadlineCut = error.timedOut && startupMs < ownLimitMs && options.notebookTimeout !== undefined;
    const message = deadlineCut
      ? deadlineAtStartupMessage(run.kernel.name, options.notebookTimeout ?? 0)
      : error.message;
    return { error: message + stderr };
  }
}

/**
 * Step 3: the cells in order, until the end or a stop, then (--check-outputs) each executed cell's
 * outputs against those stored. True when the kernel was left stuck (kill it).
 */
async function runCells(run: RunPlan, session: KernelSession, options: ExecuteOptions): Promise<boolean> {
  const stored = new Map<number, StoredOutputs>();
  const stuck = await runCellsInOrder(run, session, options, stored);
  if (options.checkOutputs) compareFinalOutputs(run, stored, options);
  return stuck;
}

/**
 * A later cell may update an earlier cell's display (update_display_data), so outputs are compared
 * in their final state, after the run, as a notebook written by `run` stores them.
 */
function compareFinalOutputs(run: RunPlan, stored: Map<number, StoredOutputs>, options: ExecuteOptions): void {
  for (const [n, expected] of stored) {
    const { cell } = run.codeCells[n];
    const result = run.results[n];
    if (result.status !== "passed") continue; // a cell that failed already has its verdict
    const failure = outputMismatch(cell, result, expected, options);
    if (!failure) continue;
    result.status = "failed";
    result.failure = failure;
    options.onCellError?.(cell, result);
  }
}

async function runCellsInOrder(
  run: RunPlan,
  session: KernelSession,
  options: ExecuteOptions,
  stored: Map<number, StoredOutputs>,
): Promise<boolean> {
  const displays = new DisplayRegistry();
  const defaultTimeout = notebookTimeoutSetting(run.notebook) ?? options.timeout ?? DEFAULT_CELL_TIMEOUT;
  for (let n = 0; n < run.codeCells.length; n++) {
    const { cell } = run.codeCells[n];
    const result = run.results[n];
    const directives = cellDirectives(cell);
    if (directives.skip || result.source.trim() === "") {
      result.status = "skipped";
      result.reason = directives.skip ? "tagged skip-execution" : "empty cell";
      continue;
    }
    options.onCellStart?.(cell, { index: result.index, number: result.number });
    stored.set(n, { outputs: cell.outputs, executed: wasExecuted(cell) });
    const timeoutSeconds = directives.timeoutSeconds ?? defaultTimeout;
    const outcome = await executeCell(session, cell, result, {
      displays,
      timeoutSeconds,
      deadline: run.deadline,
      options,
    });
    const failure = judge(outcome, {
      label: cellLabel(result),
      source: result.source,
      outputs: cell.outputs,
      raises: directives.raises,
      timeoutSeconds,
      startupSeconds: options.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT,
      notebookTimeout: options.notebookTimeout,
      seconds: result.seconds,
    });
    result.status = failure ? "failed" : "passed";
    result.failure = failure;
    result.reason = undefined;
    options.onCellExecuted?.(cell, result);
    if (failure) options.onCellError?.(cell, result);
    if (outcome.kind === "timeout") return !outcome.interrupted;
    if (outcome.kind === "died") return false; // the kernel is gone: the rest cannot run
    if (failure && (failure.kind === "error" || failure.kind === "no-reply") && !options.allowErrors) return false;
  }
  return false;
}

function cellLabel(result: CellResult): string {
  return `cell ${result.number} (id ${result.id})`;
}

/** Step 3a: one cell through the kernel; its outputs, execution count and timing land in the notebook. */
async function executeCell(
  session: KernelSession,
  cell: CodeCell,
  result: CellResult,
  context: { displays: DisplayRegistry; timeoutSeconds: number; deadline: number; options: ExecuteOptions },
): Promise<ExecuteOutcome> {
  const { options } = context;
  cell.outputs = [];
  cell.execution_count = null;
  const collector = new OutputCollector(context.displays);
  const timing: JsonObject = {};
  const sentAt = Date.now();
  const outcome = await session.execute(result.source, {
    cellTimeoutMs: context.timeoutSeconds * 1000,
    notebookDeadline: context.deadline,
    startWaitMs: (options.startupTimeout ?? DEFAULT_STARTUP_TIMEOUT) * 1000,
    interruptGraceMs: (options.interruptGrace ?? DEFAULT_INTERRUPT_GRACE) * 1000,
    onIopub: (message) => {
      const type = message.header.msg_type;
      if (type === "status")
        timing[`iopub.status.${jsonText(message.content.execution_state, "")}`] = message.header.date;
      if (type === "execute_input") {
        timing["iopub.execute_input"] = message.header.date;
        if (typeof message.content.execution_count === "number") cell.execution_count = message.content.execution_count;
      }
      collector.handle(message);
    },
  });
  result.seconds = (Date.now() - sentAt) / 1000;
  cell.outputs = collector.finish();
  result.outputs = cell.outputs;
  if (outcome.kind === "reply") recordReply(cell, outcome, timing);
  cell.metadata.execution = orderTiming(timing);
  result.executionCount = cell.execution_count;
  return outcome;
}

/** The reply's execution count and time; an error only the reply carries becomes an output. */
function recordReply(cell: CodeCell, outcome: Extract<ExecuteOutcome, { kind: "reply" }>, timing: JsonObject): void {
  const reply = outcome.reply.content;
  timing["shell.execute_reply"] = outcome.reply.header.date || outcome.replyAt;
  if (typeof reply.execution_count === "number") cell.execution_count = reply.execution_count;
  if (reply.status === "error" && !cell.outputs.some((output) => output.output_type === "error")) {
    // Some kernels put the error only in the reply: keep it in the notebook and the report.
    const traceback = Array.isArray(reply.traceback) ? reply.traceback.map(String) : [];
    cell.outputs.push({
      output_type: "error",
      ename: jsonText(reply.ename, "Error"),
      evalue: jsonText(reply.evalue, ""),
      traceback,
    });
  }
}

/** Step 3b (--check-outputs): the diff against the stored outputs, as a failure. */
function outputMismatch(
  cell: CodeCell,
  result: CellResult,
  expected: StoredOutputs,
  options: ExecuteOptions,
): CellFailure | undefined {
  if (!options.checkOutputs || cellTags(cell).includes(TAG_INJECTED) || !expected.executed) return undefined;
  const mismatch = compareOutputs(expected.outputs, cell.outputs, options.sanitizers ?? []);
  if (!mismatch) return undefined;
  const summary = outputMismatchMessage(cellLabel(result));
  const extra = [{ title: "diff (- stored, + new)", text: mismatch }];
  return {
    kind: "output-mismatch",
    summary,
    details: failureText({ headline: summary, source: result.source, outputs: [], extra }),
  };
}

/** Step 4: the result, whether the run ended or never started (`error`). */
function finishRun(run: RunPlan, error?: string): NotebookResult {
  return {
    path: run.path,
    notebook: run.notebook,
    cells: run.results,
    ok: !error && run.results.every((result) => result.status === "passed" || result.status === "skipped"),
    kernelName: run.kernel.name,
    kernelPid: run.kernelPid,
    seconds: (Date.now() - run.startedAt) / 1000,
    error,
  };
}

/**
 * What the notebook held for a cell before the run. A cell with an execution count was executed:
 * no stored outputs then means it printed nothing, and must still print nothing. A cell never
 * executed (no count, no outputs) has nothing to compare with.
 */
interface StoredOutputs {
  outputs: Output[];
  executed: boolean;
}

/** nbclient's key order: busy, execute_input, reply, idle. */
function orderTiming(timing: JsonObject): JsonObject {
  const order = ["iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"];
  const ordered: JsonObject = {};
  for (const key of order) if (typeof timing[key] === "string") ordered[key] = timing[key];
  return ordered;
}

/** The verdict on one executed cell; undefined when it passed. */
function judge(
  outcome: ExecuteOutcome,
  cell: {
    label: string;
    source: string;
    outputs: Output[];
    raises: string | null | undefined;
    timeoutSeconds: number;
    startupSeconds: number;
    notebookTimeout?: number;
    seconds: number;
  },
): CellFailure | undefined {
  const make = (
    kind: FailureKind,
    message: string,
    extra: { title: string; text: string }[] = [],
    shortSource = false,
  ): CellFailure => {
    // An error's message may be long or span lines: one short line here, in full in the traceback.
    const summary = oneLine(message);
    return {
      kind,
      summary,
      details: failureText({ headline: summary, source: cell.source, outputs: cell.outputs, extra, shortSource }),
    };
  };
  if (outcome.kind === "timeout") {
    const running = outcome.runningMs / 1000;
    const summary =
      outcome.limit === "notebook"
        ? notebookTimeoutMessage(cell.label, cell.seconds, cell.notebookTimeout ?? 0)
        : outcome.limit === "start"
          ? startTimeoutMessage(cell.label, running, cell.startupSeconds + cell.timeoutSeconds, outcome.interrupted)
          : cellTimeoutMessage(cell.label, running, cell.timeoutSeconds, outcome.interrupted);
    return make(outcome.limit === "notebook" ? "notebook-timeout" : "timeout", summary, [], true);
  }
  if (outcome.kind === "no-reply") return make("no-reply", noExecuteReplyMessage(cell.label));
  if (outcome.kind === "died") {
    const stderr =
      outcome.stderr.length > 0
        ? [{ title: "kernel stderr (last lines)", text: outcome.stderr.slice(-20).join("\n") }]
        : [];
    return make("kernel-died", kernelDiedMessage(cell.label, outcome.exit), stderr);
  }
  const content = outcome.reply.content;
  const status = content.status;
  if (status === "aborted") return make("aborted", abortedMessage(cell.label));
  if (status === "error") {
    const errorOutput = cell.outputs.find((output) => output.output_type === "error");
    const ename = errorOutput?.output_type === "error" ? errorOutput.ename : jsonText(content.ename, "Error");
    const evalue = errorOutput?.output_type === "error" ? errorOutput.evalue : jsonText(content.evalue, "");
    if (cell.raises === undefined) return make("error", cellErrorMessage(cell.label, ename, evalue));
    if (cell.raises !== null && cell.raises !== ename)
      return make("wrong-exception", wrongExceptionMessage(cell.label, cell.raises, ename, evalue));
    return undefined;
  }
  if (cell.raises !== undefined) return make("no-exception", noExceptionMessage(cell.label, cell.raises));
  return undefined;
}
