/**
 * LBFGS against torch 1.13 (fixture "lbfgs" of scripts/fixtures/optimizers.py): parameters after
 * each `step(closure)`, with and without the strong Wolfe line search.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as optim from "../../src/optim";
import * as errors from "../../src/optim/errors";
import { cubicInterpolate } from "../../src/optim/strongWolfe";
import { loadFixture, makeProblem, worstMismatch } from "./problem";

interface LbfgsCase {
  id: string;
  options: optim.LBFGSOptions;
  steps: number;
  trajectory: number[][];
  funcEvals: number[];
}

const fixture = loadFixture() as ReturnType<typeof loadFixture> & { lbfgs: LbfgsCase[] };

for (const c of fixture.lbfgs) {
  test(`LBFGS matches torch ${fixture.torchVersion}: ${c.id}`, () => {
    const problem = makeProblem(fixture);
    const vars = fixture.order.map((name) => problem.variables[name]);
    const opt = new optim.LBFGS(c.options);
    try {
      c.trajectory.forEach((expected, step) => {
        opt.step(problem.loss, vars);
        const actual = problem.flat();
        const { excess, index } = worstMismatch(actual, expected, 1e-5, 1e-6);
        assert.ok(excess <= 0, `step ${step + 1}, entry ${index}: got ${actual[index]}, torch ${expected[index]}`);
        assert.equal(opt.counters.funcEvals, c.funcEvals[step], `step ${step + 1}: closure evaluations`);
      });
    } finally {
      opt.dispose();
      problem.dispose();
    }
  });
}

test("LBFGS: the line search changes the trajectory (negative control for the strong_wolfe fixtures)", () => {
  const c = fixture.lbfgs.find((k) => k.options.lineSearchFn === "strong_wolfe" && k.options.lr === 0.1) as LbfgsCase;
  const problem = makeProblem(fixture);
  const vars = fixture.order.map((name) => problem.variables[name]);
  const opt = new optim.LBFGS({ ...c.options, lineSearchFn: null });
  opt.step(problem.loss, vars);
  assert.ok(worstMismatch(problem.flat(), c.trajectory[0], 1e-5, 1e-6).excess > 0);
  opt.dispose();
  problem.dispose();
});

test("LBFGS: defaults are torch's; bad options and applyGradients throw; no tensor leaks", () => {
  const opt = new optim.LBFGS();
  assert.deepEqual(opt.hyperparameters, {
    lr: 1,
    maxIter: 20,
    maxEval: 25,
    toleranceGrad: 1e-7,
    toleranceChange: 1e-9,
    historySize: 100,
    lineSearchFn: null,
  });
  assert.throws(() => new optim.LBFGS({ lineSearchFn: "backtracking" as "strong_wolfe" }), {
    message: errors.unknownLineSearch("backtracking"),
  });
  assert.throws(() => new optim.LBFGS({ lr: "1" as unknown as number }), TypeError);
  assert.throws(() => opt.applyGradients(), { message: errors.LBFGS_NEEDS_CLOSURE });
  const problem = makeProblem(fixture);
  const vars = fixture.order.map((name) => problem.variables[name]);
  const before = tf.memory().numTensors;
  const withSearch = new optim.LBFGS({ lineSearchFn: "strong_wolfe" });
  for (let i = 0; i < 3; i++) withSearch.step(problem.loss, vars);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(withSearch.counters.funcEvals > 3);
  for (const x of [opt, withSearch, problem]) x.dispose();
});

test("LBFGS.minimize steps with the closure (usable where tf.Optimizer is)", () => {
  const x = tf.variable(tf.tensor1d([3, -2]), true, "lbfgs/minimize/x");
  const opt = new optim.LBFGS({ lineSearchFn: "strong_wolfe" });
  const loss = () => tf.tidy(() => tf.sum(tf.square(tf.sub(x, tf.tensor1d([1, 1])))) as tf.Scalar);
  const cost = opt.minimize(loss, true, [x]);
  assert.equal(cost?.dataSync()[0], 13);
  assert.ok(Math.abs(x.dataSync()[0] - 1) < 1e-4 && Math.abs(x.dataSync()[1] - 1) < 1e-4);
  cost?.dispose();
  opt.dispose();
  x.dispose();
});

test("cubicInterpolate: the minimiser of a cubic through two points, clamped to bounds", () => {
  // f(x) = (x - 1)², f' = 2(x - 1): exact minimiser 1.
  assert.ok(Math.abs(cubicInterpolate(0, 1, -2, 3, 4, 4) - 1) < 1e-12);
  assert.equal(cubicInterpolate(0, 1, -2, 3, 4, 4, [1.5, 2]), 1.5);
});

test("LBFGS getWeights/setWeights carries the history: a restored optimizer continues the exact trajectory", async () => {
  const options: optim.LBFGSOptions = { lr: 0.5, maxIter: 3, historySize: 2 };
  const problem = makeProblem(fixture);
  const vars = fixture.order.map((name) => problem.variables[name]);
  const first = new optim.LBFGS(options);
  for (let i = 0; i < 3; i++) first.step(problem.loss, vars);
  const saved = await first.getWeights();
  const countersAt3 = first.counters;
  assert.ok(
    saved.some((w) => w.name === "lbfgs/oldDirs/1"),
    saved.map((w) => w.name).join(", "),
  );
  const at3 = vars.map((v) => v.clone());
  first.step(problem.loss, vars);
  first.step(problem.loss, vars);
  const expected = problem.flat();
  vars.forEach((v, i) => v.assign(at3[i]));
  const second = new optim.LBFGS(options);
  await second.setWeights(saved);
  assert.deepEqual(second.counters, countersAt3);
  second.step(problem.loss, vars);
  second.step(problem.loss, vars);
  assert.deepEqual(problem.flat(), expected);
  // Negative control: a fresh optimizer from the same point does not continue the same way.
  vars.forEach((v, i) => v.assign(at3[i]));
  const fresh = new optim.LBFGS(options);
  fresh.step(problem.loss, vars);
  fresh.step(problem.loss, vars);
  assert.notDeepEqual(problem.flat(), expected);
  await assert.rejects(
    second.setWeights([{ name: "lbfgs/bogus", tensor: saved[0].tensor }]),
    /unknown weight 'lbfgs\/bogus'/,
  );
  tf.dispose([...saved.map((w) => w.tensor), ...at3]);
  for (const x of [first, second, fresh, problem]) x.dispose();
});
