/**
 * User code keeps its cell after an `await`: a promise continuation of a cell (the code after an
 * `await`, a `.then` callback), also once the cell has finished, runs as that cell's code —
 * its output goes under the cell, and an interrupt stops a busy loop in it.
 *
 * The cell scope is a plain "current request" variable (kernel/output.ts) that the server leaves
 * when the request is handled, and the control thread stops only code that has RUNNING set
 * (interrupts.ts). So `fit(...).then((h) => console.log(h))` left unawaited printed into the
 * kernel's own log, and `(async () => { await x; while (true) {} })()` held the kernel for good.
 * Here every promise created while user code runs (a cell's synchronous code, a timer callback it
 * scheduled, a comm callback, or a continuation of one of these) is tagged with the cell's scope,
 * and each reaction of a tagged promise runs with that scope current and RUNNING set.
 *
 * Why V8's promise hooks and not AsyncLocalStorage: see kernel/output.ts (Node 20's async hooks abort
 * the process when an interrupt terminates a promise continuation). These hooks keep no stack of
 * Node's: a terminated continuation only skips its `after`; the next tagged reaction, or the
 * interrupt's handler on the main thread (`endTerminatedReaction`), puts things back.
 */
import { promiseHooks } from "node:v8";
import { cellContext, type CellScope } from "./output";

/** Scope of each promise created by user code (or a continuation of it). */
const scopes = new WeakMap<Promise<unknown>, CellScope>();
/** The scope of the user code running now: promises created now get it. */
let creating: CellScope | undefined;
/** The tagged reaction running now: how to put things back when it ends. */
let reaction: { leave: () => void; creating: CellScope | undefined; scope: CellScope } | undefined;
/** The scope of the last reaction found terminated, until `endTerminatedReaction` reports it. */
let terminated: CellScope | undefined;
let installed = false;
/** Marks user code as running for the control thread (InterruptState.enterUserCode); returns the undo. */
let markRunning: () => () => void = () => () => undefined;

function endReaction(): CellScope | undefined {
  const ending = reaction;
  if (!ending) return undefined;
  reaction = undefined;
  creating = ending.creating;
  ending.leave();
  return ending.scope;
}

function install(): void {
  if (installed) return;
  installed = true;
  promiseHooks.createHook({
    init(promise) {
      if (creating) scopes.set(promise, creating);
    },
    before(promise) {
      const scope = scopes.get(promise);
      if (!scope) return;
      // A reaction that never reached `after` was terminated (an interrupt): undo it first.
      terminated = endReaction() ?? terminated;
      const leaveScope = cellContext.enter(scope);
      const leaveRunning = markRunning();
      reaction = {
        leave: () => {
          leaveRunning();
          leaveScope();
        },
        creating,
        scope,
      };
      creating = scope;
    },
    after(promise) {
      if (scopes.has(promise)) endReaction();
    },
  });
}

/**
 * Makes continuations of user code interruptible: `mark` flags user code as running and returns
 * the undo (the server passes its InterruptState's `enterUserCode`). Installs the hooks.
 */
export function trackUserCode(mark: () => () => void): void {
  markRunning = mark;
  install();
}

/**
 * Runs user code (synchronously) in `scope`: a cell's script, a timer or comm callback. What it
 * prints or sends, now or after any of its `await`s, goes to `scope`'s request, and its
 * continuations can be interrupted. Without a scope it is a plain call.
 */
export function runUserCode<T>(scope: CellScope | undefined, fn: () => T): T {
  if (scope) install();
  const previous = creating;
  creating = scope;
  try {
    return cellContext.run(scope, fn);
  } finally {
    creating = previous;
  }
}

/** The scope of the cell whose code created `promise` (e.g. one rejected with no handler), if any. */
export function scopeOf(promise: Promise<unknown>): CellScope | undefined {
  return scopes.get(promise);
}

/**
 * Called between two turns of the event loop (the interrupt's handler): a tagged reaction still
 * "running" then was terminated by an interrupt. Puts the scope and RUNNING back and returns the
 * scope of the reaction an interrupt terminated since the last call (the cell whose code was
 * stopped; other reactions may have run, and repaired it, before this handler), or undefined.
 */
export function endTerminatedReaction(): CellScope | undefined {
  const scope = endReaction() ?? terminated;
  terminated = undefined;
  return scope;
}
