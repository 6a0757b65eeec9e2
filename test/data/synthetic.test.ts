import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  blobs,
  invalidCountMessage,
  invalidNoiseMessage,
  linearRegression,
  polynomialRegression,
  spirals,
  twoMoons,
  weightDecayRegression,
} from "../../src/data/synthetic";
import {
  invalidFractionMessage,
  invalidLabelsMessage,
  oneHot,
  labelTooLargeMessage,
  negativeLabelMessage,
  fractionalLabelMessage,
  splitTooSmallMessage,
  standardize,
  trainValidationSplit,
} from "../../src/data/preprocess";

test("synthetic sets have the documented shapes and are reproducible from the seed", () => {
  const makers = [
    () => linearRegression({ n: 50, features: 3, seed: 1 }),
    () => polynomialRegression({ n: 40, seed: 1 }),
    () => twoMoons({ n: 30, seed: 1 }),
    () => spirals({ n: 30, classes: 3, seed: 1 }),
    () => blobs({ n: 30, centers: 3, seed: 1 }),
  ];
  const shapes = [
    [
      [50, 3],
      [50, 1],
    ],
    [
      [40, 1],
      [40, 1],
    ],
    [[30, 2], [30]],
    [[30, 2], [30]],
    [[30, 2], [30]],
  ];
  makers.forEach((make, i) => {
    const a = make();
    const b = make();
    assert.deepEqual([a.x.shape, a.y.shape], shapes[i]);
    assert.deepEqual(a.x.dataSync(), b.x.dataSync());
    assert.deepEqual(a.y.dataSync(), b.y.dataSync());
    tf.dispose([a.x, a.y, b.x, b.y]);
  });
  const other = twoMoons({ n: 30, seed: 2 });
  const first = twoMoons({ n: 30, seed: 1 });
  assert.notDeepEqual(other.x.dataSync(), first.x.dataSync());
  tf.dispose([other.x, other.y, first.x, first.y]);
});

test("linear regression without noise is exactly x·w + b", () => {
  const data = linearRegression({ n: 4, weights: [2, -1], bias: 0.5, noise: 0, seed: 3 });
  const expected = tf.tidy(() => tf.add(tf.matMul(data.x, tf.tensor2d([2, -1], [2, 1])), 0.5));
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(expected, data.y)))).dataSync()[0] < 1e-5);
  assert.deepEqual(data.trueWeights, [2, -1]);
  tf.dispose([data.x, data.y, expected]);
});

test("weightDecayRegression: d=200, 20 train / 100 validation, y ≈ 0.05 + Σ 0.01 x", () => {
  const set = weightDecayRegression({ seed: 0 });
  assert.deepEqual(set.train.x.shape, [20, 200]);
  assert.deepEqual(set.validation.x.shape, [100, 200]);
  assert.deepEqual(set.validation.y.shape, [100, 1]);
  const residual = tf.tidy(() =>
    tf.sub(set.validation.y, tf.add(tf.mul(tf.sum(set.validation.x, 1, true), 0.01), 0.05)),
  );
  const std = tf.tidy(() => tf.sqrt(tf.moments(residual).variance)).dataSync()[0];
  assert.ok(std > 0.005 && std < 0.015, `noise std ${std}`);
  tf.dispose([set.train.x, set.train.y, set.validation.x, set.validation.y, residual]);
});

test("synthetic makers reject bad sizes and noise", () => {
  assert.throws(() => twoMoons({ n: 0 }), { message: invalidCountMessage("n", 0) });
  assert.throws(() => linearRegression({ noise: -1 }), { message: invalidNoiseMessage(-1) });
  assert.throws(() => spirals({ classes: 1.5 }), { message: invalidCountMessage("classes", 1.5) });
});

test("trainValidationSplit, standardize (train stats only) and oneHot", () => {
  const data = blobs({
    n: 10,
    centers: [
      [0, 0],
      [10, 10],
    ],
    std: 1,
    seed: 4,
  });
  const { train, validation } = trainValidationSplit(data, { validation: 0.3, seed: 1 });
  assert.equal(train.x.shape[0], 7);
  assert.equal(validation.x.shape[0], 3);
  const stats = standardize(train.x);
  const scaled = stats.apply(train.x);
  const moments = tf.moments(scaled, 0);
  for (const m of moments.mean.dataSync()) assert.ok(Math.abs(m) < 1e-5);
  for (const v of moments.variance.dataSync()) assert.ok(Math.abs(v - 1) < 1e-4);
  const constant = standardize(tf.ones([3, 1]));
  assert.deepEqual(Array.from(constant.apply(tf.ones([3, 1])).dataSync()), [0, 0, 0]);
  assert.deepEqual(Array.from(oneHot(tf.tensor1d([2, 0], "int32"), 3).dataSync()), [0, 0, 1, 1, 0, 0]);
  assert.throws(() => trainValidationSplit(data, { validation: 1 }), { message: invalidFractionMessage(1) });
  assert.throws(() => trainValidationSplit(data, { validation: 0.01 }), { message: splitTooSmallMessage(10, 0.01) });
  assert.throws(() => oneHot(tf.zeros([2, 2]), 3), {
    message: invalidLabelsMessage("expected a 1-D tensor of class indices, got shape [2, 2]"),
  });
});

test("oneHot rejects labels outside 0 … classes - 1 and fractional labels with torch's F.one_hot messages", () => {
  const cases: [number[], string][] = [
    [[0, 3], labelTooLargeMessage(3, 3)],
    [[0, -1], negativeLabelMessage(-1)],
    [[0, 1.7], fractionalLabelMessage(1.7)],
    [[0, Number.NaN], fractionalLabelMessage(Number.NaN)],
  ];
  for (const [labels, message] of cases) assert.throws(() => oneHot(tf.tensor1d(labels), 3), { message });
  assert.throws(() => oneHot(tf.tensor1d([0, 5], "int32"), 3), { message: labelTooLargeMessage(5, 3) });
  assert.match(labelTooLargeMessage(3, 3), /^Class values must be smaller than num_classes\. oneHot got the label 3/);
  assert.match(negativeLabelMessage(-1), /^Class values must be non-negative\. /);
  assert.match(fractionalLabelMessage(1.7), /^one_hot is only applicable to index tensor\. /);
  // Float labels with integer values are class indices.
  assert.deepEqual(Array.from(oneHot(tf.tensor1d([1, 0]), 2).dataSync()), [0, 1, 1, 0]);
});
