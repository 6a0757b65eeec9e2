/**
 * Equivalences between compositions: the presets are exactly their chains, coupled weight decay
 * is L2 in the loss, and hand-built chains with clipping match torch (clip_grad_*_ + step).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as optim from "../../src/optim";
import * as T from "../../src/transforms";
import { loadFixture, makeProblem, worstMismatch } from "./problem";

const fixture = loadFixture();

/** Parameters after each of `steps` steps of `optimizer` on a fresh copy of the problem. */
function run(
  optimizer: tf.Optimizer,
  steps: number,
  extraLoss?: (p: ReturnType<typeof makeProblem>) => tf.Scalar,
): number[][] {
  const problem = makeProblem(fixture);
  const loss = extraLoss ? () => tf.tidy(() => tf.add(problem.loss(), extraLoss(problem)) as tf.Scalar) : problem.loss;
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(loss);
    out.push(problem.flat());
  }
  optimizer.dispose();
  problem.dispose();
  return out;
}

const custom = (lr: number, chain: (lr: T.LearningRate) => T.GradientTransformation) =>
  new optim.ChainedOptimizer({ lr, chain });

test("Adam({weightDecay}) is chain(addWeightDecay, scaleByAdam, scaleByLearningRate), bit for bit", () => {
  const preset = run(new optim.Adam({ lr: 0.05, weightDecay: 0.1 }), 10);
  const chained = run(
    custom(0.05, (lr) => T.chain(T.addWeightDecay(0.1), T.scaleByAdam(), T.scaleByLearningRate(lr))),
    10,
  );
  assert.deepEqual(chained, preset);
});

test("AdamW is the same links with weight decay moved after scaleByAdam, bit for bit", () => {
  const preset = run(new optim.AdamW({ lr: 0.05, weightDecay: 0.1 }), 10);
  const chained = run(
    custom(0.05, (lr) => T.chain(T.scaleByAdam(), T.decoupledWeightDecay(0.1), T.scaleByLearningRate(lr))),
    10,
  );
  assert.deepEqual(chained, preset);
  const coupled = run(new optim.Adam({ lr: 0.05, weightDecay: 0.1 }), 10);
  assert.notDeepEqual(coupled, preset, "moving the link changes the algorithm");
});

test("SGD with weightDecay equals SGD on the loss plus λ/2·‖θ‖²", () => {
  const lambda = 0.1;
  const decayed = run(new optim.SGD({ lr: 0.1, momentum: 0.9, weightDecay: lambda }), 20);
  const l2 = run(
    new optim.SGD({ lr: 0.1, momentum: 0.9 }),
    20,
    (p) => tf.mul(lambda / 2, tf.addN(Object.values(p.variables).map((v) => tf.sum(tf.square(v))))) as tf.Scalar,
  );
  l2.forEach((step, i) => assert.ok(worstMismatch(step, decayed[i], 1e-5, 1e-6).excess <= 0, `step ${i + 1}`));
});

test("RMSprop's momentum is traceMomentum chained after scaleByRms", () => {
  const preset = run(new optim.RMSprop({ lr: 0.01, momentum: 0.9, centered: true }), 10);
  const chained = run(
    custom(0.01, (lr) =>
      T.chain(T.scaleByRms({ centered: true }), T.traceMomentum({ momentum: 0.9 }), T.scaleByLearningRate(lr)),
    ),
    10,
  );
  assert.deepEqual(chained, preset);
});

test("maximize(f) is minimize(-f)", () => {
  const up = run(new optim.Adam({ lr: 0.05, maximize: true }), 10);
  const problem = makeProblem(fixture);
  const optimizer = new optim.Adam({ lr: 0.05 });
  const down: number[][] = [];
  for (let i = 0; i < 10; i++) {
    optimizer.minimize(() => tf.tidy(() => tf.neg(problem.loss())));
    down.push(problem.flat());
  }
  assert.deepEqual(down, up);
  optimizer.dispose();
  problem.dispose();
});

const chainsForFixtures: Record<string, (lr: T.LearningRate) => T.GradientTransformation> = {
  "SGD+momentum+clipByGlobalNorm": (lr) =>
    T.chain(T.clipByGlobalNorm(0.5), T.traceMomentum({ momentum: 0.9 }), T.scaleByLearningRate(lr)),
  "Adam+clipByValue": (lr) => T.chain(T.clipByValue(0.3), T.scaleByAdam(), T.scaleByLearningRate(lr)),
};

for (const c of fixture.chains) {
  test(`hand-built chain matches torch's clip_grad_${c.clip.kind}_ + ${c.optimizer}: ${c.id}`, () => {
    const build = chainsForFixtures[c.id];
    assert.ok(build, `no chain for fixture ${c.id}`);
    const trajectory = run(custom(c.options.lr as number, build), fixture.steps);
    trajectory.forEach((step, i) => {
      const { excess, index } = worstMismatch(step, c.trajectory[i], 1e-5, 1e-6);
      assert.ok(excess <= 0, `step ${i + 1}, entry ${index}: got ${step[index]}, torch ${c.trajectory[i][index]}`);
    });
  });
}

test("proximalL1 in an optimizer (ISTA) drives small coordinates to exact zeros and keeps the others", () => {
  const target = tf.tensor1d([2, 0.05, -0.03, -1]);
  const x = tf.variable(tf.zeros([4]), true, "ista/x");
  const opt = custom(0.1, (lr) => T.chain(T.scaleByLearningRate(lr), T.proximalL1(0.2, lr)));
  for (let i = 0; i < 100; i++)
    opt.minimize(() => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(x, target)))) as tf.Scalar));
  const result = Array.from(x.dataSync());
  // The lasso solution is the soft-thresholded target: sign(t)·max(|t| - λ, 0).
  assert.deepEqual(result.slice(1, 3), [0, 0]);
  assert.ok(Math.abs(result[0] - 1.8) < 1e-4 && Math.abs(result[3] + 0.8) < 1e-4, result.join(", "));
  tf.dispose([target, x]);
  opt.dispose();
});
