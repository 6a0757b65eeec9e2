/**
 * Parameter groups (torch's param_groups): per-group options, lr readable and writable, state
 * save/load, and parity with torch 1.13 (fixture "groups" of scripts/fixtures/optimizers.py).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as optim from "../../src/optim";
import { loadFixture, makeProblem, worstMismatch } from "./problem";
import { optimizerUnderTest } from "./optimizersUnderTest";

interface GroupCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups: ({ params: string[] } & Record<string, unknown>)[];
  trajectory: number[][];
}

const fixture = loadFixture() as ReturnType<typeof loadFixture> & { groups: GroupCase[] };

/** torch's groups name parameters; ours pick them by variable name. */
function withSelectors(groups: GroupCase["groups"]): optim.ParamGroupOptions[] {
  return groups.map(({ params, ...options }) => ({
    ...options,
    params: (name: string) => params.some((p) => name.endsWith(`/${p}`)),
  }));
}

for (const c of fixture.groups) {
  test(`parameter groups match torch ${fixture.torchVersion}: ${c.id}`, () => {
    const problem = makeProblem(fixture);
    const opt = optimizerUnderTest(c.optimizer).create({ ...c.options, paramGroups: withSelectors(c.groups) });
    try {
      c.trajectory.forEach((expected, step) => {
        opt.minimize(problem.loss);
        const actual = problem.flat();
        const { excess, index } = worstMismatch(actual, expected, 1e-5, 1e-6);
        assert.ok(excess <= 0, `step ${step + 1}, entry ${index}: got ${actual[index]}, torch ${expected[index]}`);
      });
    } finally {
      opt.dispose();
      problem.dispose();
    }
  });
}

test("a group changes the trajectory (negative control: without it the fixture is not matched)", () => {
  const c = fixture.groups[0];
  const problem = makeProblem(fixture);
  const opt = optimizerUnderTest(c.optimizer).create(c.options);
  for (let i = 0; i < 5; i++) opt.minimize(problem.loss);
  assert.ok(worstMismatch(problem.flat(), c.trajectory[4], 1e-5, 1e-6).excess > 0);
  opt.dispose();
  problem.dispose();
});

test("the issue's example: groups override any option, the rest use the top-level ones", () => {
  const opt = new optim.SGD({
    lr: 0.1,
    momentum: 0.9,
    paramGroups: [{ params: (name) => name.endsWith("bias"), weightDecay: 0, lr: 0.01 }],
  });
  assert.equal(opt.paramGroups.length, 2);
  assert.equal(opt.paramGroups[0].lr, 0.01);
  assert.equal(opt.paramGroups[0].momentum, 0.9);
  assert.equal(opt.paramGroups[0].hyperparameters.weightDecay, 0);
  assert.equal(opt.paramGroups[1].lr, 0.1);
  assert.equal(opt.lr, 0.1);
  opt.paramGroups[0].lr = 0.02;
  assert.equal(opt.paramGroups[0].lr, 0.02);
  assert.equal(opt.paramGroups[1].lr, 0.1);
  assert.throws(() => (opt.paramGroups[0].lr = -1), { message: "Invalid learning rate: -1" });
  assert.throws(() => (opt.paramGroups[0].lr = "0.1" as unknown as number), TypeError);
  assert.throws(() => new optim.SGD({ lr: 0.1, paramGroups: [{ params: (n) => n.endsWith("bias"), momentum: -1 }] }), {
    message: "Invalid momentum value: -1",
  });
  assert.throws(
    () => new optim.SGD({ lr: 0.1, paramGroups: [{ params: "bias" } as unknown as optim.ParamGroupOptions] }),
    TypeError,
  );
  assert.throws(
    () => new optim.Adam({ paramGroups: [{ params: () => true, momentum: 0.9 }] }),
    /unexpected option 'momentum'/,
  );
  opt.dispose();
});

test("a group's lr written between steps is the one its variables step with; other groups are untouched", () => {
  const a = makeProblem(fixture);
  const b = makeProblem(fixture);
  const bias = (name: string) => name.endsWith("/bias");
  const switched = new optim.SGD({ lr: 0.1, paramGroups: [{ params: bias, lr: 0.5 }] });
  const fresh = new optim.SGD({ lr: 0.1, paramGroups: [{ params: bias, lr: 0.05 }] });
  switched.paramGroups[0].lr = 0.05;
  for (let i = 0; i < 3; i++) {
    switched.minimize(a.loss);
    fresh.minimize(b.loss);
  }
  assert.deepEqual(a.flat(), b.flat());
  for (const x of [switched, fresh, a, b]) x.dispose();
});

test("getWeights/setWeights round-trips every group's state and continues the exact trajectory", async () => {
  const c = fixture.groups.find((g) => g.optimizer === "Adam") as GroupCase;
  const make = () => optimizerUnderTest(c.optimizer).create({ ...c.options, paramGroups: withSelectors(c.groups) });
  const problem = makeProblem(fixture);
  const first = make();
  for (let i = 0; i < 4; i++) first.minimize(problem.loss);
  const saved = (await first.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
  assert.ok(
    saved.some((w) => w.name === "paramGroups/0/scaleByAdam/count"),
    saved.map((w) => w.name).join(", "),
  );
  assert.ok(saved.some((w) => w.name === "scaleByAdam/count"));
  const paramsAt4 = fixture.order.map((name) => problem.variables[name].clone());
  const expected: number[][] = [];
  for (let i = 0; i < 4; i++) {
    first.minimize(problem.loss);
    expected.push(problem.flat());
  }
  fixture.order.forEach((name, i) => problem.variables[name].assign(paramsAt4[i]));
  const second = make();
  await second.setWeights(saved);
  const actual: number[][] = [];
  for (let i = 0; i < 4; i++) {
    second.minimize(problem.loss);
    actual.push(problem.flat());
  }
  assert.deepEqual(actual, expected);
  assert.ok(worstMismatch(actual[3], c.trajectory[7], 1e-5, 1e-6).excess <= 0);
  tf.dispose([...saved.map((w) => w.tensor), ...paramsAt4]);
  for (const x of [first, second, problem]) x.dispose();
});

test("groups free their state on dispose (no leaks over 50 steps)", () => {
  const c = fixture.groups[1];
  const problem = makeProblem(fixture);
  const before = tf.memory().numTensors;
  const opt = optimizerUnderTest(c.optimizer).create({ ...c.options, paramGroups: withSelectors(c.groups) });
  opt.minimize(problem.loss);
  const afterFirst = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) opt.minimize(problem.loss);
  assert.equal(tf.memory().numTensors, afterFirst);
  opt.dispose();
  assert.equal(tf.memory().numTensors, before);
  problem.dispose();
});

test("a group with weightDecay 0 on biases equals weightDecayFilter excluding them (two compositions agree)", () => {
  const a = makeProblem(fixture);
  const b = makeProblem(fixture);
  const bias = (name: string) => name.endsWith("/bias");
  const grouped = new optim.AdamW({ lr: 0.05, weightDecay: 0.3, paramGroups: [{ params: bias, weightDecay: 0 }] });
  const filtered = new optim.AdamW({ lr: 0.05, weightDecay: 0.3, weightDecayFilter: (name) => !bias(name) });
  for (let i = 0; i < 5; i++) {
    grouped.minimize(a.loss);
    filtered.minimize(b.loss);
  }
  assert.deepEqual(a.flat(), b.flat());
  for (const x of [grouped, filtered, a, b]) x.dispose();
});

test("ChainedOptimizer still works under its old name, as CustomChainOptimizer", () => {
  assert.equal(optim.ChainedOptimizer, optim.CustomChainOptimizer);
  const opt = new optim.ChainedOptimizer({
    lr: 0.1,
    chain: () => ({ name: "identity", init: () => ({}), update: (u, s) => [u, s] }),
  });
  assert.ok(opt instanceof optim.ChainOptimizer);
  assert.equal(opt.getClassName(), "optimlab.CustomChainOptimizer");
  opt.dispose();
});

test("a variable in two groups throws torch's message: lists at construction, predicates at the first step", () => {
  const problem = makeProblem(fixture);
  const { weight, bias } = problem.variables;
  const message = optim.errors.duplicateParamsMessage();
  assert.equal(message, "some parameters appear in more than one parameter group"); // torch 1.13's text
  assert.throws(() => new optim.SGD({ lr: 0.1, paramGroups: [{ params: [weight, bias] }, { params: [bias.name] }] }), {
    message,
  });
  assert.throws(
    () => new optim.SGD({ lr: 0.1, paramGroups: [{ params: (n) => n.endsWith("/bias") }, { params: [bias] }] }),
    { message },
  );
  const overlapping = new optim.SGD({
    lr: 0.1,
    paramGroups: [{ params: (n) => n.endsWith("/bias") }, { params: (n) => n.includes("bias") }],
  });
  const before = problem.flat();
  assert.throws(() => overlapping.minimize(problem.loss), { message });
  assert.deepEqual(problem.flat(), before, "nothing stepped");
  // Disjoint groups are fine.
  const disjoint = new optim.SGD({ lr: 0.1, paramGroups: [{ params: [weight] }, { params: [bias], lr: 0.01 }] });
  disjoint.minimize(problem.loss);
  for (const x of [overlapping, disjoint, problem]) x.dispose();
});

test("addParamGroup (torch's add_param_group): a new group before the default one; overlaps throw", () => {
  const problem = makeProblem(fixture);
  const { weight, bias, scale } = problem.variables;
  const message = optim.errors.duplicateParamsMessage();
  const opt = new optim.SGD({ lr: 0.1, momentum: 0.9, paramGroups: [{ params: [weight], lr: 0.05 }] });
  const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
  opt.minimize(problem.loss, false, [weight, bias]); // bias now belongs to the default group
  assert.throws(() => opt.addParamGroup({ params: [weight] }), { message });
  assert.throws(() => opt.addParamGroup({ params: [bias] }), { message });
  assert.throws(() => opt.addParamGroup({ params: (n) => n.endsWith("/bias") }), { message });
  assert.equal(opt.paramGroups.length, 2, "a refused group is not added");
  const added = opt.addParamGroup({ params: [scale], lr: 0.2, momentum: 0 });
  assert.equal(opt.paramGroups.length, 3);
  assert.equal(opt.paramGroups[1], added);
  assert.equal(opt.paramGroups[2].lr, 0.1, "the default group stays last");
  assert.equal(added.hyperparameters.dampening, 0, "other options come from the top level");
  // The new group's options are the ones scale steps with: lr 0.2, no momentum.
  const s0 = scale.dataSync()[0];
  const { value, grads } = tf.variableGrads(problem.loss, [scale]);
  const grad = grads[scale.name];
  assert.notEqual(grad.dataSync()[0], 0);
  opt.applyGradients({ [scale.name]: grad });
  assert.ok(Math.abs(scale.dataSync()[0] - (s0 - 0.2 * grad.dataSync()[0])) < 1e-6);
  sched.step();
  assert.equal(sched.getLastLrs().length, 2, "a scheduler built before keeps its groups (torch's base_lrs)");
  assert.equal(added.lr, 0.2);
  tf.dispose([value, grads]);
  for (const x of [opt, problem]) x.dispose();
});

test("a variable listed twice in one group is refused (torch 1.13 warns it will become an error, then steps it twice)", () => {
  const problem = makeProblem(fixture);
  const { weight, bias } = problem.variables;
  const message = optim.errors.duplicateParamInGroupMessage(0, weight.name);
  assert.equal(
    message,
    `paramGroups[0] lists the parameter '${weight.name}' twice; list each parameter once (torch warns "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error")`,
  );
  assert.throws(() => new optim.SGD({ lr: 0.1, paramGroups: [{ params: [weight, bias, weight] }] }), { message });
  assert.throws(() => new optim.Adam({ paramGroups: [{ params: [weight, weight.name] }] }), { message });
  const opt = new optim.SGD({ lr: 0.1, paramGroups: [{ params: [weight] }] });
  assert.throws(() => opt.addParamGroup({ params: [bias, bias] }), {
    message: optim.errors.duplicateParamInGroupMessage(1, bias.name),
  });
  opt.dispose();
  problem.dispose();
});
