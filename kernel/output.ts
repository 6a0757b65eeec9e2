/**
 * Routes a cell's output to that cell, even from callbacks that run after it finished.
 *
 * Every request runs inside `cellContext.run(cell, …)`; AsyncLocalStorage carries `cell` into the
 * promises, timers and event handlers the cell creates. `process.stdout.write` / `process.stderr.write`
 * (which `console.log` / `console.error` use) are patched to look the cell up and publish a `stream`
 * message with that cell's request as parent. Writes outside any cell (the kernel's own logging, or
 * library noise while preloading) go to the kernel process's real stderr instead.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Message } from "../protocol/wire";

/** What a running (or finished) cell's callbacks can reach. */
export interface CellScope {
  /** The request whose outputs these are (execute_request, or the request being handled). */
  parent: Message;
  /** Outputs still being formatted (async display methods); the cell's reply waits for them. */
  pending: Promise<unknown>[];
  /** Drop this scope's output (start-up work that belongs to no cell). */
  discard?: boolean;
  /** The execute_request allows stdin (`prompt()` may send an input_request). */
  allowStdin?: boolean;
}

export const cellContext = new AsyncLocalStorage<CellScope>();

export type StreamName = "stdout" | "stderr";
type Write = typeof process.stdout.write;

const originalStdoutWrite: Write = process.stdout.write.bind(process.stdout);
const originalStderrWrite: Write = process.stderr.write.bind(process.stderr);

/** Writes to the kernel process's real stderr (logs), bypassing cell routing. */
export function kernelLog(text: string): void {
  originalStderrWrite(`[optimlab kernel] ${text}\n`);
}

/** Writes to the kernel process's real stdout, bypassing cell routing. */
export function writeProcessStdout(text: string): void {
  originalStdoutWrite(text);
}

function chunkText(chunk: unknown, encoding: unknown): string {
  if (typeof chunk === "string") return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  return String(chunk);
}

/**
 * Patches process.stdout/stderr so writes inside a cell become `stream` messages.
 * Returns a function that restores the original writers.
 */
export function routeStdio(publish: (name: StreamName, text: string, scope: CellScope) => void): () => void {
  const patch = (stream: NodeJS.WriteStream, name: StreamName, original: Write): void => {
    stream.write = function write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const scope = cellContext.getStore();
      if (!scope) return (original as (...args: unknown[]) => boolean)(chunk, encoding, callback);
      publish(name, chunkText(chunk, encoding), scope);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    } as Write;
  };
  patch(process.stdout, "stdout", originalStdoutWrite);
  patch(process.stderr, "stderr", originalStderrWrite);
  return () => {
    process.stdout.write = originalStdoutWrite;
    process.stderr.write = originalStderrWrite;
  };
}
