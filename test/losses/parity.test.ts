import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as losses from "../../src/losses";
import { assertAllClose, flatten, loadLossCases, toTensor } from "./fixtures";

type LossFn = (input: tf.Tensor, target: tf.Tensor, options: Record<string, unknown>) => tf.Tensor;

/** Fixture loss name → ours (options come straight from the fixture, camelCase). */
const LOSSES: Record<string, LossFn> = {
  mse: (a, b, o) => losses.mse(a, b, o as unknown as { reduction: "none" }),
  l1: (a, b, o) => losses.l1(a, b, o as { reduction: "none" }),
  huber: (a, b, o) => losses.huber(a, b, o as unknown as losses.HuberOptions & { reduction: "none" }),
  crossEntropy: (a, b, o) =>
    losses.crossEntropy(a, b, o as unknown as losses.CrossEntropyOptions & { reduction: "none" }),
  bce: (a, b, o) => losses.bce(a, b, o as unknown as losses.BceOptions & { reduction: "none" }),
  bceWithLogits: (a, b, o) =>
    losses.bceWithLogits(a, b, o as unknown as losses.BceWithLogitsOptions & { reduction: "none" }),
};

const cases = loadLossCases();

describe("losses match torch.nn.functional (test/fixtures/losses.json)", () => {
  it("has fixtures for every loss", () => {
    assert.deepEqual([...new Set(cases.map((c) => c.loss))].sort(), Object.keys(LOSSES).sort());
  });

  for (const c of cases) {
    it(`${c.name}: value within 1e-6 relative, input gradient within 1e-5 (torch float64); within 3e-6 / 3e-5 of torch float32`, () => {
      const before = tf.memory().numTensors;
      const [input, target] = c.args.map(toTensor);
      const loss = LOSSES[c.loss];
      const value = loss(input, target, c.options);
      assert.deepEqual(value.shape, Array.isArray(c.value) ? c.args[0].shape.slice(0, value.rank) : []);
      assertAllClose(value.dataSync(), flatten(c.value), "value", 1e-6);
      // torch's own float32 result differs from float64 by up to ~1e-6 where log-sum-exp cancels.
      assertAllClose(value.dataSync(), flatten(c.valueFloat32), "value vs torch float32", 3e-6);
      // torch's fixture gradient is d(sum(loss))/d(input).
      const grad = tf.grad((x: tf.Tensor) => tf.sum(loss(x, target, c.options)))(input);
      assertAllClose(grad.dataSync(), flatten(c.grad), "grad", 1e-5);
      assertAllClose(grad.dataSync(), flatten(c.gradFloat32), "grad vs torch float32", 3e-5);
      tf.dispose([input, target, value, grad]);
      assert.equal(tf.memory().numTensors, before, "no tensors leaked");
    });
  }

  it("bceWithLogits stays finite for logits of ±100 and bce for sigmoid(±100)", () => {
    tf.tidy(() => {
      const logits = tf.tensor1d([100, -100, 100, -100]);
      const targets = tf.tensor1d([0, 1, 1, 0]);
      const fromLogits = losses.bceWithLogits(logits, targets, { reduction: "none" }).arraySync() as number[];
      assert.deepEqual(
        fromLogits.map((v) => Math.round(v)),
        [100, 100, 0, 0],
      );
      const fromProbs = losses.bce(tf.sigmoid(logits), targets, { reduction: "none" }).arraySync() as number[];
      assert.ok(fromProbs.every((v) => Number.isFinite(v) && v <= 100));
    });
  });
});
