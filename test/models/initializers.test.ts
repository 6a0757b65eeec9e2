import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { lenet, mlp } from "../../src/models/builders";
import { fanInDimensionsMessage, initializer, type Init } from "../../src/models/initializers";
import { savedInMemory } from "../optim/savedArtifacts";

/** Mean, standard deviation and the fraction of |w − mean| > 2·`sigma` of a tensor's values. */
function moments(
  values: Float32Array | Int32Array | Uint8Array,
  sigma: number,
): { mean: number; std: number; tail: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  let beyond = 0;
  for (const v of values) {
    squares += (v - mean) ** 2;
    if (Math.abs(v) > 2 * sigma) beyond += 1;
  }
  return { mean, std: Math.sqrt(squares / values.length), tail: beyond / values.length };
}

/** P(|z| > 2) for a standard normal: a normal cut at 2σ has none. */
const NORMAL_TAIL_BEYOND_2_SIGMA = 0.0455003;

/**
 * Checks that `init` draws N(0, σ²) with σ = gain/√fanIn, uncut, for a kernel of `shape`. The
 * bounds are 5 standard errors of each statistic for n samples: std ±5/√(2n) relative, mean
 * ±5σ/√n, tail fraction ±5√(p(1−p)/n). tfjs's heNormal (cut at 2σ, no correction) has std 0.88σ
 * and no tail at all.
 */
function assertKaiming(init: Init, shape: number[], fanIn: number, gain: number, seed: number): void {
  const sigma = gain / Math.sqrt(fanIn);
  const w = initializer(init, seed).apply(shape, "float32");
  const values = w.dataSync();
  w.dispose();
  const n = values.length;
  const { mean, std, tail } = moments(values, sigma);
  const p = NORMAL_TAIL_BEYOND_2_SIGMA;
  const label = `${JSON.stringify(init)} ${JSON.stringify(shape)}`;
  assert.ok(Math.abs(std / sigma - 1) < 5 / Math.sqrt(2 * n), `${label}: std ${std} vs σ ${sigma}`);
  assert.ok(Math.abs(mean) < (5 * sigma) / Math.sqrt(n), `${label}: mean ${mean}`);
  assert.ok(Math.abs(tail - p) < 5 * Math.sqrt((p * (1 - p)) / n), `${label}: fraction beyond 2σ ${tail} vs ${p}`);
}

test('init "he" is torch\'s kaiming_normal_(fan_in, relu): uncut N(0, 2/fan_in), dense kernel [in, out] → fan_in = in', async () => {
  await tf.setBackend("cpu");
  assertKaiming("he", [2048, 2048], 2048, Math.SQRT2, 1);
  // A non-square kernel: fan_in is the input size (the first axis in tfjs's [in, out] layout).
  assertKaiming("he", [512, 4096], 512, Math.SQRT2, 2);
});

test('init "he" on a conv kernel [kh, kw, inC, outC]: fan_in = kh·kw·inC (torch\'s in·receptive field)', async () => {
  await tf.setBackend("cpu");
  assertKaiming("he", [5, 5, 64, 128], 5 * 5 * 64, Math.SQRT2, 3);
  assertKaiming("he", [3, 3, 16, 2048], 3 * 3 * 16, Math.SQRT2, 4);
});

test('init "lecun" is kaiming_normal_(nonlinearity="linear"): uncut N(0, 1/fan_in)', async () => {
  await tf.setBackend("cpu");
  assertKaiming("lecun", [2048, 2048], 2048, 1, 5);
  assertKaiming("lecun", [5, 5, 64, 128], 5 * 5 * 64, 1, 6);
});

test("the layers of a built model get He's scale: mlp's dense kernels and lenet's conv kernels", async () => {
  await tf.setBackend("cpu");
  const model = mlp({ sizes: [1024, 1024, 10], init: "he", seed: 7 });
  const kernel = model.layers[0].getWeights()[0];
  const { std } = moments(kernel.dataSync(), 1);
  assert.ok(Math.abs(std / Math.sqrt(2 / 1024) - 1) < 5 / Math.sqrt(2 * 1024 * 1024), `mlp kernel std ${std}`);
  model.dispose();
  // lenet's second conv kernel is [5, 5, 6, 16]: 2400 weights, fan_in 150.
  const net = lenet({ seed: 8 });
  const conv = net.layers.flatMap((layer) => layer.getWeights()).find((w) => w.shape.length === 4 && w.shape[2] === 6);
  assert.ok(conv);
  const convStd = moments(conv.dataSync(), 1).std;
  assert.ok(Math.abs(convStd / Math.sqrt(2 / 150) - 1) < 5 / Math.sqrt(2 * 2400), `lenet conv std ${convStd}`);
  net.dispose();
});

test("same seed → same weights, another seed → other weights", async () => {
  await tf.setBackend("cpu");
  for (const init of ["he", "lecun"] as const) {
    const [a, b, c] = [11, 11, 12].map((s) => {
      const w = initializer(init, s).apply([64, 32], "float32");
      const values = Array.from(w.dataSync());
      w.dispose();
      return values;
    });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  }
});

test("a kernel of fewer than 2 dimensions has no fan_in: torch's message", async () => {
  await tf.setBackend("cpu");
  assert.throws(() => initializer("he", 1).apply([10], "float32"), { message: fanInDimensionsMessage() });
});

test('a model built with init "he" saves and loads back: same weights, and its topology rebuilds the same weights from the seed', async () => {
  await tf.setBackend("cpu");
  const model = mlp({ sizes: [20, 16, 3], init: "he", seed: 9 });
  const saved = await savedInMemory(model);
  assert.match(JSON.stringify(saved.modelTopology), /"class_name":"OptimlabKaimingNormal"/);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
  const weights = (m: tf.LayersModel): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(weights(loaded), weights(model));
  // Without the weights, the topology alone builds the layers with the deserialized initializer.
  const rebuilt = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: saved.modelTopology }));
  assert.deepEqual(weights(rebuilt), weights(model));
  model.dispose();
  loaded.dispose();
  rebuilt.dispose();
});
