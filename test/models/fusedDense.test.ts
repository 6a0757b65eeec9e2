import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../../src/losses";
import { lenet, mlp } from "../../src/models/builders";
import { fusedDense } from "../../src/models/fusedDense";
import { countKernel, setUpWasm, uniform } from "../wasmKernels/helpers";

/** mlp's network as it was built before the fusion: dense (linear) → ReLU layer → dense. */
function unfusedMlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [12], units: 16 }),
      tf.layers.activation({ activation: "relu" }),
      tf.layers.dense({ units: 5 }),
    ],
  });
}

/** Training-mode loss and gradients (in weight order), read. */
function lossAndGradients(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y),
      variables,
    );
    return [value, ...variables.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
  });
}

for (const backend of ["cpu", "wasm"] as const) {
  test(`mlp's fused dense layers match tf.layers.dense → ReLU layer → tf.layers.dense (${backend}): output, loss, gradients`, async () => {
    if (backend === "wasm") await setUpWasm();
    assert.ok(await tf.setBackend(backend));
    const fused = mlp({ sizes: [12, 16, 5], seed: 3 });
    const reference = unfusedMlp();
    reference.setWeights(fused.getWeights());
    const x = tf.tensor2d(uniform(32 * 12, 9, -2, 2), [32, 12]);
    const y = tf.tensor1d(
      Array.from({ length: 32 }, (_, i) => (i * 7) % 5),
      "int32",
    );
    const before = tf.memory().numTensors;
    const ours = lossAndGradients(fused, x, y);
    const theirs = lossAndGradients(reference, x, y);
    assert.equal(tf.memory().numTensors, before, "no tensors left by the fused layer");
    const outputs = [fused, reference].map((m) =>
      tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync() as Float32Array),
    );
    if (backend === "cpu") {
      // The same kernels in the same order: the same bits.
      assert.deepEqual(ours, theirs);
      assert.deepEqual(outputs[0], outputs[1]);
    } else {
      // Our SIMD product vs XNNPACK's fused one: the same sums in another order.
      for (const [a, b] of [...ours.map((t, i) => [t, theirs[i]]), outputs])
        a.forEach((v, j) => assert.ok(Math.abs(v - b[j]) <= 1e-6 * Math.max(1, Math.abs(b[j])), `${v} vs ${b[j]}`));
    }
    tf.dispose([x, y]);
    fused.dispose();
    reference.dispose();
  });
}

test("the fused layer is a Dense with relu: class name, config, no separate ReLU layer", () => {
  const layer = fusedDense({ units: 3, inputShape: [2] }, "relu");
  assert.equal(layer.getClassName(), "Dense");
  assert.equal(layer.getConfig().activation, "relu");
  assert.equal(fusedDense({ units: 3 }, "linear").getConfig().activation, "linear");
  const model = mlp({ sizes: [4, 8, 8, 3], seed: 1 });
  assert.deepEqual(
    model.layers.map((l) => l.getClassName()),
    ["Dense", "Dense", "Dense"],
  );
  // Other activations and batch norm keep their own layers.
  assert.equal(mlp({ sizes: [4, 8, 3], activation: "tanh", seed: 1 }).layers.length, 3);
  assert.equal(mlp({ sizes: [4, 8, 3], batchNorm: true, seed: 1 }).layers.length, 4);
  assert.equal(lenet({ seed: 1 }).layers.filter((l) => l.getClassName() === "Activation").length, 0);
});

test("the fused layer computes only the gradients on the path: no product for the data batch's gradient; the input's gradient when asked", async () => {
  assert.ok(await tf.setBackend("cpu"));
  const fused = mlp({ sizes: [12, 16, 5], seed: 3 });
  const reference = unfusedMlp();
  reference.setWeights(fused.getWeights());
  const x = tf.tensor2d(uniform(8 * 12, 4, -2, 2), [8, 12]);
  const y = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], "int32");
  const products = countKernel(tf.BatchMatMul, () => lossAndGradients(fused, x, y));
  // Forward 2; backward: the output layer's input and weight gradients, the hidden layer's weight gradient.
  assert.equal(products, 5);
  const inputGradient = (m: tf.LayersModel) =>
    tf.tidy(() =>
      tf
        .grad((input: tf.Tensor) => crossEntropy(m.apply(input, { training: true }) as tf.Tensor, y))(x)
        .dataSync(),
    );
  assert.deepEqual(inputGradient(fused), inputGradient(reference));
  tf.dispose([x, y]);
  fused.dispose();
  reference.dispose();
});
