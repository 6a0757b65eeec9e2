import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as T from "../../src/transforms";
import { chainStateMismatchMessage } from "../../src/transforms/messages";

test("chain keeps one sub-state per link, keyed by name, repeats numbered, false links skipped", () => {
  const params = { w: tf.tensor1d([1, 2]) };
  const c = T.chain(T.clipByValue(1), false, T.scaleByAdam(), T.clipByValue(2), null, T.scaleByLearningRate(0.1));
  assert.deepEqual(
    c.links.map((l) => l.name),
    ["clipByValue", "scaleByAdam", "clipByValue#2", "scaleByLearningRate"],
  );
  const state = c.init(params);
  assert.deepEqual(Object.keys(state), ["clipByValue", "scaleByAdam", "clipByValue#2", "scaleByLearningRate"]);
  assert.equal((state.scaleByAdam as T.AdamState).count, 0);
  assert.deepEqual((state.scaleByLearningRate as T.ScaleByLearningRateState).count, 0);
  tf.dispose([params.w, ...T.stateTensors(state)]);
});

test("chain feeds each link's output to the next", () => {
  const c = T.chain(T.clipByValue(0.5), T.scaleByLearningRate(2));
  const grads = [tf.tensor1d([-3, 0.25, 3])];
  const [updates] = c.update(grads, c.init(grads));
  assert.deepEqual(Array.from(updates[0].dataSync()), [1, -0.5, -1]);
  tf.dispose([...grads, ...updates]);
});

test("a state from another chain fails loudly", () => {
  const a = T.chain(T.maximize(), T.scaleByLearningRate(1));
  const b = T.chain(T.clipByValue(1), T.scaleByLearningRate(1));
  const grads = { w: tf.scalar(1) };
  assert.throws(() => b.update(grads, a.init(grads)), {
    message: chainStateMismatchMessage(["clipByValue", "scaleByLearningRate"], ["maximize", "scaleByLearningRate"]),
  });
  grads.w.dispose();
});

test("trees that must match but do not say which keys differ", () => {
  const g = { a: tf.scalar(1) };
  const p = { b: tf.scalar(1) };
  assert.throws(
    () => T.addWeightDecay(0.1).update(g, {}, p as unknown as typeof g),
    /addWeightDecay: expected tensors for \[a\] but got \[b\]/,
  );
  tf.dispose([g.a, p.b]);
});

test("standalone use inside tf.tidy leaks nothing once the old state is disposed", () => {
  const params: tf.Variable[] = [tf.variable(tf.tensor1d([1, -1])), tf.variable(tf.scalar(0.5))];
  const opt = T.chain(T.clipByGlobalNorm(1), T.scaleByAdam({ amsgrad: true }), T.scaleByLearningRate(0.1));
  let state = opt.init(params);
  assert.equal(T.stateTensors(state).length, 6, "mu, nu and nuMax for two parameters");
  const baseline = tf.memory().numTensors;
  for (let step = 0; step < 20; step++) {
    const previous = state;
    tf.tidy(() => {
      const grads = params.map((p) => tf.mul(p, 2));
      const [updates, next] = opt.update(grads, previous, params);
      const moved = T.applyUpdates<tf.Tensor[]>(params, updates);
      params.forEach((p, i) => p.assign(moved[i]));
      for (const t of T.stateTensors(next)) tf.keep(t);
      state = next;
    });
    tf.dispose(T.stateTensors(previous));
  }
  assert.equal(tf.memory().numTensors, baseline);
  assert.ok(Math.abs(params[0].dataSync()[0]) < 1, "the quadratic is being minimized");
  tf.dispose([...params, ...T.stateTensors(state)]);
});
