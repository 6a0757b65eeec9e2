import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installWasmKernels } from "../../src/backend/wasmKernels";
import { uniform } from "./helpers";

// This file runs in its own process (node --test), so here the wasm backend is not initialised yet.
test("installing before the wasm backend initialises works, fallbacks to tfjs's kernels included", async () => {
  installWasmKernels();
  setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
  assert.ok(await tf.setBackend("wasm"));
  // A transposed product (our XNNPACK route) and a tiny batched one (tfjs's own kernel, whose
  // C++ binding is set up when the backend initialises) must both work.
  const a = tf.tensor2d(uniform(12, 1), [4, 3]);
  const b = tf.tensor2d(uniform(15, 2), [5, 3]);
  const ours = tf.matMul(a, b, false, true);
  const tiny = tf.matMul(tf.ones([2, 2, 2]), tf.ones([2, 2, 2]));
  const [av, bv, ov] = [a.dataSync(), b.dataSync(), ours.dataSync()];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 5; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += av[i * 3 + k] * bv[j * 3 + k];
      assert.ok(Math.abs(ov[i * 5 + j] - sum) < 1e-5, `a·bᵀ[${i},${j}]`);
    }
  }
  assert.deepEqual(Array.from(tiny.dataSync()), new Array(8).fill(2));
  tf.dispose([a, b, ours, tiny]);
});
