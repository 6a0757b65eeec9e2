import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  installedWasmKernelNames,
  installWasmKernels,
  uninstallWasmKernels,
  wasmKernelsInstalled,
} from "../../src/backend/wasmKernels";
import { assertClose, setUpWasm, uniform } from "./helpers";

/** LeNet-5 for 28×28×1 (the benchmark's CNN), weights from a fixed seed so both backends start equal. */
function lenet(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: "same",
        activation: "relu",
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu", kernelInitializer: init(2) }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: "relu", kernelInitializer: init(3) }),
      tf.layers.dense({ units: 84, activation: "relu", kernelInitializer: init(4) }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(5) }),
    ],
  });
}

const BATCH = 16;

/** Gradients of the cross-entropy loss w.r.t. every weight of a fresh LeNet, flattened in layer order. */
async function lenetGradients(backend: "cpu" | "wasm"): Promise<{ values: Float32Array; shape: number[] }> {
  if (backend === "wasm") await setUpWasm();
  assert.ok(await tf.setBackend(backend));
  const model = lenet();
  const flat = tf.tidy(() => {
    const x = tf.tensor4d(uniform(BATCH * 784, 11, 0, 1), [BATCH, 28, 28, 1]);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: BATCH }, (_, i) => i % 10),
        "int32",
      ),
      10,
    );
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar,
      variables,
    );
    return tf.concat(variables.map((v) => grads[v.name].flatten()));
  });
  const values = flat.dataSync() as Float32Array;
  const shape = flat.shape;
  flat.dispose();
  model.dispose();
  return { values, shape };
}

test("LeNet (conv + relu + max/avg pool + dense) gradients on wasm equal the cpu backend's within 1e-4", async () => {
  const cpu = await lenetGradients("cpu");
  const ours = await lenetGradients("wasm");
  assertClose(ours, cpu, 1e-4, "LeNet gradients");
});

test("a LeNet training step runs on wasm (model.fit) and leaks no tensors or wasm memory", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const model = lenet();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const x = tf.tensor4d(uniform(BATCH * 784, 5, 0, 1), [BATCH, 28, 28, 1]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => (i * 3) % 10),
      "int32",
    ),
    10,
  );
  await model.fit(x, y, { batchSize: 8, epochs: 1, verbose: 0 }); // creates the optimizer's state
  const tensorsBefore = tf.memory().numTensors;
  const dataBefore = tf.engine().backend.numDataIds();
  const history = await model.fit(x, y, { batchSize: 8, epochs: 2, verbose: 0 });
  assert.ok(
    history.history.loss.every((l) => Number.isFinite(l as number)),
    "losses are finite",
  );
  assert.equal(tf.memory().numTensors, tensorsBefore, "tensors");
  assert.equal(tf.engine().backend.numDataIds(), dataBefore, "wasm buffers (kernel temporaries are freed)");
  tf.dispose([x, y]);
  model.dispose();
});

test("uninstall restores tfjs's own wasm kernels; install is idempotent", async () => {
  await setUpWasm();
  const ours = tf.getKernel(tf.BatchMatMul, "wasm")?.kernelFunc;
  installWasmKernels();
  assert.equal(tf.getKernel(tf.BatchMatMul, "wasm")?.kernelFunc, ours, "a second install changes nothing");
  uninstallWasmKernels();
  assert.equal(wasmKernelsInstalled(), false);
  assert.notEqual(tf.getKernel(tf.BatchMatMul, "wasm")?.kernelFunc, ours, "tfjs's own BatchMatMul is back");
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, "wasm"), undefined, "stock wasm has no Conv2DBackpropFilter");
  installWasmKernels();
  assert.equal(wasmKernelsInstalled(), true);
  assert.ok(installedWasmKernelNames().includes(tf.Conv2DBackpropFilter));
});
