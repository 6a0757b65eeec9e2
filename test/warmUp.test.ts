/**
 * src/warmUp.ts leaves nothing a user can see: a seeded fit gives the same bits after it as in a
 * process that never warmed up, the global seed stream and tf.layers' layer-name counters are where
 * they were, and no tensor is left behind.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready, seed, nextSeed } from "../src/backend";
import { crossEntropy } from "../src/losses";
import { mlp } from "../src/models";
import { Adam } from "../src/optim";
import { fit } from "../src/train";
import { warmUp } from "../src";

/** A seeded fit of models.mlp (global stream: weights and data order) → its losses and final weights' bits. */
async function seededRun(): Promise<{ losses: number[]; weights: Uint32Array[]; firstLayer: string }> {
  seed(11);
  const model = mlp({ sizes: [784, 128, 10] });
  const x = tf.randomUniform([256, 784], 0, 1, "float32", 1);
  const y = tf.randomUniform([256], 0, 10, "int32", 2);
  const history = await fit(model, {
    optimizer: new Adam({ lr: 1e-3 }),
    loss: crossEntropy,
    train: { x, y },
    epochs: 2,
    batchSize: 64,
    progress: false,
  });
  const weights = model.getWeights().map((w) => new Uint32Array((w.dataSync() as Float32Array).slice().buffer));
  const firstLayer = model.layers[0].name;
  model.dispose();
  tf.dispose([x, y]);
  return { losses: history.epochs.map((e) => e.loss), weights, firstLayer };
}

/** The number tf.layers appended to a default layer name ("dense_Dense7" → 7). */
function layerNumber(name: string): number {
  const match = /(\d+)$/.exec(name);
  assert.ok(match, name);
  return Number(match[1]);
}

test("a seeded fit gives the same bits with and without a warm-up before it", async () => {
  await ready();
  const before = await seededRun(); // this process has not warmed up yet
  const tensors = tf.memory().numTensors;
  seed(11);
  const report = await warmUp({ steps: 4, tapeSteps: 4 });
  assert.equal(report.steps, 8, "both paths ran");
  assert.equal(tf.memory().numTensors, tensors, "the warm-up disposes everything it made");
  // The stream is where seed(11) put it: the warm-up drew nothing from it.
  const drawn = nextSeed();
  seed(11);
  assert.equal(drawn, nextSeed());
  const after = await seededRun();
  assert.deepEqual(after.losses, before.losses);
  assert.equal(after.weights.length, before.weights.length);
  after.weights.forEach((w, i) => assert.deepEqual(w, before.weights[i], `weight ${i}`));
  // Between the two models only the first model's two layers used up names: none by the warm-up.
  assert.equal(layerNumber(after.firstLayer), layerNumber(before.firstLayer) + 2);
});

test("shouldStop ends the warm-up after the chunk it is asked in", async () => {
  await ready();
  let asked = 0;
  const report = await warmUp({
    steps: 64,
    shouldStop: () => {
      asked++;
      return true;
    },
  });
  assert.equal(asked, 1);
  assert.equal(report.steps, 16);
});
