import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { COLUMN_SUM_KERNEL, fusedColumnSum, registerCpuFusedKernels } from "../../src/backend/fused";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

test("fusedColumnSum: one kernel, the bits of tf.sum(x, 0) on cpu and wasm; 0 for no rows", async () => {
  await setUpWasm();
  registerCpuFusedKernels();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    assert.ok(tf.getKernel(COLUMN_SUM_KERNEL, backend), backend);
    for (const [n, c, scale] of [
      [64, 10, 1],
      [67, 13, 30],
      [1, 5, 1],
      [200, 1, 1000],
      [0, 4, 1],
    ]) {
      const x = tf.tensor2d(uniform(n * c, n + c, -scale, scale), [n, c]);
      const ours = fusedColumnSum(x);
      const theirs = tf.sum(x, 0);
      assert.deepEqual(ours.shape, theirs.shape);
      // No rows: 0 (tfjs's wasm Sum over zero elements returns stale memory, see docs).
      const expected = n === 0 ? new Array<number>(c).fill(0) : Array.from(theirs.dataSync());
      assert.deepEqual(Array.from(ours.dataSync()), expected, `${backend} [${n}, ${c}]`);
      tf.dispose([x, ours, theirs]);
    }
  }
});
