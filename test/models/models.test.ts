import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  invalidActivationMessage,
  invalidLenetMessage,
  invalidSizesMessage,
  lenet,
  linear,
  logistic,
  mlp,
} from "../../src/models/builders";
import { invalidInitMessage } from "../../src/models/initializers";
import { SeededDropout, invalidDropoutRateMessage } from "../../src/models/seededDropout";
import { parameterCount } from "../../src/models/summary";
import { residualMlp } from "../../src/models/residualMlp";
import { dropoutProbability } from "../../src/regularize/messages";
import { seed } from "../../src/backend/random";

function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

test("builders give the documented shapes and parameter counts", () => {
  const model = mlp({ sizes: [4, 8, 3], seed: 1 });
  assert.deepEqual(model.outputs[0].shape, [null, 3]);
  assert.equal(parameterCount(model), 4 * 8 + 8 + 8 * 3 + 3);
  assert.deepEqual(linear({ inputs: 5 }).outputs[0].shape, [null, 1]);
  assert.deepEqual(logistic({ inputs: 5 }).outputs[0].shape, [null, 1]);
  assert.deepEqual(logistic({ inputs: 5, classes: 4 }).outputs[0].shape, [null, 4]);
  const mnistNet = lenet();
  assert.equal(parameterCount(mnistNet), 61706); // LeNet-5 on padded 28×28 MNIST
  const cifarNet = lenet({ channels: 3, size: 32, flatInput: false });
  assert.deepEqual(cifarNet.inputs[0].shape, [null, 32, 32, 3]);
  assert.equal(parameterCount(cifarNet), 62006);
  const out = tf.tidy(() => mnistNet.predict(tf.zeros([2, 784])) as tf.Tensor);
  assert.deepEqual(out.shape, [2, 10]);
  out.dispose();
});

test("the same seed builds bit-identical weights; seed(n) drives the default", () => {
  assert.deepEqual(weightsOf(mlp({ sizes: [3, 5, 2], seed: 42 })), weightsOf(mlp({ sizes: [3, 5, 2], seed: 42 })));
  assert.notDeepEqual(weightsOf(mlp({ sizes: [3, 5, 2], seed: 42 })), weightsOf(mlp({ sizes: [3, 5, 2], seed: 43 })));
  seed(5);
  const a = weightsOf(lenet({ seed: undefined }));
  seed(5);
  assert.deepEqual(weightsOf(lenet()), a);
});

test("init { std } sets the weight scale (vanishing/exploding demos)", () => {
  const small = mlp({ sizes: [200, 200, 1], init: { std: 0.01 }, seed: 1 });
  const kernel = small.getWeights()[0];
  const std = tf.tidy(() => tf.sqrt(tf.moments(kernel).variance)).dataSync()[0];
  assert.ok(Math.abs(std - 0.01) < 0.001, `std ${std}`);
});

test("seeded dropout: active only in training, a fresh mask each step, reproducible from the seed", () => {
  const model = mlp({ sizes: [1, 64, 1], dropout: 0.5, init: { std: 1 }, seed: 3 });
  const x = tf.ones([1, 1]);
  const run = (m: tf.LayersModel, training: boolean) =>
    tf.tidy(() => Array.from((m.apply(x, { training }) as tf.Tensor).dataSync()));
  const inference = run(model, false);
  assert.deepEqual(run(model, false), inference);
  const step1 = run(model, true);
  const step2 = run(model, true);
  assert.notDeepEqual(step1, inference);
  assert.notDeepEqual(step1, step2);
  const twin = mlp({ sizes: [1, 64, 1], dropout: 0.5, init: { std: 1 }, seed: 3 });
  assert.deepEqual(run(twin, true), step1);
  assert.deepEqual(run(twin, true), step2);
  // Why a custom layer: tfjs's seeded dropout repeats one mask forever.
  const tfDropout = tf.layers.dropout({ rate: 0.5, seed: 1 });
  const ones = tf.ones([1, 32]);
  const masks = tf.tidy(() =>
    [0, 1].map(() => Array.from((tfDropout.apply(ones, { training: true }) as tf.Tensor).dataSync())),
  );
  assert.deepEqual(masks[0], masks[1]);
  tf.dispose([x, ones]);
});

test("SeededDropout keeps about 1 − p of the units and scales them by 1/(1 − p)", () => {
  const layer = new SeededDropout({ rate: 0.25, seed: 9 });
  const out = tf.tidy(() => layer.apply(tf.ones([1, 4000]), { training: true }) as tf.Tensor);
  const values = Array.from(out.dataSync());
  const kept = values.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
  assert.ok(Math.abs(kept.length / 4000 - 0.75) < 0.03);
  out.dispose();
  assert.throws(() => new SeededDropout({ rate: 1, seed: 0 }), { message: invalidDropoutRateMessage(1) });
});

test("builders reject bad options with exact messages", () => {
  assert.throws(() => mlp({ sizes: [3] }), { message: invalidSizesMessage([3]) });
  assert.throws(() => mlp({ sizes: [3, 0] }), { message: invalidSizesMessage([3, 0]) });
  assert.throws(() => mlp({ sizes: [3, 2], activation: "gelu" as "relu" }), {
    message: invalidActivationMessage("gelu"),
  });
  assert.throws(() => mlp({ sizes: [3, 2], init: { std: -1 } }), { message: invalidInitMessage({ std: -1 }) });
  assert.throws(() => lenet({ size: 64 as 28 }), { message: invalidLenetMessage("size", 64) });
  assert.throws(() => linear({ inputs: 0 }), { message: "Invalid inputs: 0 (expected a positive integer)" });
});

test("batchNorm MLP trains in training mode (batch statistics) and infers with moving statistics", () => {
  const model = mlp({ sizes: [2, 4, 1], batchNorm: true, seed: 2 });
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 7],
  ]);
  const train = tf.tidy(() => Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync()));
  const infer = tf.tidy(() => Array.from((model.apply(x, { training: false }) as tf.Tensor).dataSync()));
  assert.notDeepEqual(train, infer);
  x.dispose();
});

test("mlp and lenet reject a dropout rate below 0 or NaN with torch's nn.Dropout message (it was silently no dropout)", () => {
  for (const rate of [-0.1, Number.NaN, 1.5, "0.5"]) {
    const message = dropoutProbability(rate);
    assert.throws(() => mlp({ sizes: [2, 4, 2], dropout: rate as number }), { message }, String(rate));
    assert.throws(() => lenet({ dropout: rate as number }), { message }, String(rate));
  }
  assert.equal(dropoutProbability(-0.1), "dropout probability has to be between 0 and 1, but got -0.1");
  assert.throws(() => mlp({ sizes: [2, 4, 2], dropout: 1 }), { message: invalidDropoutRateMessage(1) });
});

test("model builders reject unknown options, naming the one meant and the valid ones (torch: unexpected keyword argument)", () => {
  assert.throws(() => mlp({ sizes: [2, 4, 2], dropOut: 0.5 } as never), {
    name: "TypeError",
    message:
      "mlp() got an unexpected option 'dropOut' (did you mean 'dropout'?); its options are sizes, activation, dropout, batchNorm, init, seed",
  });
  assert.throws(
    () => linear({ inputs: 2, output: 3 } as never),
    /^TypeError: linear\(\) got an unexpected option 'output' \(did you mean 'outputs'\?\)/,
  );
  assert.throws(
    () => logistic({ inputs: 2, num_classes: 3 } as never),
    /^TypeError: logistic\(\) got an unexpected option 'num_classes'/,
  );
  assert.throws(
    () => lenet({ in_channels: 3 } as never),
    /^TypeError: lenet\(\) got an unexpected option 'in_channels'/,
  );
  assert.throws(
    () => residualMlp({ inputs: 2, width: 4, depth: 1, outputs: 2, skips: true } as never),
    /^TypeError: residualMlp\(\) got an unexpected option 'skips' \(did you mean 'skip'\?\)/,
  );
});
