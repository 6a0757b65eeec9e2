/** Each transformation on small inputs whose results are worked out by hand. */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as T from "../../src/transforms";
import * as messages from "../../src/transforms/messages";

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
const close = (actual: number[], expected: number[], tol = 1e-6): void =>
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `entry ${i}: ${a} vs ${expected[i]}`));

/** Runs `transform` over the gradient sequence and returns each step's updates. */
function updatesFor(transform: T.GradientTransformation, grads: number[][], params?: number[]): number[][] {
  return tf.tidy(() => {
    const p = params ? [tf.tensor1d(params)] : undefined;
    let state = transform.init(p ?? [tf.tensor1d(grads[0])]);
    return grads.map((g) => {
      const [u, next] = transform.update([tf.tensor1d(g)], state, p);
      state = next;
      return values(u[0]);
    });
  });
}

test("traceMomentum: the buffer starts as the first gradient, dampening applies from step 2", () => {
  const out = updatesFor(T.traceMomentum({ momentum: 0.9, dampening: 0.5 }), [
    [1, 2],
    [3, 4],
  ]);
  close(out[0], [1, 2]);
  close(out[1], [0.9 * 1 + 0.5 * 3, 0.9 * 2 + 0.5 * 4]);
});

test("traceMomentum with Nesterov returns g + μ·b", () => {
  const out = updatesFor(T.traceMomentum({ momentum: 0.9, nesterov: true }), [
    [1, 2],
    [3, 4],
  ]);
  close(out[0], [1.9, 3.8]);
  close(out[1], [3 + 0.9 * 3.9, 4 + 0.9 * 5.8]);
});

test("traceMomentum with momentum 0 passes updates through and keeps its state", () => {
  tf.tidy(() => {
    const t = T.traceMomentum({ momentum: 0, dampening: 0.3 });
    const g = [tf.tensor1d([1, 2])];
    const state = t.init(g);
    const [u, next] = t.update(g, state);
    assert.equal(u, g);
    assert.equal(next, state);
  });
});

test("clipByGlobalNorm uses torch's coef = maxNorm / (norm + 1e-6), capped at 1", () => {
  tf.tidy(() => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor2d([[4]]) };
    const [clipped] = T.clipByGlobalNorm(1).update(grads, {});
    close(values(clipped.a), [3 / (5 + 1e-6)], 1e-7);
    close(values(clipped.b), [4 / (5 + 1e-6)], 1e-7);
    const [unchanged] = T.clipByGlobalNorm(10).update(grads, {});
    assert.deepEqual(values(unchanged.a), [3]);
    assert.deepEqual(values(unchanged.b), [4]);
  });
  assert.throws(() => T.clipByGlobalNorm(0), { message: messages.invalidClipValueMessage("clipByGlobalNorm", 0) });
});

test("clipByValue clamps every element", () => {
  assert.deepEqual(updatesFor(T.clipByValue(0.5), [[-2, 0.25, 0.75]])[0], [-0.5, 0.25, 0.5]);
  assert.throws(() => T.clipByValue(-1), { message: messages.invalidClipValueMessage("clipByValue", -1) });
});

test("maximize flips the sign", () => {
  assert.deepEqual(updatesFor(T.maximize(), [[1, -2]])[0], [-1, 2]);
});

test("addWeightDecay adds λθ to the leaves its filter accepts (list keys are indices)", () => {
  tf.tidy(() => {
    const grads = [tf.tensor1d([1]), tf.tensor1d([1])];
    const params = [tf.tensor1d([2]), tf.tensor1d([2])];
    const [u] = T.addWeightDecay(0.5, (key) => key === "0").update(grads, {}, params);
    assert.deepEqual(u.map(values), [[2], [1]]);
    assert.throws(() => T.addWeightDecay(0.5).update(grads, {}), {
      message: messages.paramsRequiredMessage("addWeightDecay"),
    });
  });
});

test("decoupledWeightDecay before scaleByLearningRate gives θ -= lr·λ·θ with the lr read at that step", () => {
  let lr = 0.1;
  const t = T.chain(
    T.decoupledWeightDecay(0.5),
    T.scaleByLearningRate(() => lr),
  );
  tf.tidy(() => {
    const params = { w: tf.tensor1d([2]) };
    const zero = { w: tf.tensor1d([0]) };
    let state = t.init(params);
    let u: typeof zero;
    [u, state] = t.update(zero, state, params);
    close(values(u.w), [-0.1 * 0.5 * 2]);
    lr = 0.01;
    [u] = t.update(zero, state, params);
    close(values(u.w), [-0.01 * 0.5 * 2]);
  });
});

test("scaleByLearningRate negates and scales, calling a schedule with the 0-based step", () => {
  const steps: number[] = [];
  const out = updatesFor(
    T.scaleByLearningRate((step) => {
      steps.push(step);
      return 0.1 * (step + 1);
    }),
    [[1], [1], [1]],
  );
  assert.deepEqual(steps, [0, 1, 2]);
  close(out.flat(), [-0.1, -0.2, -0.3]);
});

test("averagedStep without the parameters says so with the transforms' shared message", () => {
  tf.tidy(() => {
    const params = [tf.tensor1d([1, 2])];
    const t = T.averagedStep(0.1);
    assert.throws(() => t.update([tf.tensor1d([0.1, 0.1])], t.init(params)), {
      message: messages.paramsRequiredMessage("averagedStep"),
    });
  });
});

test("proximalL1 soft-thresholds after the step and leaves exact zeros", () => {
  tf.tidy(() => {
    const params = [tf.tensor1d([1, 0.05, -0.03, -1])];
    const updates = [tf.tensor1d([-0.1, 0, 0, 0.2])];
    const t = T.proximalL1(1, 0.1);
    const [u] = t.update(updates, t.init(params), params);
    const next = values(T.applyUpdates(params, u)[0]);
    close(next, [0.8, 0, 0, -0.7]);
    assert.ok(next[1] === 0 && next[2] === 0, `exact zeros, got ${next[1]}, ${next[2]}`);
    assert.throws(() => t.update(updates, t.init(params)), { message: messages.paramsRequiredMessage("proximalL1") });
  });
});

test("scaleByAdam's first step is g / (|g| + ε') (bias corrections cancel), in doubles from the integer step", () => {
  close(updatesFor(T.scaleByAdam(), [[2, -3]])[0], [1, -1]);
  assert.equal(T.biasCorrection(0.9, 1), 1 - 0.9);
  assert.equal(T.biasCorrection(0.999, 3), 1 - 0.999 ** 3);
});

test("scaleByAdam with amsgrad normalises by the running maximum of v", () => {
  const [, second] = updatesFor(T.scaleByAdam({ amsgrad: true, betas: [0, 0.5] }), [[4], [1]]);
  // β1 = 0: m = g. v: 8 then 4.5; vMax stays 8; bc2 = 0.75 → denominator sqrt(8 / 0.75).
  close(second, [1 / Math.sqrt(8 / 0.75)], 1e-6);
});

test("scaleByRms: g / (sqrt(E[g²]) + ε), centered subtracts E[g]²", () => {
  close(updatesFor(T.scaleByRms({ alpha: 0.5, eps: 0 }), [[2]])[0], [2 / Math.sqrt(2)]);
  close(updatesFor(T.scaleByRms({ alpha: 0.5, eps: 0, centered: true }), [[2]])[0], [2 / Math.sqrt(2 - 1)]);
});

test("scaleByAdagrad: initial accumulator and lr decay", () => {
  const out = updatesFor(T.scaleByAdagrad({ initialAccumulatorValue: 5, lrDecay: 1, eps: 0 }), [[2], [2]]);
  close(out[0], [2 / 3]);
  close(out[1], [2 / Math.sqrt(13) / 2]);
});

test("scaleByAdadelta: first step is sqrt(ε)/sqrt((1-ρ)g² + ε)·g", () => {
  close(
    updatesFor(T.scaleByAdadelta({ rho: 0.9, eps: 1e-6 }), [[1]])[0],
    [Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6)],
    1e-9,
  );
});

test("scaleByAdamax: m / max(β2·u, |g| + ε) / (1 - β1^t)", () => {
  close(updatesFor(T.scaleByAdamax({ eps: 0 }), [[-2]])[0], [-1]);
});

test("scaleByRadam takes un-adapted momentum steps while ρ_t ≤ 5", () => {
  assert.equal(T.radamRectification(0.999, 1), undefined);
  assert.ok((T.radamRectification(0.999, 10) ?? 0) > 0);
  close(updatesFor(T.scaleByRadam(), [[3]])[0], [3]);
});

test("scaleByNadam keeps torch's float32 μ-product", () => {
  tf.tidy(() => {
    const t = T.scaleByNadam();
    const g = [tf.tensor1d([1])];
    const [, state] = t.update(g, t.init(g));
    const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004);
    assert.equal(state.muProduct, Math.fround(Math.fround(mu1)));
    assert.equal(state.count, 1);
  });
});
