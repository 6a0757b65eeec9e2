/**
 * Keeps a comm callback's output scope across its `await`s.
 *
 * A widget callback (`observe`, `onClick`, an `interact` run) runs in the scope of the front end's
 * `comm_msg` (kernel/output.ts), but that scope is a plain "current request" variable: the server
 * leaves it when the message is handled, so `console.log` after an `await` in the callback had no
 * request to go to and landed in the kernel's log. Here every promise created while a callback runs
 * (including the one behind each `await`) is tagged with the callback's scope, and each reaction of
 * a tagged promise (the code after an `await`, a `.then` callback) runs with that scope current.
 *
 * Why V8's promise hooks and not AsyncLocalStorage: see kernel/output.ts (Node 20's async hooks abort
 * the process when an interrupt terminates a promise continuation). These hooks keep no stack of
 * Node's: a terminated continuation only skips its `after`, and the next tagged reaction repairs it.
 * Only promises created inside a callback are tagged, so the server's own awaits and cells keep the
 * plain variable's behaviour; the hooks are installed at the first callback (widgets in use).
 */
import { promiseHooks } from "node:v8";
import { cellContext, type CellScope } from "./output";

/** Scope of each promise created inside a comm callback (or a continuation of one). */
const scopes = new WeakMap<Promise<unknown>, CellScope>();
/** The callback scope that code runs in now: promises created now get it. */
let creating: CellScope | undefined;
/** The tagged reaction running now: how to put things back when it ends. */
let reaction: { leave: () => void; creating: CellScope | undefined } | undefined;
let installed = false;

function endReaction(): void {
  const ending = reaction;
  if (!ending) return;
  reaction = undefined;
  creating = ending.creating;
  ending.leave();
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
      endReaction();
      reaction = { leave: cellContext.enter(scope), creating };
      creating = scope;
    },
    after(promise) {
      if (scopes.has(promise)) endReaction();
    },
  });
}

/**
 * Runs a comm callback (synchronously) in `scope`; what it prints or sends, now or after any of its
 * `await`s, goes to `scope`'s request. Without a scope it is a plain call.
 */
export function runCallback<T>(scope: CellScope | undefined, fn: () => T): T {
  if (scope) install();
  const previous = creating;
  creating = scope;
  try {
    return cellContext.run(scope, fn);
  } finally {
    creating = previous;
  }
}
