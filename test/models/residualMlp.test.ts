import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { residualMlp, invalidResidualOptionMessage } from "../../src/models/residualMlp";
import { invalidActivationMessage } from "../../src/models/builders";
import { parameterCount } from "../../src/models/summary";

/** The forward pass written out with tensor ops from the model's own weights. */
function manualForward(
  model: tf.LayersModel,
  x: tf.Tensor2D,
  skip: boolean,
  act: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const w = model.getWeights();
  const layer = (h: tf.Tensor, k: number) => tf.add(tf.matMul(h as tf.Tensor2D, w[2 * k] as tf.Tensor2D), w[2 * k + 1]);
  const blocks = w.length / 2 - 2;
  let h = act(layer(x, 0));
  for (let k = 1; k <= blocks; k++) {
    const branch = act(layer(h, k));
    h = skip ? tf.add(h, branch) : branch;
  }
  return layer(h, blocks + 1);
}

test("residualMlp: shapes and parameter count (stem, depth blocks, head)", () => {
  const model = residualMlp({ inputs: 6, width: 5, depth: 3, outputs: 4, seed: 1 });
  assert.deepEqual(model.outputs[0].shape, [null, 4]);
  assert.equal(parameterCount(model), 6 * 5 + 5 + 3 * (5 * 5 + 5) + 5 * 4 + 4);
  model.dispose();
});

test("residualMlp: skip and plain nets start from identical weights for one seed", () => {
  const withSkip = residualMlp({ inputs: 4, width: 3, depth: 4, outputs: 2, activation: "tanh", seed: 7 });
  const plain = residualMlp({ inputs: 4, width: 3, depth: 4, outputs: 2, activation: "tanh", seed: 7, skip: false });
  const a = withSkip.getWeights().map((t) => Array.from(t.dataSync()));
  const b = plain.getWeights().map((t) => Array.from(t.dataSync()));
  assert.deepEqual(a, b);
  const other = residualMlp({ inputs: 4, width: 3, depth: 4, outputs: 2, activation: "tanh", seed: 8 });
  assert.notDeepEqual(
    other.getWeights().map((t) => Array.from(t.dataSync())),
    a,
  );
  withSkip.dispose();
  plain.dispose();
  other.dispose();
});

test("residualMlp: the forward pass is h ← h + act(Wh + b) with skip, h ← act(Wh + b) without", () => {
  const x = tf.randomNormal([5, 4], 0, 1, "float32", 3) as tf.Tensor2D;
  for (const skip of [true, false]) {
    for (const [activation, act] of [
      ["sigmoid", (t: tf.Tensor) => tf.sigmoid(t)],
      ["relu", (t: tf.Tensor) => tf.relu(t)],
    ] as const) {
      const model = residualMlp({ inputs: 4, width: 3, depth: 3, outputs: 2, activation, skip, seed: 2 });
      const got = (model.predict(x) as tf.Tensor).arraySync() as number[][];
      const want = manualForward(model, x, skip, act).arraySync() as number[][];
      got
        .flat()
        .forEach((v, i) =>
          assert.ok(Math.abs(v - want.flat()[i]) < 1e-5, `${activation}, skip ${skip}: ${v} vs ${want.flat()[i]}`),
        );
      model.dispose();
    }
  }
  x.dispose();
});

test("residualMlp: the skip path carries the output's gradient to the first layer of a deep sigmoid net", () => {
  // With 20 sigmoid blocks the plain net's first-layer gradient vanishes; the skip connection keeps it.
  const x = tf.randomUniform([32, 8], 0, 1, "float32", 4);
  const y = tf.tensor1d(
    Array.from({ length: 32 }, (_, i) => i % 3),
    "int32",
  );
  const firstKernelGrad = (skip: boolean) => {
    const model = residualMlp({ inputs: 8, width: 16, depth: 20, outputs: 3, activation: "sigmoid", skip, seed: 5 });
    const kernel = model.layers.find((l) => l.getClassName() === "Dense")!.trainableWeights[0].read() as tf.Variable;
    const norm = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 3), model.apply(x) as tf.Tensor) as tf.Scalar,
        [kernel],
      );
      value.dispose();
      return grads[kernel.name].norm().dataSync()[0];
    });
    model.dispose();
    return norm;
  };
  const plain = firstKernelGrad(false);
  const residual = firstKernelGrad(true);
  assert.ok(residual > 100 * plain, `first-layer gradient: residual ${residual} vs plain ${plain}`);
  x.dispose();
  y.dispose();
});

test("residualMlp: bad options are named in the error", () => {
  assert.throws(() => residualMlp({ inputs: 4, width: 0, depth: 2, outputs: 2 }), {
    message: invalidResidualOptionMessage("width", 0),
  });
  assert.throws(() => residualMlp({ inputs: 4, width: 3, depth: 1.5, outputs: 2 }), {
    message: invalidResidualOptionMessage("depth", 1.5),
  });
  assert.throws(() => residualMlp({ inputs: 4, width: 3, depth: 2, outputs: 2, activation: "gelu" as never }), {
    message: invalidActivationMessage("gelu"),
  });
});
