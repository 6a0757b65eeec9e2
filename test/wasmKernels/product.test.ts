/**
 * src/backend/wasmKernels/product.ts: the product on the wasm backend's heap with its step-list
 * scratch taken from that heap — right for a small and then a larger k (the scratch is enlarged),
 * with no tensor record left behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { runProduct } from "../../src/backend/wasmKernels/product";
import { tensorData, wasmMemory, type WasmBackend } from "../../src/backend/wasmKernels/wasmBackend";
import { referenceProduct } from "../backend/referenceProduct";
import { setUpWasm, uniform } from "./helpers";

test("runProduct: zero-skipping products with k = 40, then 3,000, then 40 again equal the in-order reference bit for bit", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const backend = tf.backend() as unknown as WasmBackend;
  const memory = wasmMemory(backend);
  assert.ok(memory);
  const buffersBefore = tf.memory().numBytes;
  const dataIdsBefore = tf.engine().backend.numDataIds();
  let seed = 5;
  for (const [m, k, n] of [
    [64, 40, 24],
    [48, 3000, 16],
    [40, 40, 12],
  ]) {
    // Three quarters of A zero (whole steps for every block of 4 rows), as MNIST's background.
    const aValues = uniform(m * k, seed++).map((v, i) => ((i % k) % 4 === 0 ? v : 0));
    const a = tf.tensor2d(aValues, [m, k]);
    const b = tf.tensor2d(uniform(k * n, seed++), [k, n]);
    const c = tf.fill([m, n], NaN);
    const at = (t: tf.Tensor) => tensorData(backend, t).memoryOffset;
    runProduct(backend, memory, m, k, n, "rows", at(a), at(b), at(c));
    const want = referenceProduct(a.dataSync() as Float32Array, b.dataSync() as Float32Array, m, k, n, "rows");
    assert.deepEqual(
      new Uint32Array((c.dataSync() as Float32Array).slice().buffer),
      new Uint32Array(want.buffer),
      `${m}×${k}×${n}`,
    );
    tf.dispose([a, b, c]);
  }
  assert.equal(tf.memory().numBytes, buffersBefore);
  assert.equal(tf.engine().backend.numDataIds(), dataIdsBefore, "the scratch is no tensor record");
});
