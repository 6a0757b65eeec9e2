/**
 * Emscripten's Node glue in tfjs-backend-wasm (both builds) adds an `uncaughtException` and an
 * `unhandledRejection` listener that only rethrow. Rethrown from inside a one-line minified file,
 * every uncaught error of a user's script then comes with ~50 KB of that file's source on stderr,
 * and the real message is lost at the bottom. Node's own reporting is what the user needs.
 */

/** The rethrowing listeners' sources with whitespace and semicolons removed (minified or not). */
const RETHROWERS = new Set(["function(ex){if(!(exinstanceofExitStatus)){throwex}}", "function(reason){throwreason}"]);

function isEmscriptenRethrower(listener: unknown): boolean {
  return typeof listener === "function" && RETHROWERS.has(listener.toString().replace(/[\s;]/g, ""));
}

/**
 * Removes Emscripten's rethrowing process listeners (after the wasm module has started), and
 * only those: a listener anyone else added, e.g. the Jupyter kernel's, stays. Returns how many.
 */
export function removeEmscriptenListeners(): number {
  const emitter: NodeJS.EventEmitter = process; // the untyped view: both events at once
  let removed = 0;
  for (const event of ["uncaughtException", "unhandledRejection"]) {
    for (const listener of emitter.listeners(event)) {
      if (isEmscriptenRethrower(listener)) {
        emitter.off(event, listener as (...args: unknown[]) => void);
        removed++;
      }
    }
  }
  return removed;
}
