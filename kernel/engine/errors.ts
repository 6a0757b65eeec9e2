/**
 * Cell failures as Jupyter `error` contents (ename, evalue, traceback).
 *
 * A cell may throw anything: an Error whose `message` or `stack` getter throws, a Proxy whose every
 * trap throws, a revoked Proxy, an object whose toString throws. Each read here is guarded, so every
 * thrown value becomes an error reply (a client waiting for execute_reply must never hang).
 */
import * as path from "node:path";
import { plainText } from "../../src/display/format";

/** A failed cell, as Jupyter's `error` message carries it. */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** The ename of compile (type) errors: the cell did not run. */
export const COMPILE_ERROR_NAME = "CompileError";
/** The ename of an interrupted cell (IPython's name, which clients recognise). */
export const INTERRUPT_ERROR_NAME = "KeyboardInterrupt";
export const interruptedMessage = (): string => "Execution interrupted";
/** The error an interrupt raises in code that is still running (a prompt, interact's runs). */
export class KeyboardInterrupt extends Error {
  override name = INTERRUPT_ERROR_NAME;
  constructor(message = interruptedMessage()) {
    super(message);
  }
}
/** Under a finished cell whose timer callback an interrupt stopped. */
export const timerInterruptedMessage = (): string =>
  `${INTERRUPT_ERROR_NAME}: an interrupt stopped a timer callback this cell scheduled`;

/** Under a finished cell whose queueMicrotask or process.nextTick callback an interrupt stopped. */
export const queuedInterruptedMessage = (): string =>
  `${INTERRUPT_ERROR_NAME}: an interrupt stopped a callback this cell queued (queueMicrotask or process.nextTick)`;
/** For a widget message whose callback (or code it ran after an await) an interrupt stopped. */
export const callbackInterruptedMessage = (): string =>
  `${INTERRUPT_ERROR_NAME}: an interrupt stopped a widget callback (code run for a message from a control)`;
/** Under a finished cell whose promise continuation (code after an `await`, a `.then` callback) an interrupt stopped. */
export const continuationInterruptedMessage = (): string =>
  `${INTERRUPT_ERROR_NAME}: an interrupt stopped code of this cell that ran after an await (a promise continuation)`;

/**
 * Under the cell whose promise an interrupt rejected while nobody awaited it (`void train.fit(…)`, a
 * fit started in a function): an interrupt, not the learner's bug, so not an "Unhandled promise rejection".
 */
export const unawaitedInterruptedMessage = (): string =>
  `${INTERRUPT_ERROR_NAME}: an interrupt stopped work this cell left running without awaiting it (e.g. void train.fit(…))`;

/** `hint`: a line after the diagnostics (what the learner may have meant: `ipythonHint`). */
export function compileError(diagnostics: string[], hint?: string): CellError {
  const lines = hint === undefined ? diagnostics : [...diagnostics, hint];
  return {
    ename: COMPILE_ERROR_NAME,
    evalue: lines.join("\n"),
    traceback: [`${COMPILE_ERROR_NAME}: ${diagnostics.length} TypeScript error(s)`, ...lines],
  };
}

/**
 * A hint for a cell that failed to compile because a line of it is IPython syntax (`%timeit 1+1`,
 * `%%time`, `!ls`, `optim?`): the parser's own message ("Expression expected", "Cannot find name
 * 'ls'") does not say why. `lines`: the 1-based lines of the diagnostics (only those count).
 */
export function ipythonHint(code: string, lines: number[]): string | undefined {
  const text = code.split("\n");
  const at = (line: number): string => text[line - 1] ?? "";
  const failed = [...new Set(lines)].map(at);
  const what: string[] = [];
  if (failed.some((line) => /^\s*%/.test(line)))
    what.push('IPython magics (%timeit, %%time) do not exist: time code with console.time("t") … console.timeEnd("t")');
  if (failed.some((line) => /^\s*![\w./~-]/.test(line)))
    what.push(
      'shell commands (!ls) do not exist: run one with require("node:child_process").execSync("ls", { encoding: "utf8" })',
    );
  if (failed.some((line) => /^\s*[\w$.]+\?\??\s*$/.test(line)))
    what.push("`name?` help does not exist: put the cursor on a name and press Shift-Tab (or Tab to complete)");
  return what.length === 0 ? undefined : `Hint: this is a TypeScript kernel; ${what.join("; ")}.`;
}

export function interruptError(): CellError {
  return {
    ename: INTERRUPT_ERROR_NAME,
    evalue: interruptedMessage(),
    traceback: [`${INTERRUPT_ERROR_NAME}: ${interruptedMessage()}`],
  };
}

/** Runs `read`; a throw (from a getter, a trap) gives `fallback`. */
function guarded<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** Frames from here on down are the kernel's own machinery, not the user's code. */
const INTERNAL_FRAME =
  /\bat (Session\.post|ReplEvaluator\.|Object\.runInThisContext)|node:inspector|node:vm:|kernel[\\/]engine[\\/]/;

/** This kernel's folder (…/kernel), of the built files or of the sources under tsx. */
const KERNEL_DIR = path.dirname(__dirname);

/** A stack line in the kernel's own code (not in the cells, the library or Node). */
function isKernelFrame(line: string): boolean {
  return /^\s+at /.test(line) && line.includes(KERNEL_DIR + path.sep);
}

export function runtimeError(thrown: unknown, interrupted = false): CellError {
  if (interrupted) return interruptError();
  const isError = guarded(() => thrown instanceof Error, false);
  if (isError) {
    const error = thrown as Error;
    if (guarded(() => (error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED", false))
      return interruptError();
    if (guarded(() => error.name === INTERRUPT_ERROR_NAME, false)) return interruptError();
    const name = guarded(() => String(error.name || "Error"), "Error");
    const message = guarded(() => String(error.message), "<the error's message could not be read>");
    let stack = guarded(() => String(error.stack ?? `${name}: ${message}`), `${name}: ${message}`).split("\n");
    const cut = stack.findIndex((line) => INTERNAL_FRAME.test(line));
    if (cut > 0) stack = stack.slice(0, cut);
    // An error the kernel itself threw into the cell (prompt() without stdin, a display that failed)
    // starts with the kernel's frames: the learner's code is what the traceback is for.
    stack = stack.filter((line, i) => i === 0 || !isKernelFrame(line));
    return { ename: name, evalue: message, traceback: stack };
  }
  const text = guarded(() => plainText(thrown), "<a value that cannot be shown>");
  return { ename: "Uncaught", evalue: text, traceback: [`Uncaught ${text}`] };
}
