/**
 * The TypeScript engine: tslab's converter (type-checks and transpiles a cell against the declarations
 * of earlier cells) and executor (runs it with top-level await), wrapped to return structured outcomes.
 *
 * tslab's executor reports through a console-like interface: `log(value)` for the last expression,
 * `error("%s%d:%d - %s", file, line, column, text)` per compile diagnostic and `error(thrown)` for a
 * runtime error. We capture those calls per execution instead of printing them.
 *
 * Creating the converter parses lib.d.ts and @types/node (seconds), so it is created on first use or
 * by `warmUp()`, which the kernel calls once the client has had its `kernel_info_reply`.
 */
import type { Converter } from "tslab/dist/converter";
import type { Executor } from "tslab/dist/executor";
import { printQuickInfo } from "tslab/dist/inspect";
import { expandShorthandProperties } from "./shorthand";
import { plainText } from "../src/display/format";

/** A failed cell, as Jupyter's `error` message carries it. */
export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type ExecutionOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; error: CellError };

export interface Completion {
  /** UTF-16 offsets into the code. */
  start: number;
  end: number;
  matches: string[];
}

/** tslab's printf-style format for one compile diagnostic. */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

/** The ename of compile (type) errors: the cell did not run. */
export const COMPILE_ERROR_NAME = "CompileError";
/** The ename of an interrupted cell (IPython's name, which clients recognise). */
export const INTERRUPT_ERROR_NAME = "KeyboardInterrupt";
export const INTERRUPTED_MESSAGE = "Execution interrupted";

interface Capture {
  hasValue: boolean;
  value?: unknown;
  diagnostics: string[];
  thrown: unknown[];
}

const ZERO_POS = { offset: 0, line: 0, character: 0 };

const newCapture = (): Capture => ({ hasValue: false, diagnostics: [], thrown: [] });

/** The TypeScript version tslab compiles with (its bundled fork of `typescript`). */
export function typescriptVersion(): string {
  // The package.json is tiny; requiring the compiler itself would cost ~0.5 s.
  return (require("@tslab/typescript-for-tslab/package.json") as { version: string }).version;
}

export class TypeScriptEngine {
  private executor: Executor | undefined;
  private converters: Converter[] = [];
  private capture: Capture = newCapture();
  private running = false;
  private interruptRequested = false;

  /**
   * @param rootDir where cells resolve imports from (the notebook's directory)
   * @param interruptPending asked after a cell is compiled, before it runs: an interrupt that came in
   *   meanwhile stops it there (a SIGINT landing during compilation is lost to Node's vm)
   */
  constructor(
    private readonly rootDir: string = process.cwd(),
    private readonly interruptPending: () => boolean = () => false,
  ) {}

  get ready(): boolean {
    return this.executor !== undefined;
  }

  /** Builds the converter and executor now (blocking, ~1–3 s); later calls do nothing. */
  warmUp(): void {
    this.ensureExecutor();
  }

  private ensureExecutor(): Executor {
    if (this.executor) return this.executor;
    // Loaded lazily: requiring tslab's converter loads the TypeScript compiler.
    const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
    const { createExecutor } = require("tslab/dist/executor") as typeof import("tslab/dist/executor");
    let node: Converter | undefined;
    let browser: Converter | undefined;
    const converters = this.converters;
    const compiledThenCheck = (converter: Converter): Converter => ({
      ...converter,
      convert: (prevDecl, src) => {
        const result = converter.convert(prevDecl, expandShorthandProperties(src));
        if (!this.running || !this.interruptPending()) return result;
        this.interruptRequested = true;
        return { diagnostics: [{ start: ZERO_POS, end: ZERO_POS, messageText: INTERRUPTED_MESSAGE, category: 1, code: 0 }] };
      },
    });
    const set = {
      get node(): Converter {
        if (!node) converters.push((node = compiledThenCheck(createConverter({ isJS: false, isBrowser: false }))));
        return node;
      },
      get browser(): Converter {
        if (!browser) converters.push((browser = createConverter({ isJS: false, isBrowser: true })));
        return browser;
      },
      close: () => converters.splice(0).forEach((converter) => converter.close()),
    };
    void set.node;
    this.executor = createExecutor(this.rootDir, set, {
      log: (value: unknown) => {
        this.capture.hasValue = true;
        this.capture.value = value;
      },
      error: (first: unknown, ...rest: unknown[]) => {
        if (first === DIAGNOSTIC_FORMAT && rest.length === 4) {
          const [file, line, column, text] = rest;
          this.capture.diagnostics.push(`${file}${line}:${column} - ${text}`);
        } else {
          this.capture.thrown.push(first);
        }
      },
    });
    return this.executor;
  }

  /** True while a cell runs (its synchronous part or its top-level awaits). */
  get busy(): boolean {
    return this.running;
  }

  /** Type-checks and runs one cell. Never throws: failures come back as `status: "error"`. */
  async execute(code: string): Promise<ExecutionOutcome> {
    const executor = this.ensureExecutor();
    const capture = (this.capture = newCapture());
    this.running = true;
    this.interruptRequested = false;
    let succeeded: boolean;
    try {
      succeeded = await executor.execute(code);
    } catch (error) {
      // tslab catches cell errors itself; this is a failure of the engine (e.g. a converter crash).
      succeeded = false;
      capture.thrown.push(error);
    } finally {
      this.running = false;
    }
    if (this.interruptRequested && !succeeded) {
      return { status: "error", error: runtimeError(undefined, true) };
    }
    if (capture.diagnostics.length > 0 && !succeeded) {
      return { status: "error", error: compileError(capture.diagnostics) };
    }
    if (!succeeded || capture.thrown.length > 0) {
      return { status: "error", error: runtimeError(capture.thrown[0], this.interruptRequested) };
    }
    return capture.hasValue ? { status: "ok", hasValue: true, value: capture.value } : { status: "ok", hasValue: false };
  }

  /**
   * Stops a cell waiting on a promise (top-level await). A synchronous busy loop is stopped by SIGINT
   * instead: tslab runs cells with `breakOnSigint`, which turns the signal into an error in the cell.
   */
  interrupt(): void {
    if (!this.running || !this.executor) return;
    this.interruptRequested = true;
    this.executor.interrupt();
  }

  /**
   * Makes `values` visible to every later cell under their names, typed by `declarations` (ambient
   * `declare const …` statements): tslab resolves earlier cells' names through its `locals` object.
   */
  async declareGlobals(declarations: string, values: { [name: string]: unknown }): Promise<void> {
    const outcome = await this.execute(declarations);
    if (outcome.status === "error") throw new Error(`Cell globals do not compile: ${outcome.error.evalue}`);
    Object.assign(this.ensureExecutor().locals, values);
  }

  complete(code: string, cursor: number): Completion {
    const info = this.ensureExecutor().complete(code, cursor);
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  /** Hover text (type and docs) at `cursor`, or undefined when there is nothing there. */
  inspect(code: string, cursor: number): string | undefined {
    const info = this.ensureExecutor().inspect(code, cursor);
    if (!info) return undefined;
    const text = printQuickInfo(info);
    return text === "" ? undefined : text;
  }

  close(): void {
    this.executor?.close();
    this.executor = undefined;
  }
}

export function compileError(diagnostics: string[]): CellError {
  return { ename: COMPILE_ERROR_NAME, evalue: diagnostics.join("\n"), traceback: [`${COMPILE_ERROR_NAME}: ${diagnostics.length} TypeScript error(s)`, ...diagnostics] };
}

/** Frames from here on down are the kernel's own machinery, not the user's code. */
const INTERNAL_FRAME = /\bat (Script\.runInThisContext|Object\.runInThisContext|Object\.execute) |node:vm:|tslab[\\/]dist[\\/]executor/;

export function runtimeError(thrown: unknown, interruptRequested: boolean): CellError {
  const code = (thrown as { code?: unknown } | undefined)?.code;
  if (interruptRequested || code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
    return { ename: INTERRUPT_ERROR_NAME, evalue: INTERRUPTED_MESSAGE, traceback: [`${INTERRUPT_ERROR_NAME}: ${INTERRUPTED_MESSAGE}`] };
  }
  if (thrown instanceof Error) {
    let stack = (thrown.stack ?? `${thrown.name}: ${thrown.message}`).split("\n");
    // vm prefixes errors with the failing line of the compiled JavaScript and a caret: drop that.
    const headline = stack.findIndex((line) => line.startsWith(`${thrown.name}:`) || line === thrown.name);
    if (headline > 0) stack = stack.slice(headline);
    const cut = stack.findIndex((line) => INTERNAL_FRAME.test(line));
    return { ename: thrown.name || "Error", evalue: thrown.message, traceback: cut > 0 ? stack.slice(0, cut) : stack };
  }
  const text = plainText(thrown);
  return { ename: "Uncaught", evalue: text, traceback: [`Uncaught ${text}`] };
}
