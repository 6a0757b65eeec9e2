/**
 * Losses of empty tensors: torch gives NaN for the mean (0/0) and 0 for the sum, on every backend.
 * tfjs's wasm reductions over zero elements read uninitialised memory (3.57e-41, 1.0006, …).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { use } from "../../src/backend";
import * as losses from "../../src/losses";

type Case = { name: string; run: (reduction: "mean" | "sum") => tf.Tensor };

const cases: Case[] = [
  { name: "mse", run: (reduction) => losses.mse(tf.zeros([0]), tf.zeros([0]), { reduction }) },
  { name: "l1", run: (reduction) => losses.l1(tf.zeros([0, 2]), tf.zeros([0, 2]), { reduction }) },
  { name: "huber", run: (reduction) => losses.huber(tf.zeros([0]), tf.zeros([0]), { reduction }) },
  { name: "bce", run: (reduction) => losses.bce(tf.zeros([0]), tf.zeros([0]), { reduction }) },
  { name: "bceWithLogits", run: (reduction) => losses.bceWithLogits(tf.zeros([0]), tf.zeros([0]), { reduction }) },
  {
    name: "crossEntropy (class indices)",
    run: (reduction) => losses.crossEntropy(tf.zeros([0, 3]), tf.zeros([0], "int32"), { reduction }),
  },
  {
    name: "crossEntropy (weighted, smoothed)",
    run: (reduction) =>
      losses.crossEntropy(tf.zeros([0, 3]), tf.zeros([0], "int32"), {
        reduction,
        weight: [1, 2, 3],
        labelSmoothing: 0.1,
      }),
  },
  {
    name: "crossEntropy (probabilities)",
    run: (reduction) => losses.crossEntropy(tf.zeros([0, 3]), tf.zeros([0, 3]), { reduction }),
  },
];

for (const backend of ["wasm", "cpu"] as const) {
  for (const c of cases) {
    test(`${backend}: ${c.name} of an empty batch is NaN for the mean and 0 for the sum, as torch`, async () => {
      await use(backend);
      const before = tf.memory().numTensors;
      const values = tf.tidy(() => ({ mean: c.run("mean").dataSync()[0], sum: c.run("sum").dataSync()[0] }));
      assert.ok(Number.isNaN(values.mean), `mean: got ${values.mean}`);
      assert.equal(Math.abs(values.sum), 0, `sum: got ${values.sum}`);
      assert.equal(tf.memory().numTensors, before);
    });
  }
}

test("crossEntropy with every label ignored is NaN for the mean (torch: 0/0)", async () => {
  await use("wasm");
  const value = tf.tidy(() => losses.crossEntropy(tf.zeros([2, 3]), tf.tensor1d([-100, -100], "int32")).dataSync()[0]);
  assert.ok(Number.isNaN(value), `got ${value}`);
});

test("the gradient of an empty batch's loss exists (an empty tensor), as in torch", async () => {
  await use("wasm");
  const x = tf.zeros([0, 2]);
  const g = tf.grad((input: tf.Tensor) => losses.mse(input, tf.zeros([0, 2])))(x);
  assert.deepEqual(g.shape, [0, 2]);
  tf.dispose([x, g]);
});
