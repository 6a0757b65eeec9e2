import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Adam, RMSprop, SGD } from "../../src/optim";
import { fusedGlobalNorm } from "../../src/backend/fused";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

interface DataIdCount {
  numDataIds(): number;
}

test("training steps on wasm (fused optimizer kernels, SIMD products, norms) leak no tensors and no wasm buffers", async () => {
  await setUpWasm();
  const x = tf.tensor2d(uniform(32 * 24, 1), [32, 24]);
  const y = tf.tensor2d(uniform(32 * 16, 2), [32, 16]);
  for (const make of [
    () => new Adam({ lr: 1e-2, amsgrad: true }),
    () => new SGD({ lr: 0.1, momentum: 0.9, nesterov: true }),
    () => new RMSprop({ centered: true }),
  ]) {
    const w = tf.variable(tf.tensor2d(uniform(24 * 16, 3), [24, 16]));
    const b = tf.variable(tf.zeros([16]));
    const optimizer = make();
    const step = () => {
      const loss = optimizer.minimize(
        () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar,
        true,
      );
      const norm = fusedGlobalNorm([w, b]);
      tf.dispose([loss as tf.Scalar, norm]);
    };
    for (let i = 0; i < 3; i++) step(); // optimizer state is created on the first step
    const tensors = tf.memory().numTensors;
    const dataIds = (tf.backend() as unknown as DataIdCount).numDataIds();
    for (let i = 0; i < 50; i++) step();
    assert.equal(tf.memory().numTensors, tensors, `${optimizer.getClassName()}: tensors`);
    assert.equal(
      (tf.backend() as unknown as DataIdCount).numDataIds(),
      dataIds,
      `${optimizer.getClassName()}: wasm buffers`,
    );
    optimizer.dispose();
    tf.dispose([w, b]);
  }
  tf.dispose([x, y]);
});
