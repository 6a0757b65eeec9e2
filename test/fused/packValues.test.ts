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
