/**
 * Routes a cell's output to that cell, even from timer callbacks that run after it finished.
 *
 * The shell queue handles one request at a time, so "the current request" is a plain variable that
 * the server sets for the duration of each shell request (`cellContext.enter`). Timer callbacks
 * (setTimeout, setInterval, setImmediate), and callbacks queued with queueMicrotask or
 * process.nextTick, are wrapped when scheduled so they run with the scope that
 * scheduled them, whenever they fire; the scope also lists them, so an interrupt can cancel the
 * cell's pending timers. `process.stdout.write` / `process.stderr.write` (which `console.log` /
 * `console.error` use) are patched to publish a `stream` message with the current scope's request as
 * parent, at once unless a flood of writes spent the `StreamBudget`. Writes outside any scope (the
 * kernel's own logging) go to the process's real stderr.
 *
 * Why not AsyncLocalStorage: it turns on async hooks, and V8's `terminateExecution` (how an
 * interrupt stops a busy loop, see controlThread.ts) inside a promise continuation then leaves Node's
 * async-id stack unbalanced, which aborts the process. Plain variables have no such stack.
 */
import { promisify } from "node:util";
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
  /** Timers this scope scheduled that have not fired or been cleared yet. */
  timers?: Set<Cancelable>;
}

type Cancelable = { cancel(): void };

/** The kernel-log line for a message refused on arrival (bad signature, replay, malformed). */
export const droppedMessageLog = (channel: string, reason: string): string =>
  `dropped a message on ${channel}: ${reason}`;

let current: CellScope | undefined;

export const cellContext = {
  /** The scope output goes to now, if any. */
  getStore(): CellScope | undefined {
    return current;
  },
  /** Makes `scope` current until the returned function is called (it restores the previous one). */
  enter(scope: CellScope): () => void {
    const previous = current;
    current = scope;
    return () => {
      current = previous;
    };
  },
  /** Runs a synchronous `fn` with `scope` current. */
  run<T>(scope: CellScope | undefined, fn: () => T): T {
    const previous = current;
    current = scope;
    try {
      return fn();
    } finally {
      current = previous;
    }
  },
};

/**
 * Node's own setImmediate, taken when this module loads, before `routeTimers` wraps the global: for
 * the kernel's own turns (a flush of gathered output, the start of a cell's code), which are not a
 * cell's timers (an interrupt would cancel them, and they would run as cell code).
 */
export const nodeSetImmediate = setImmediate;

/**
 * Wraps the global timer functions so their callbacks run in the scope that scheduled them, through
 * `run` (the server makes them interruptible: TypeScriptEngine.runCallback); an error a callback
 * throws goes to `onThrow` while that scope (the cell that scheduled it) is still current, instead
 * of Node's `uncaughtException`, which no longer knows the scope. Returns a function that puts the
 * originals back.
 */
export function routeTimers(
  onThrow: (error: unknown) => void,
  run: (callback: () => void, kind: CallbackKind) => void = (callback) => callback(),
): () => void {
  const originals = { setTimeout, setInterval, setImmediate, queueMicrotask };
  const originalNextTick = process.nextTick.bind(process);
  // A callback the cell scheduled runs as the cell's code: in its scope, through `run`, a throw to `onThrow`.
  const asCellCode = (scope: CellScope, kind: CallbackKind, call: () => void): void =>
    cellContext.run(scope, () =>
      run(() => {
        try {
          call();
        } catch (error) {
          onThrow(error);
        }
      }, kind),
    );
  type Schedule = (callback: (...args: unknown[]) => void, ...rest: unknown[]) => unknown;
  const wrap = (schedule: Schedule, clear: (handle: unknown) => void, repeats: boolean): Schedule => {
    const scheduled: Schedule = (callback, ...rest) => {
      const scope = current;
      if (!scope || typeof callback !== "function") return schedule(callback, ...rest);
      const entry: Cancelable = { cancel: () => clear(handle) };
      const handle = schedule(
        function (this: unknown, ...args: unknown[]) {
          if (!repeats) scope.timers?.delete(entry);
          asCellCode(scope, "timer", () => callback.apply(this, args));
        },
        ...rest,
      );
      (scope.timers ??= new Set()).add(entry);
      return handle;
    };
    // util.promisify(setTimeout) and friends keep working.
    const custom = (schedule as unknown as { [key: symbol]: unknown })[promisify.custom];
    if (custom) Object.defineProperty(scheduled, promisify.custom, { value: custom });
    return scheduled;
  };
  // A callback queued without a timer (queueMicrotask, process.nextTick) is the cell's code too: it
  // runs in the scope that queued it, through `run` (interruptible: a busy loop in it can be stopped
  // after the cell finished, which nothing else marks as the cell's code).
  type Enqueue = (callback: (...args: unknown[]) => void, ...args: unknown[]) => void;
  const queued =
    (enqueue: Enqueue): Enqueue =>
    (callback, ...args) => {
      const scope = current;
      // Outside a cell, or not a function (the original's TypeError, thrown here): as is.
      if (!scope || typeof callback !== "function") return enqueue(callback, ...args);
      enqueue(() => asCellCode(scope, "queued", () => callback(...args)));
    };
  process.nextTick = queued(originalNextTick);
  Object.assign(globalThis, {
    queueMicrotask: queued(originals.queueMicrotask as Enqueue),
    setTimeout: wrap(originals.setTimeout as unknown as Schedule, clearTimeout as (handle: unknown) => void, false),
    setInterval: wrap(originals.setInterval as unknown as Schedule, clearInterval as (handle: unknown) => void, true),
    setImmediate: wrap(
      originals.setImmediate as unknown as Schedule,
      clearImmediate as (handle: unknown) => void,
      false,
    ),
  });
  return () => {
    Object.assign(globalThis, originals);
    process.nextTick = originalNextTick;
  };
}

/** What scheduled a callback `routeTimers` runs: a timer, or queueMicrotask / process.nextTick. */
export type CallbackKind = "timer" | "queued";

/** Cancels every timer `scope` scheduled that is still pending (an interrupted cell's callbacks). */
export function cancelTimers(scope: CellScope): void {
  for (const timer of scope.timers ?? []) timer.cancel();
  scope.timers?.clear();
}

/**
 * Stream messages that may leave at once, one per write: ordinary printing never waits. Only a flood
 * spends them (a loop printing every step): Jupyter Server stops forwarding IOPub above 1000 messages/s
 * over 3 s (`iopub_msg_rate_limit`), and every message costs the front end a render.
 */
export const STREAM_BURST = 100;
/** Stream messages per second once the burst is spent; the writes in between gather into them. */
export const STREAM_RATE = 50;

/**
 * A token bucket for stream messages: `take()` says whether a write may be published now. It only
 * reads the clock when asked (no timer): text held back goes out with a later write, before any other
 * message, or at the end of the event loop's turn.
 */
export class StreamBudget {
  private tokens = STREAM_BURST;
  private last: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(STREAM_BURST, this.tokens + ((now - this.last) * STREAM_RATE) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

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
      if (typeof done === "function") process.nextTick(done);
      return true;
    };
  };
  patch(process.stdout, "stdout", originalStdoutWrite);
  patch(process.stderr, "stderr", originalStderrWrite);
  return () => {
    process.stdout.write = originalStdoutWrite;
    process.stderr.write = originalStderrWrite;
  };
}
