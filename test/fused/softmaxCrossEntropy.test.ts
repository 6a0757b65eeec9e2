import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  fusedSoftmaxCrossEntropy,
  fusedSoftmaxCrossEntropyAvailable,
  registerCpuFusedKernels,
} from "../../src/backend/fused";
import { softmaxCrossEntropyWithGradient } from "../../src/backend/fused/softmaxCrossEntropy";
import { setUpWasm as setUpWasmOnly, uniform } from "../wasmKernels/helpers";

async function setUpWasm(): Promise<void> {
  await setUpWasmOnly();
  registerCpuFusedKernels();
}

/** The op path `losses.crossEntropy` runs without the fused op (no weight, smoothing or ignored labels). */
function opPath(logits: tf.Tensor2D, labels: tf.Tensor1D, reduction: "mean" | "sum"): tf.Scalar {
  const logProbs = tf.logSoftmax(logits, 1);
  const oneHot = tf.oneHot(labels, logits.shape[1]).toFloat();
  const perSample = tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1));
  return (reduction === "sum" ? tf.sum(perSample) : tf.div(tf.sum(perSample), labels.size)) as tf.Scalar;
}

function lossAndGrad(
  loss: (x: tf.Tensor2D) => tf.Scalar,
  logits: tf.Tensor2D,
  dy: number,
): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.mul(loss(x as tf.Tensor2D), dy) as tf.Scalar)(logits);
    return { value: value.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

function differing(a: Float32Array, b: Float32Array): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++;
  return count;
}

test("fused softmax cross-entropy: the op path's loss and gradient bits on cpu; on wasm within 1 ulp (exp/log)", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    assert.ok(fusedSoftmaxCrossEntropyAvailable(), backend);
    let lossDiffs = 0;
    let gradDiffs = 0;
    let values = 0;
    let worst = 0;
    for (let trial = 0; trial < 40; trial++) {
      const [n, c] = trial % 4 === 0 ? [7, 3] : [64, 10];
      const scale = [0.1, 3, 30, 300][trial % 4];
      const logits = tf.tensor2d(uniform(n * c, 100 + trial, -scale, scale), [n, c]);
      const labels = tf.tensor1d(
        uniform(n, 200 + trial, 0, c).map((v) => Math.min(c - 1, Math.floor(v))),
        "int32",
      );
      for (const reduction of ["mean", "sum"] as const) {
        const dy = reduction === "mean" ? 1 : 0.37;
        const fused = lossAndGrad((x) => fusedSoftmaxCrossEntropy(x, labels, reduction), logits, dy);
        const ops = lossAndGrad((x) => opPath(x, labels, reduction), logits, dy);
        lossDiffs += differing(fused.value, ops.value);
        gradDiffs += differing(fused.grad, ops.grad);
        values += fused.grad.length;
        worst = Math.max(worst, Math.abs(fused.value[0] - ops.value[0]) / Math.abs(ops.value[0]));
        for (let i = 0; i < ops.grad.length; i++) {
          // 1 ulp of exp(logp) scaled by s, relative to the largest gradient entry.
          assert.ok(Math.abs(fused.grad[i] - ops.grad[i]) <= 2 ** -23 * Math.abs(dy), `${backend}: grad ${i}`);
        }
      }
      tf.dispose([logits, labels]);
    }
    if (backend === "cpu") {
      assert.equal(lossDiffs, 0, "cpu: loss bits");
      assert.equal(gradDiffs, 0, "cpu: gradient bits");
    } else {
      // expf/logf vs Math.exp/Math.log rounded: a rare 1-ulp difference, carried into the loss.
      assert.ok(worst <= 4 * 2 ** -24, `wasm: loss relative difference ${worst}`);
      assert.ok(gradDiffs <= values / 100, `wasm: ${gradDiffs} of ${values} gradient values differ`);
    }
  }
});

test("fused softmax cross-entropy: NaN and infinite logits give a NaN loss, as the op path", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const logits = tf.tensor2d([1, bad, 0, 2, 1, 0], [2, 3]);
      const labels = tf.tensor1d([0, 2], "int32");
      const fused = tf.tidy(() => fusedSoftmaxCrossEntropy(logits, labels, "mean").dataSync()[0]);
      const ops = tf.tidy(() => opPath(logits, labels, "mean").dataSync()[0]);
      assert.ok(Object.is(fused, ops), `${backend} ${bad}: ${fused} vs ${ops}`);
      tf.dispose([logits, labels]);
    }
  }
});

test("fused softmax cross-entropy leaks no tensors, in and out of a gradient", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const logits = tf.tensor2d(uniform(40, 7), [4, 10]);
    const labels = tf.tensor1d([1, 2, 3, 9], "int32");
    const before = tf.memory().numTensors;
    tf.dispose(fusedSoftmaxCrossEntropy(logits, labels, "mean"));
    tf.dispose(tf.grad((x: tf.Tensor) => fusedSoftmaxCrossEntropy(x as tf.Tensor2D, labels, "mean"))(logits));
    assert.equal(tf.memory().numTensors, before, backend);
    tf.dispose([logits, labels]);
  }
});

test("softmaxCrossEntropyWithGradient: the taped op's loss and gradient (dy = 1) bits, in one kernel, no tensors left", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    for (let trial = 0; trial < 24; trial++) {
      const [n, c] = trial % 3 === 0 ? [5, 3] : [64, 10];
      const scale = [0.1, 3, 30, 300][trial % 4];
      const values = uniform(n * c, 300 + trial, -scale, scale);
      if (trial >= 20) values[trial % values.length] = [NaN, Infinity, -Infinity, 1e30][trial - 20];
      const logits = tf.tensor2d(values, [n, c]);
      const labels = tf.tensor1d(
        uniform(n, 400 + trial, 0, c).map((v) => Math.min(c - 1, Math.floor(v))),
        "int32",
      );
      for (const reduction of ["mean", "sum"] as const) {
        const taped = lossAndGrad((x) => fusedSoftmaxCrossEntropy(x, labels, reduction), logits, 1);
        const before = tf.memory().numTensors;
        const { loss, gradient } = softmaxCrossEntropyWithGradient(logits, labels, reduction);
        assert.equal(tf.memory().numTensors, before + 2, `${backend}: the loss and the gradient only`);
        assert.deepEqual(gradient.shape, [n, c]);
        const where = `${backend} trial ${trial} ${reduction}`;
        assert.equal(differing(loss.dataSync() as Float32Array, taped.value), 0, `${where}: loss bits`);
        assert.equal(differing(gradient.dataSync() as Float32Array, taped.grad), 0, `${where}: gradient bits`);
        tf.dispose([loss, gradient]);
      }
      tf.dispose([logits, labels]);
    }
  }
});
