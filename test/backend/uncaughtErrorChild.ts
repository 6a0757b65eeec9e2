/**
 * Child process of uncaughtError.test.ts: starts the backend (OPTIMLAB_WASM_THREADS picks the build),
 * optionally installs its own `uncaughtException` listener first (UNCAUGHT_CHILD_OWN_LISTENER=1),
 * then throws an error nobody catches, as a user's script with a bug does.
 */
import { ready } from "../../src/backend";

async function main(): Promise<void> {
  if (process.env.UNCAUGHT_CHILD_OWN_LISTENER === "1") {
    process.on("uncaughtException", (error) => {
      console.log(`own listener: ${error.message}`);
    });
  }
  const info = await ready();
  console.log(`backend ${info.name}, ${info.wasmThreads ?? 1} thread(s)`);
  setImmediate(() => {
    throw new Error("a bug in the user's script");
  });
}

void main();
