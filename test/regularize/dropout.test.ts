import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { dropout } from "../../src/regularize";

describe("dropout: seeded inverted dropout with torch's rules", () => {
  const x = tf.fill([200, 50], 2);

  it("zeroes about p of the units and scales the kept ones by 1/(1 − p)", () => {
    const y = dropout(x, 0.3, { seed: 11 });
    const values = Array.from(y.dataSync());
    const zeros = values.filter((v) => v === 0).length;
    const scaled = values.filter((v) => Math.abs(v - 2 / 0.7) < 1e-6).length;
    assert.equal(zeros + scaled, values.length, "every unit is either dropped or scaled");
    // 10,000 Bernoulli(0.3) draws: the fraction is within 0.3 ± 0.02 (over 4 standard deviations).
    assert.ok(Math.abs(zeros / values.length - 0.3) < 0.02, `dropped fraction ${zeros / values.length}`);
    y.dispose();
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const a = dropout(x, 0.5, { seed: 3 });
    const b = dropout(x, 0.5, { seed: 3 });
    const c = dropout(x, 0.5, { seed: 4 });
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    assert.notDeepEqual(Array.from(a.dataSync()), Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });

  it("p = 0 and evaluation mode are the identity (a copy), p = 1 gives zeros", () => {
    const small = tf.tensor2d([
      [1, -2],
      [3, 4],
    ]);
    for (const y of [dropout(small, 0), dropout(small, 0.9, { training: false })]) {
      assert.notEqual(y, small, "a new tensor the caller owns");
      assert.deepEqual(y.arraySync(), [
        [1, -2],
        [3, 4],
      ]);
      y.dispose();
    }
    const zeros = dropout(small, 1);
    assert.deepEqual(Array.from(zeros.dataSync()), [0, 0, 0, 0]);
    tf.dispose([zeros, small]);
  });

  it("rejects probabilities outside [0, 1] with torch's message", () => {
    for (const p of [-0.1, 1.5, NaN]) {
      assert.throws(() => dropout(x, p), { message: `dropout probability has to be between 0 and 1, but got ${p}` });
    }
  });

  it("passes gradients only through kept units, scaled", () => {
    const v = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]);
    const mask = dropout(tf.onesLike(v), 0.5, { seed: 9 });
    const g = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, 0.5, { seed: 9 })))(v);
    assert.deepEqual(Array.from(g.dataSync()), Array.from(mask.dataSync()));
    tf.dispose([v, mask, g]);
  });

  it("leaks no tensors across repeated calls", () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) dropout(x, 0.2, { seed: i }).dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
