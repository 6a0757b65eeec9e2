/**
 * LBFGS against torch 1.13 (fixture "lbfgs" of scripts/fixtures/optimizers.py): parameters after
 * each `step(closure)`, with and without the strong Wolfe line search.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as optim from "../../src/optim";
import * as errors from "../../src/optim/errors";
import { addScaled, dot, sumAbs } from "../../src/optim/flatVectors";
import { cubicInterpolate } from "../../src/optim/strongWolfe";
import { loadFixture, makeProblem, worstMismatch } from "./problem";

interface LbfgsCase {
  id: string;
  options: optim.LBFGSOptions;
  steps: number;
  trajectory: number[][];
  funcEvals: number[];
}

interface RosenbrockCase extends LbfgsCase {
  init: number[];
  nIter: number[];
}

const fixture = loadFixture() as ReturnType<typeof loadFixture> & {
  lbfgs: LbfgsCase[];
  lbfgsRosenbrock: RosenbrockCase[];
};

/** Rosenbrock's function, written as the fixture script writes it (same float32 operations). */
function rosenbrock(x: tf.Variable): () => tf.Scalar {
  return () =>
    tf.tidy(() => {
      // slice, not gather: gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks.
      const [x0, x1] = [x.slice([0], [1]), x.slice([1], [1])];
      return tf.sum(tf.add(tf.square(tf.sub(1, x0)), tf.mul(100, tf.square(tf.sub(x1, tf.square(x0))))));
    });
}

for (const c of fixture.lbfgsRosenbrock) {
  test(`LBFGS matches torch ${fixture.torchVersion} bit for bit down to the float32 bottom: ${c.id}`, () => {
    const x = tf.variable(tf.tensor1d(c.init));
    const opt = new optim.LBFGS(c.options);
    try {
      c.trajectory.forEach((expected, step) => {
        opt.step(rosenbrock(x), [x]);
        // The fixture's 9 significant digits name one float32: compare that exactly.
        assert.deepEqual(Array.from(x.dataSync()), expected.map(Math.fround), `step ${step + 1}`);
        assert.deepEqual(
          [opt.counters.funcEvals, opt.counters.nIter],
          [c.funcEvals[step], c.nIter[step]],
          `step ${step + 1}: closure evaluations and iterations (the stopping tests)`,
        );
      });
    } finally {
      opt.dispose();
      x.dispose();
    }
  });
}

test("LBFGS's vector arithmetic rounds as torch 1.13's CPU kernels (dot in order, add with alpha fused, vectorized sum)", () => {
  // torch: a.abs().sum() for these vectors (lengths 10, 5, 33: the vector, scalar and cascade paths);
  // a sum in doubles rounded once gives another float32 for each.
  const sums: [number[], number][] = [
    [
      [
        0.317678303, 0.132806972, 0.137324095, 0.240546122, 1.39545083, 1.34702265, 2.4382081, 0.202758282, 2.45054126,
        2.02560186,
      ],
      10.6879377,
    ],
    [[1.77915502, -0.917930722, -0.457818896, -0.724473298, 1.27987814], 5.15925646],
    [
      [
        -2.96616983, -1.06055498, -0.30899629, 0.934288204, -0.38211593, -1.16689408, 0.363575846, -0.315641105,
        1.14500749, -0.382184327, -0.355266035, 0.754192531, 0.690124393, -0.144261837, 1.61204672, 1.56712377,
        -1.24318969, -0.957782269, 1.75182533, 0.97956574, 0.410504818, 1.7674973, -0.0831893682, 0.508705795,
        1.1178118, 0.163286373, 0.501270711, 1.42055094, 1.15420902, -1.53656864, -0.557684064, -0.438334733,
        1.15718675,
      ],
      29.8976116,
    ],
  ];
  for (const [values, expected] of sums) {
    const v = Float32Array.from(values);
    assert.equal(sumAbs(v), Math.fround(expected), `length ${values.length}`);
    const once = Math.fround(values.reduce((s, x) => s + Math.abs(Math.fround(x)), 0));
    assert.notEqual(once, Math.fround(expected), "negative control: one rounding at the end differs");
  }
  // dot accumulates in float32: 1 + 2⁻²⁴ + 2⁻²⁴ stays 1 in float32 (a double sum would round up).
  const tiny = 2 ** -24;
  assert.equal(dot(Float32Array.of(1, tiny, tiny), Float32Array.of(1, 1, 1)), 1);
  // add with alpha is one fused multiply-add (torch gives 1 + 2⁻²³ here, in its vector and scalar
  // paths): k·b = 2⁻²⁴ + 2⁻⁴⁸ − 2⁻⁷¹ rounded alone would be 2⁻²⁴, and 1 + 2⁻²⁴ a tie down to 1.
  const k = Math.fround(1 - tiny);
  const b = Math.fround(tiny + 2 ** -47);
  assert.equal(addScaled(Float32Array.of(1), k, Float32Array.of(b))[0], 1 + 2 ** -23);
  assert.equal(Math.fround(1 + Math.fround(k * b)), 1, "negative control: two roundings");
});

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
    message: errors.unknownLineSearchMessage("backtracking"),
  });
  assert.throws(() => new optim.LBFGS({ lr: "1" as unknown as number }), TypeError);
  assert.throws(() => opt.applyGradients(), { message: errors.lbfgsNeedsClosureMessage() });
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
