/**
 * `process.exit(code)` in a cell, as `exit()` in IPython: the kernel answers the request that is
 * running (its execute_reply, status ok, and idle), then shuts down and exits with `code`.
 *
 * Node's own `process.exit` ends the process in the call: the cell's reply and idle were never sent,
 * and the front end waited for them. While the kernel runs, `process.exit` is replaced: the call
 * records the code, and a `ProcessExit` thrown from it unwinds the code that called it (nothing after
 * the call runs, as with Node's), the cell ends, and the server's queue stops the kernel after the
 * request's idle (server.ts). The real `process.exit` is put back before the kernel exits.
 */

/** The name of the error that unwinds code after its `process.exit()`. */
export const PROCESS_EXIT_NAME = "ProcessExit";

/** What a caught `ProcessExit` says (a cell that catches it still ends the kernel after its reply). */
export const processExitMessage = (code: number): string =>
  `process.exit(${code}) was called: the kernel exits with code ${code} once this request is answered`;

export class ProcessExit extends Error {
  override name = PROCESS_EXIT_NAME;
  constructor(readonly code: number) {
    super(processExitMessage(code));
  }
}

/** The status `process.exit(code)` ends with: `code`, else `process.exitCode`, else 0 (as Node). */
export function exitStatus(code: unknown): number {
  const value = code ?? process.exitCode ?? 0;
  const status = typeof value === "number" ? value : Number(value);
  return Number.isInteger(status) ? status : 1;
}

/**
 * Replaces `process.exit` until the returned function puts Node's back: a call tells `requested`
 * the status (the first call decides it) and throws `ProcessExit`.
 */
export function interceptProcessExit(requested: (status: number) => void): () => void {
  const original = Object.getOwnPropertyDescriptor(process, "exit");
  let first: number | undefined;
  const exit = (code?: number | string | null): never => {
    const status = first ?? exitStatus(code);
    if (first === undefined) {
      first = status;
      requested(status);
    }
    throw new ProcessExit(status);
  };
  process.exit = exit as typeof process.exit;
  return () => {
    if (process.exit === exit && original) Object.defineProperty(process, "exit", original);
  };
}
