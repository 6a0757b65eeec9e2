import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  beale,
  booth,
  himmelblau,
  invalidConditionMessage,
  quadratic,
  rastrigin,
  rosenbrock,
  rotatedQuadratic,
  saddle,
} from "../../src/surfaces/functions";
import { invalidStartMessage, invalidStepsMessage, trajectories, trajectory } from "../../src/surfaces/trajectory";
import { Random } from "../../src/backend/random";
import { SGD } from "../../src/optim/sgd";
import { Adam } from "../../src/optim/adam";
import { invalidLearningRateMessage } from "../../src/optim/errors";

const all = [
  quadratic(),
  rotatedQuadratic({ condition: 50, angle: 0.3 }),
  rosenbrock(),
  beale(),
  booth(),
  himmelblau(),
  saddle(),
  rastrigin(),
];

test("analytic gradients match tf.grad and values match the tensor form", () => {
  const random = new Random(1);
  for (const surface of all) {
    for (let k = 0; k < 5; k++) {
      const x = surface.bounds.x[0] + (surface.bounds.x[1] - surface.bounds.x[0]) * random.uniform();
      const y = surface.bounds.y[0] + (surface.bounds.y[1] - surface.bounds.y[0]) * random.uniform();
      const [value, grad] = tf.tidy(() => {
        const p = tf.tensor1d([x, y], "float32");
        return [
          surface.tensorValue(p).dataSync()[0],
          Array.from(
            tf
              .grad((q: tf.Tensor) => surface.tensorValue(q))(p)
              .dataSync(),
          ),
        ];
      });
      const expected = surface.gradient(x, y);
      const scale = Math.max(1, Math.abs(expected[0]), Math.abs(expected[1]));
      assert.ok(
        Math.abs(value - surface.value(x, y)) <= 1e-4 * Math.max(1, Math.abs(value)),
        `${surface.name} value at ${x},${y}`,
      );
      expected.forEach((g, i) =>
        assert.ok(Math.abs(g - grad[i]) <= 2e-4 * scale, `${surface.name} ∂${i} at (${x}, ${y}): ${g} vs ${grad[i]}`),
      );
    }
  }
});

test("listed minima are stationary points with the minimum value", () => {
  for (const surface of all) {
    for (const [x, y] of surface.minima) {
      const [gx, gy] = surface.gradient(x, y);
      assert.ok(Math.hypot(gx, gy) < 1e-3, `${surface.name} ∇ at (${x}, ${y}) = ${gx}, ${gy}`);
      assert.ok(surface.value(x, y) < 1e-8, surface.name);
    }
  }
  assert.deepEqual(saddle().gradient(0, 0), [0, -0]);
  assert.throws(() => rotatedQuadratic({ condition: 0.5 }), { message: invalidConditionMessage(0.5) });
});

test("SGD on 0.1x² + 2y² follows the closed form x_k = x₀(1 − 2·a·lr)^k", async () => {
  const run = await trajectory(quadratic(), new SGD({ lr: 0.1 }), { start: [-8, 1.5], steps: 20 });
  assert.equal(run.path.length, 21);
  assert.equal(run.loss.length, 21);
  for (const [k, [x, y]] of run.path.entries()) {
    assert.ok(Math.abs(x - -8 * 0.98 ** k) < 1e-4, `x_${k}`);
    assert.ok(Math.abs(y - 1.5 * 0.6 ** k) < 1e-5, `y_${k}`);
  }
  assert.equal(run.diverged, false);
});

test("trajectory dispatches no more kernels than the bare optimizer loop, and leaks nothing", async () => {
  // Work counted in kernel dispatches (the same on every run), not in milliseconds: a timed
  // comparison failed whenever the shared CI machine slowed one of the two loops.
  // tf.profile returns the engine's one profile object, reset by the next call: read it at once.
  const bareRun = await tf.profile(() => {
    const bare = tf.variable(tf.tensor1d([-1.5, 2]), true, "bare-loop");
    const bareOptimizer = new Adam({ lr: 0.05 });
    for (let i = 0; i < 200; i++) {
      const [x, y] = bare.dataSync();
      tf.tidy(() => bareOptimizer.applyGradients({ [bare.name]: tf.tensor1d(rosenbrock().gradient(x, y)) }));
    }
    bare.dispose();
    bareOptimizer.dispose();
    return tf.scalar(0);
  });
  const bareKernels = bareRun.kernels.length;
  tf.dispose(bareRun.result);
  const before = tf.memory().numTensors;
  let run: Awaited<ReturnType<typeof trajectory>> | undefined;
  const trajectoryRun = await tf.profile(async () => {
    run = await trajectory(rosenbrock(), () => new Adam({ lr: 0.05 }), { steps: 200 });
    return tf.scalar(0);
  });
  assert.ok(run);
  assert.ok(bareKernels >= 200, `${bareKernels} kernels in the bare loop`);
  // The bare loop's kernels plus at most the variable's creation (a cast or a copy of the start).
  assert.ok(
    trajectoryRun.kernels.length <= bareKernels + 2,
    `${trajectoryRun.kernels.length} kernels against the bare loop's ${bareKernels}`,
  );
  assert.ok(run.loss[200] < run.loss[0] / 2, `loss ${run.loss[0]} → ${run.loss[200]}`);
  tf.dispose(trajectoryRun.result);
  assert.equal(tf.memory().numTensors, before);
});

test("gradient noise is seeded; too large a step diverges without throwing", async () => {
  const a = await trajectory(booth(), () => new SGD({ lr: 0.01 }), { steps: 30, gradNoise: 1, seed: 5 });
  const b = await trajectory(booth(), () => new SGD({ lr: 0.01 }), { steps: 30, gradNoise: 1, seed: 5 });
  const clean = await trajectory(booth(), () => new SGD({ lr: 0.01 }), { steps: 30 });
  assert.deepEqual(a.path, b.path);
  assert.notDeepEqual(a.path, clean.path);
  const blowUp = await trajectory(quadratic(), () => new SGD({ lr: 2 }), { steps: 400 });
  assert.equal(blowUp.diverged, true);
  assert.ok(blowUp.path.length < 401);
  const runs = await trajectories(
    saddle(),
    { sgd: () => new SGD({ lr: 0.1 }), adam: () => new Adam({ lr: 0.1 }) },
    { steps: 10 },
  );
  assert.deepEqual(
    runs.map((r) => r.name),
    ["sgd", "adam"],
  );
});

test("trajectory rejects bad steps, start and learning rate", async () => {
  await assert.rejects(
    trajectory(booth(), () => new SGD({ lr: 0.1 }), { steps: 0 }),
    { message: invalidStepsMessage(0) },
  );
  await assert.rejects(
    trajectory(booth(), () => new SGD({ lr: 0.1 }), { start: [1, Number.NaN] }),
    { message: invalidStartMessage([1, Number.NaN]) },
  );
  const zero = new SGD({ lr: 0.1 });
  zero.lr = 0;
  await assert.rejects(trajectory(booth(), zero), { message: invalidLearningRateMessage(0) });
});
