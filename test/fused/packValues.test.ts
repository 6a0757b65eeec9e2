import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { fusedGlobalNorm, fusedPackValues, PACK_VALUES_KERNEL, registerCpuFusedKernels } from "../../src/backend/fused";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

test("fusedPackValues: one kernel, the bits of stacking the scalars and fusedGlobalNorm's norms (cpu, wasm)", async () => {
  await setUpWasm();
  registerCpuFusedKernels();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    assert.ok(tf.getKernel(PACK_VALUES_KERNEL, backend), backend);
    const loss = tf.scalar(2.3025851);
    const metric = tf.scalar(0.125);
    const grads = [
      tf.tensor2d(uniform(784 * 13, 1), [784, 13]),
      tf.tensor1d(uniform(13, 2)),
      tf.tensor1d(uniform(7, 3)),
    ];
    const weights = [tf.tensor2d(uniform(30 * 5, 4, -3, 3), [30, 5]), tf.tensor1d(uniform(5, 5))];
    const slots = [loss, { normOf: grads }, { normOf: weights }, { normOf: [] }, metric];
    const packed = fusedPackValues(slots);
    const reference = tf.stack([loss, fusedGlobalNorm(grads), fusedGlobalNorm(weights), fusedGlobalNorm([]), metric]);
    assert.deepEqual(packed.shape, [5]);
    assert.deepEqual(Array.from(packed.dataSync()), Array.from(reference.dataSync()), backend);
    tf.dispose([loss, metric, ...grads, ...weights, packed, reference]);
  }
});

test("fusedPackValues reads its scalars and writes its vector right after the wasm heap grows", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const loss = tf.scalar(1.5);
  const metric = tf.scalar(-0.25);
  const grads = [tf.tensor1d([3, 4])];
  const first = fusedPackValues([loss, { normOf: grads }, metric]);
  assert.deepEqual(Array.from(first.dataSync()), [1.5, 5, -0.25]);
  // A tensor as large as the whole heap makes it grow, which detaches every view of the old buffer.
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
  const bytesBefore = heap.buffer.byteLength;
  const big = tf.zeros([bytesBefore / 4 + 1024]);
  const grown = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
  assert.ok(grown > bytesBefore, "the heap grew");
  const second = fusedPackValues([metric, { normOf: grads }, loss]);
  assert.deepEqual(Array.from(second.dataSync()), [-0.25, 5, 1.5]);
  tf.dispose([loss, metric, ...grads, first, big, second]);
});
