/**
 * An uncaught error in a script that uses optimlab is reported by Node as usual: its message and
 * stack, not 50 KB of tfjs-backend-wasm's minified source (Emscripten's rethrowing listeners,
 * src/backend/emscriptenListeners.ts), on the single-threaded and the threaded build; a listener
 * the script installed itself still runs.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { removeEmscriptenListeners } from "../../src/backend/emscriptenListeners";

const script = path.join(__dirname, "uncaughtErrorChild.ts");

function runChild(env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, [...process.execArgv, script], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe("an uncaught error after the wasm backend started", () => {
  for (const threads of ["1", "2"]) {
    it(`is reported with its message, without tfjs's source (OPTIMLAB_WASM_THREADS=${threads})`, () => {
      const run = runChild({ OPTIMLAB_WASM_THREADS: threads });
      assert.match(run.stdout, /backend wasm/);
      assert.equal(run.status, 1, run.stderr.slice(-2000));
      assert.match(run.stderr, /Error: a bug in the user's script/);
      assert.doesNotMatch(run.stderr, /var Module=|WasmBackendModule|ExitStatus/);
      assert.ok(run.stderr.length < 5000, `stderr has ${run.stderr.length} characters`);
    });
  }

  it("leaves a listener the script installed in place", () => {
    const run = runChild({ OPTIMLAB_WASM_THREADS: "1", UNCAUGHT_CHILD_OWN_LISTENER: "1" });
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    assert.match(run.stdout, /own listener: a bug in the user's script/);
  });
});

describe("removeEmscriptenListeners", () => {
  it("removes only listeners with Emscripten's rethrowing source", () => {
    // The two shapes of Emscripten's glue; their sources are what is matched.
    class ExitStatus {}
    const rethrowException = function (ex: unknown) {
      if (!(ex instanceof ExitStatus)) {
        throw ex;
      }
    };
    const rethrowRejection = function (reason: unknown) {
      throw reason;
    };
    const own = (error: Error) => void error;
    // Other test files share this process (scripts/tests.mjs runs unit files in two processes): a
    // wasm build one of them started may have added its own listeners since it was removed.
    removeEmscriptenListeners();
    process.on("uncaughtException", rethrowException);
    process.on("unhandledRejection", rethrowRejection);
    process.on("uncaughtException", own);
    try {
      assert.equal(removeEmscriptenListeners(), 2);
      assert.ok(!process.listeners("uncaughtException").includes(rethrowException));
      assert.ok(!process.listeners("unhandledRejection").includes(rethrowRejection));
      assert.ok(process.listeners("uncaughtException").includes(own));
    } finally {
      process.off("uncaughtException", rethrowException);
      process.off("unhandledRejection", rethrowRejection);
      process.off("uncaughtException", own);
    }
  });
});
