/**
 * The cell engine: type-check (checker.ts, the project's own `typescript`), rewrite module syntax and
 * strip types (transpile.ts), evaluate in V8's REPL mode (evaluator.ts), with imports resolved from
 * the notebook's folder (modules.ts).
 *
 * Loading TypeScript and its libraries takes a second or more, so nothing here happens at
 * construction: `warmUp()` does it, and the server calls it once the client has its
 * `kernel_info_reply` (see server.ts).
 */
import { isBuiltin } from "node:module";
import * as path from "node:path";
import type { CellChecker, Completion } from "./checker";
import { compileError, interruptError, ipythonHint, runtimeError, type CellError } from "./errors";
import type { ReplEvaluator, UserCodeRunner } from "./evaluator";
import { isSharedGlobal, checkSharedGlobals, sharedGlobalDeclarationMessage } from "./globalNames";
import { createModuleLoader, namespaceOf } from "./modules";
import { installStackTraces, labelCellScript } from "./stackTraces";
import { installTensorFormatter } from "./tensorFormat";
import type { InterruptState } from "../interrupts";
import { cellGlobalValues } from "../globals";
import { nodeSetImmediate } from "../output";

export {
  COMPILE_ERROR_NAME,
  INTERRUPT_ERROR_NAME,
  interruptedMessage,
  KeyboardInterrupt,
  timerInterruptedMessage,
  continuationInterruptedMessage,
  callbackInterruptedMessage,
  queuedInterruptedMessage,
  unawaitedInterruptedMessage,
  compileError,
  interruptError,
  runtimeError,
  type CellError,
} from "./errors";
export type { Completion } from "./checker";

export type ExecutionOutcome =
  { status: "ok"; hasValue: boolean; value?: unknown } | { status: "error"; error: CellError };

/** The TypeScript version cells are checked with (the project's own `typescript` package). */
export function typescriptVersion(): string {
  // The package.json is tiny; requiring the compiler itself costs ~0.5 s.

  return (require("typescript/package.json") as { version: string }).version;
}

export interface EngineOptions {
  /** Where cells resolve imports from (the notebook's directory). */
  rootDir: string;
  /** Ambient declarations of the kernel's cell globals (display, prompt, …). */
  prelude: string;
  /** Values of those globals, set on globalThis. */
  globals: { [name: string]: unknown };
  interrupts: InterruptState;
  /** Runs the synchronous part of a cell (the server tags the promises it creates: userCodeScope.ts). */
  runUserCode?: UserCodeRunner;
}

export class TypeScriptEngine {
  private checker: CellChecker | undefined;
  private evaluator: ReplEvaluator | undefined;
  private restoreStackTraces: (() => void) | undefined;

  constructor(private readonly options: EngineOptions) {}

  get ready(): boolean {
    return this.checker !== undefined;
  }

  /** Loads TypeScript, the libraries' declarations and the evaluator (blocking, ~1 s); idempotent. */
  warmUp(): void {
    this.parts();
  }

  private parts(): { checker: CellChecker; evaluator: ReplEvaluator } {
    if (!this.checker || !this.evaluator) {
      // Loaded lazily: these pull in the TypeScript compiler (through its code cache).
      const { loadTypeScript, saveTypeScriptCodeCache } =
        require("./typescriptLoader") as typeof import("./typescriptLoader");
      loadTypeScript();
      const { CellChecker } = require("./checker") as typeof import("./checker");

      const { ReplEvaluator } = require("./evaluator") as typeof import("./evaluator");
      const loader = createModuleLoader(this.options.rootDir, installTensorFormatter);
      Object.assign(globalThis, cellGlobalValues(this.options.globals), {
        __optimlab: loader,
        require: loader.require,
        __dirname: this.options.rootDir,
        __filename: path.join(this.options.rootDir, "__notebook__.js"),
      });
      this.checker = new CellChecker({ rootDir: this.options.rootDir, prelude: this.options.prelude });
      this.evaluator = new ReplEvaluator(this.options.runUserCode);
      this.restoreStackTraces = installStackTraces();
      // Parse and bind the standard library now rather than in the first cell.
      this.checker.warmUp();
      saveTypeScriptCodeCache();
    }
    return { checker: this.checker, evaluator: this.evaluator };
  }

  /**
   * Type-checks and runs one cell. Never throws: failures come back as `status: "error"`.
   * `cancelled` settles when the cell is interrupted while it awaits (the main thread is free).
   * `name`: what stack frames of this cell's code call it (`at f (<cell>:3:5)`; e.g. `In[3]`).
   */
  async execute(code: string, cancelled: Promise<void>, name = "<cell>"): Promise<ExecutionOutcome> {
    const { checker, evaluator } = this.parts();
    const interrupts = this.options.interrupts;
    let js: string;
    try {
      // Required here, not imported: it loads TypeScript, which parts() loads through its code cache.
      const { objectLiteralCell, withoutExports } = require("./cellSyntax") as typeof import("./cellSyntax");
      // `{ a: 1, b: 2 }` is an object to look at, as in Node's REPL: the cell runs as `({ a: 1, b: 2 })`,
      // whose diagnostics on line 1 are one column too far right.
      const objectLiteral = objectLiteralCell(code);
      if (objectLiteral !== undefined) code = objectLiteral;
      const shift = (line: number, column: number): number =>
        objectLiteral !== undefined && line === 1 && column > 1 ? column - 1 : column;
      const exportless = withoutExports(code);
      if ("problem" in exportless) {
        const { line, column, message } = exportless.problem;
        return { status: "error", error: compileError([`${line}:${column} - ${message}`]) };
      }
      code = exportless.code;
      const shadowing = sharedGlobalProblems(code);
      if (shadowing.length > 0) return { status: "error", error: compileError(shadowing) };
      const checked = checker.check(code, name);
      if (checked.diagnostics.length > 0) {
        return {
          status: "error",
          error: compileError(
            checked.diagnostics.map((d) => `${d.line}:${shift(d.line, d.column)} - ${d.message}`),
            ipythonHint(
              code,
              checked.diagnostics.map((d) => d.line),
            ),
          ),
        };
      }

      const { lexicalTopLevel, toJavaScriptWithMap } = require("./transpile") as typeof import("./transpile");
      if (checked.fast) js = labelCellScript(lexicalTopLevel(code), name);
      else {
        const { js: script, sourceMap } = toJavaScriptWithMap(checked.syntax.file);
        js = labelCellScript(script, name, sourceMap);
      }
    } catch (error) {
      return { status: "error", error: runtimeError(error) };
    }
    // The cell's code starts in a turn of its own, with no kernel job queued behind it: when an
    // interrupt terminates a promise job of the cell (`.then(() => { while (true) {} })`), V8 drops
    // its whole microtask queue, and a kernel job lost there (the one that would resolve this
    // request) left the kernel waiting for good. Only the evaluation's own answer can be lost now,
    // and `cancelled` stands in for it.
    await new Promise<void>((resolve) => nodeSetImmediate(resolve));
    if (interrupts.pending()) return { status: "error", error: interruptError() };
    interrupts.setRunning(true);
    try {
      const cancel = cancelled.then(() => "cancelled" as const);
      const evaluation = await Promise.race([evaluator.evaluate(js), cancel]);
      if (evaluation === "cancelled") return { status: "error", error: interruptError() };
      if (evaluation.ok)
        return evaluation.value === undefined
          ? { status: "ok", hasValue: false }
          : { status: "ok", hasValue: true, value: evaluation.value };
      return { status: "error", error: runtimeError(evaluation.thrown, evaluation.terminated || interrupts.pending()) };
    } finally {
      interrupts.setRunning(false);
    }
  }

  /**
   * Runs a callback a cell scheduled (a timer) as the cell's own code: RUNNING is set around it, and
   * it goes through the evaluator, so an interrupt stops a busy loop in it (kernel/output.ts wraps
   * the timers). Before the first cell (no evaluator yet) it is a plain call. True when an interrupt
   * terminated it.
   */
  runCallback(fn: () => void): boolean {
    const evaluator = this.evaluator;
    if (!evaluator) {
      fn();
      return false;
    }
    const restore = this.options.interrupts.enterUserCode();
    try {
      return evaluator.callInterruptibly(fn);
    } finally {
      restore();
    }
  }

  complete(code: string, cursor: number): Completion {
    return this.parts().checker.complete(code, cursor);
  }

  /** Signature and doc comment at `cursor`, or undefined when there is nothing there. */
  inspect(code: string, cursor: number): string | undefined {
    return this.parts().checker.inspect(code, cursor);
  }

  close(): void {
    this.restoreStackTraces?.();
    this.evaluator?.close();
  }
}

/**
 * The cell's top-level declarations of a name of Node's globals (`const process = …`), as compile
 * errors: V8's REPL mode would put them in the global lexical scope, where they replace the global for
 * every module (see globalNames.ts). An import of such a name from one of Node's built-in modules is
 * checked here too (`import { setTimeout } from "timers/promises"` is not the global setTimeout);
 * from a package, when the cell runs (the loader's `checkGlobals`).
 */
function sharedGlobalProblems(code: string): string[] {
  if (!/\b(var|let|const|function|class|enum|namespace|module|import)\b/.test(code)) return [];
  const { parseCell, topLevelBindings } = require("./cellSyntax") as typeof import("./cellSyntax");
  const file = parseCell(code).file;
  const problems: string[] = [];
  for (const binding of topLevelBindings(file)) {
    if (!isSharedGlobal(binding.name)) continue;
    let message: string | undefined = sharedGlobalDeclarationMessage(binding.name);
    if (binding.from) {
      const { specifier, imported } = binding.from;
      message = undefined;
      if (isBuiltin(specifier)) {
        try {
          const exports: unknown = require(specifier);
          checkSharedGlobals(imported === "=" ? exports : namespaceOf(exports), specifier, [[binding.name, imported]]);
        } catch (error) {
          message = error instanceof Error ? error.message : String(error);
        }
      }
    }
    if (message === undefined) continue;
    const { line, character } = file.getLineAndCharacterOfPosition(binding.node.getStart(file));
    problems.push(`${line + 1}:${character + 1} - ${message}`);
  }
  return problems;
}
