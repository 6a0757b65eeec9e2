/**
 * |x| at exactly 0: torch's gradient is sign(0) = 0; tfjs's Abs gradient gives −1 there, which
 * pushed a weight that an L1 penalty had driven to exactly 0 off it again (found by a QA pass).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { l1 } from "../../src/losses";
import { elasticNet, l1Penalty } from "../../src/regularize";

const gradOf = (f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor): number[] =>
  tf.tidy(() => Array.from(tf.grad(f)(x).dataSync()));

test("l1's gradient at a zero difference is 0, as torch's (values unchanged)", () => {
  const y = tf.tensor1d([0, 1, 2]);
  const x = tf.tensor1d([0, 1.5, 2]);
  assert.deepEqual(
    gradOf((v) => l1(v, y, { reduction: "sum" }), x),
    [0, 1, 0],
  );
  assert.equal(l1(x, y, { reduction: "sum" }).dataSync()[0], 0.5);
  tf.dispose([x, y]);
});

test("l1Penalty and elasticNet leave a weight at exactly 0 with gradient 0 (torch: [0, .01, −.01, 0])", () => {
  const w = tf.tensor2d([
    [0, 0.5],
    [-0.5, 0],
  ]);
  const c = Math.fround(0.01);
  assert.deepEqual(
    gradOf((v) => l1Penalty({ w: v }, 0.01), w),
    [0, c, -c, 0],
  );
  assert.deepEqual(
    gradOf((v) => elasticNet({ w: v }, { l1: 0.01, l2: 0 }), w),
    [0, c, -c, 0],
  );
  assert.equal(l1Penalty({ w }, 0.01).dataSync()[0], c);
  w.dispose();
});
