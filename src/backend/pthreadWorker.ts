/**
 * The script that each thread of tfjs-backend-wasm's threaded build runs (a Node `worker_threads`
 * Worker, started by Emscripten from this file's path; see wasmThreads.ts).
 *
 * tfjs ships the worker code only as a string (`wasmWorkerContents`) for a `blob:` URL, which
 * Node's Worker rejects (ERR_WORKER_PATH); this file runs that string. It is plain JavaScript on
 * purpose (no imports, no type syntax): Node runs it as CommonJS both compiled (`dist/…/*.js`) and
 * as the `.ts` source when the tests run from sources.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-implied-eval -- plain JavaScript, see above */
(() => {
  const {
    wasmWorkerContents,
  } = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js");
  // The string holds "\n" escapes inside string literals as real newlines; tfjs re-escapes them
  // the same way before it makes its blob. The code expects CommonJS's `require` and `__filename`.
  new Function("require", "__filename", wasmWorkerContents.replace(/\n/g, "\\n"))(require, __filename);
})();
