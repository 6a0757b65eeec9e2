import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../../src/losses";
import { lenet } from "../../src/models/builders";
import {
  fusedConv2d,
  fusedConv2dOp,
  unsupportedFusedConvGradientMessage,
  type FusedConvActivation,
} from "../../src/models/fusedConv2d";
import { setUpWasm, uniform } from "../wasmKernels/helpers";
import { savedInMemory } from "../optim/savedArtifacts";

interface Case {
  inputShape: [number, number, number];
  filters: number;
  kernelSize: number;
  strides: number;
  padding: "same" | "valid";
  activation: FusedConvActivation;
  useBias: boolean;
}

// LeNet's two layers, strides 2, an odd image, 3 input channels, no bias, no activation.
const CASES: Case[] = [
  {
    inputShape: [28, 28, 1],
    filters: 6,
    kernelSize: 5,
    strides: 1,
    padding: "same",
    activation: "relu",
    useBias: true,
  },
  {
    inputShape: [14, 14, 6],
    filters: 16,
    kernelSize: 5,
    strides: 1,
    padding: "valid",
    activation: "relu",
    useBias: true,
  },
  { inputShape: [9, 7, 3], filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu", useBias: true },
  {
    inputShape: [8, 11, 2],
    filters: 3,
    kernelSize: 3,
    strides: 2,
    padding: "valid",
    activation: "linear",
    useBias: true,
  },
  { inputShape: [7, 7, 3], filters: 5, kernelSize: 3, strides: 1, padding: "same", activation: "relu", useBias: false },
];

/** conv → (a ReLU layer) → dense → logits, with the convolution fused or not. */
function network(c: Case, fused: boolean): tf.Sequential {
  const args = {
    inputShape: c.inputShape,
    filters: c.filters,
    kernelSize: c.kernelSize,
    strides: c.strides,
    padding: c.padding,
    useBias: c.useBias,
  };
  const layers = fused
    ? [fusedConv2d(args, c.activation)]
    : [tf.layers.conv2d(args), tf.layers.activation({ activation: c.activation })];
  return tf.sequential({ layers: [...layers, tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
}

/** Training-mode loss and gradients (in weight order), and the inference output, read. */
function lossGradientsOutput(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y),
      variables,
    );
    const output = model.predict(x) as tf.Tensor;
    return [value, ...variables.map((v) => grads[v.name]), output].map((t) => t.dataSync() as Float32Array);
  });
}

for (const backend of ["cpu", "wasm"] as const) {
  test(`fused conv2d + bias + ReLU matches tf.layers.conv2d → activation layer (${backend}): output, loss, gradients`, async () => {
    if (backend === "wasm") await setUpWasm();
    assert.ok(await tf.setBackend(backend));
    let seed = 1;
    for (const c of CASES) {
      for (const batch of [1, 5]) {
        const fused = network(c, true);
        const reference = network(c, false);
        reference.setWeights(fused.getWeights());
        // A bias far from 0 so that the ReLU cuts and the bias sum matters.
        if (c.useBias) {
          // getWeights() hands out the variables themselves: replace, do not dispose them.
          const weights = fused.getWeights();
          const bias = tf.tensor1d(uniform(c.filters, seed++, -0.5, 0.5));
          weights[1] = bias;
          fused.setWeights(weights);
          reference.setWeights(weights);
          bias.dispose();
        }
        const size = c.inputShape[0] * c.inputShape[1] * c.inputShape[2];
        const x = tf.tensor4d(uniform(batch * size, seed++, -2, 2), [batch, ...c.inputShape]);
        const y = tf.tensor1d(
          Array.from({ length: batch }, (_, i) => (i * 7) % 3),
          "int32",
        );
        const before = tf.memory().numTensors;
        const ours = lossGradientsOutput(fused, x, y);
        const theirs = lossGradientsOutput(reference, x, y);
        assert.equal(tf.memory().numTensors, before, "no tensors left by the fused layer");
        const what = `${JSON.stringify(c)} batch ${batch}`;
        if (backend === "cpu") {
          // The same kernels in the same order: the same bits.
          assert.deepEqual(ours, theirs, what);
        } else {
          // XNNPACK's fused convolution starts each sum from the bias, the unfused one adds it last:
          // the same terms in another order, a few float32 roundings apart.
          ours.forEach((a, i) =>
            a.forEach((v, j) =>
              assert.ok(
                Math.abs(v - theirs[i][j]) <= 1e-5 * Math.max(1, Math.abs(theirs[i][j])),
                `${what} tensor ${i}[${j}]: ${v} vs ${theirs[i][j]}`,
              ),
            ),
          );
        }
        tf.dispose([x, y]);
        fused.dispose();
        reference.dispose();
      }
    }
  });
}

test("the fused layer is a Conv2D with its activation: class name, config, lenet has no Activation layers", () => {
  const layer = fusedConv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }, "relu");
  assert.equal(layer.getClassName(), "Conv2D");
  assert.equal(layer.getConfig().activation, "relu");
  assert.equal(fusedConv2d({ filters: 2, kernelSize: 3 }, "linear").getConfig().activation, "linear");
  const model = lenet({ seed: 1 });
  assert.deepEqual(
    model.layers.map((l) => l.getClassName()),
    ["Reshape", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense", "Dense"],
  );
  // A tanh LeNet keeps tf.layers' own Conv2D (its activation is applied by the layer).
  const tanh = lenet({ activation: "tanh", seed: 1 });
  assert.equal(tanh.layers[1].getConfig().activation, "tanh");
});

test("a lenet saved and loaded back gives the same outputs (plain Conv2D layers on loading)", async () => {
  await tf.setBackend("cpu");
  const model = lenet({ seed: 4 });
  const saved = await savedInMemory(model);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const x = tf.tensor2d(uniform(2 * 784, 11, 0, 1), [2, 784]);
  const [a, b] = [model, loaded].map((m) => tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()));
  assert.deepEqual(a, b);
  tf.dispose(x);
  model.dispose();
  loaded.dispose();
});

test("the FusedConv2D gradient refuses activations it does not know, with its message", async () => {
  await tf.setBackend("cpu");
  const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
  const w = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
  // Registers the gradient; then a FusedConv2D with ELU recorded on a tape has no gradient.
  const g = tf.grad((t: tf.Tensor) =>
    fusedConv2dOp(t as tf.Tensor4D, w, null, "relu", { strides: [1, 1], pad: "valid" }),
  );
  tf.dispose(g(x));
  const attrs = { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: 1, activation: "elu" };
  const elu = tf.grad(
    (t: tf.Tensor) =>
      tf.engine().runKernel(tf.FusedConv2D, { x: t, filter: w }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor,
  );
  assert.throws(() => elu(x), { message: unsupportedFusedConvGradientMessage("elu", "NHWC") });
  tf.dispose([x, w]);
});
