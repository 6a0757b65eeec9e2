/**
 * Behaviour every optimizer shares, driven by OPTIMIZERS_UNDER_TEST: torch's validation messages
 * and defaults, convergence, getWeights/setWeights and getConfig/fromConfig round trips, no tensor
 * leaks, and model.compile + fit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as optim from "../../src/optim";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import * as errors from "../../src/optim/errors";
import { loadFixture, makeProblem } from "./problem";
import { savedWithOptimizer } from "./savedArtifacts";
import { OPTIMIZERS_UNDER_TEST, optimizerUnderTest } from "./optimizersUnderTest";

const fixture = loadFixture();

/** Runs `steps` steps and returns the flattened parameters after each. */
function trajectory(optimizer: tf.Optimizer, problem: ReturnType<typeof makeProblem>, steps: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(problem.loss);
    out.push(problem.flat());
  }
  return out;
}

for (const row of OPTIMIZERS_UNDER_TEST) {
  test(`${row.name}: invalid hyperparameters throw torch's messages`, () => {
    for (const { options, message } of row.badInputs) {
      assert.throws(() => row.create(options), { message }, `${row.name}(${JSON.stringify(options)})`);
    }
  });

  test(`${row.name}: defaults are torch's`, () => {
    const options = row.name === "SGD" ? { lr: 0.1 } : {};
    const optimizer = row.create(options);
    const hyper = optimizer.hyperparameters as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(row.torchDefaults)) assert.deepEqual(hyper[key], value, key);
    assert.equal(optimizer.initialLr, hyper.lr);
    assert.equal(optimizer.getClassName(), `optimlab.${row.name}`);
    optimizer.dispose();
  });

  test(`${row.name}: converges on a quadratic`, () => {
    const target = tf.tensor1d([1, -2, 0.5]);
    const x = tf.variable(tf.zeros([3]), true, `${row.name}/convergence/x`);
    const optimizer = row.create(row.exercise);
    const loss = () => tf.tidy(() => tf.sum(tf.square(tf.sub(x, target))) as tf.Scalar);
    for (let i = 0; i < row.convergenceSteps; i++) optimizer.minimize(loss);
    const distance = tf.tidy(() => tf.max(tf.abs(tf.sub(x, target))).dataSync()[0]);
    assert.ok(distance < 0.05, `${row.name} ends ${distance} away from the minimum`);
    optimizer.dispose();
    x.dispose();
    target.dispose();
  });

  test(`${row.name}: getWeights/setWeights round trip continues the exact trajectory`, async () => {
    const problem = makeProblem(fixture);
    const first = row.create(row.exercise);
    trajectory(first, problem, 5);
    const saved = (await first.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
    const paramsAt5 = fixture.order.map((name) => problem.variables[name].clone());
    const expected = trajectory(first, problem, 5);

    const names = saved.map((w) => w.name);
    assert.equal(names[0], "iter");
    assert.equal(saved[0].tensor.dataSync()[0], 5);
    assert.ok(
      names.some((n) => n.startsWith(`${problem.variables.weight.name}/`)),
      names.join(", "),
    );

    fixture.order.forEach((name, i) => problem.variables[name].assign(paramsAt5[i]));
    const second = row.create(row.exercise);
    await second.setWeights(saved);
    assert.equal(second.iterations, 5);
    assert.deepEqual(trajectory(second, problem, 5), expected);

    for (const t of [...saved.map((w) => w.tensor), ...paramsAt5]) t.dispose();
    first.dispose();
    second.dispose();
    problem.dispose();
  });

  test(`${row.name}: getConfig → JSON → fromConfig (via tf.serialization) rebuilds the same optimizer`, () => {
    const original = row.create(row.exercise);
    const config = JSON.parse(JSON.stringify(original.getConfig())) as tf.serialization.ConfigDict;
    const registered = tf.serialization.SerializationMap.getMap().classNameMap[original.getClassName()];
    assert.ok(registered, `${original.getClassName()} is registered`);
    const [cls, fromConfig] = registered;
    const restored = fromConfig(cls, config) as optim.ChainOptimizer;
    assert.ok(restored instanceof optim.ChainOptimizer);
    assert.deepEqual(restored.hyperparameters, original.hyperparameters);

    const a = makeProblem(fixture);
    const b = makeProblem(fixture);
    assert.deepEqual(trajectory(restored, b, 3), trajectory(original, a, 3));
    for (const x of [original, restored, a, b]) x.dispose();
  });

  test(`${row.name}: no tensor leaks over 100 steps, and dispose() frees the state`, () => {
    const problem = makeProblem(fixture);
    const before = tf.memory().numTensors;
    const optimizer = row.create(row.exercise);
    optimizer.minimize(problem.loss);
    const afterFirst = tf.memory().numTensors;
    assert.ok(afterFirst > before, "the first step creates the state");
    for (let i = 0; i < 100; i++) optimizer.minimize(problem.loss);
    assert.equal(tf.memory().numTensors, afterFirst);
    optimizer.dispose();
    assert.equal(tf.memory().numTensors, before);
    problem.dispose();
  });

  test(`${row.name}: model.compile + fit trains a dense model`, async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: "zeros" })],
    });
    model.compile({ optimizer: row.create(row.exercise), loss: "meanSquaredError" });
    const xs = tf.tensor2d([
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 1],
      [0, 2],
      [1, 2],
      [2, 2],
      [2, 0],
    ]);
    const ys = tf.tidy(() => tf.add(tf.sum(tf.mul(xs, tf.tensor1d([2, -1.5])), 1, true), 1));
    const history = await model.fit(xs, ys, { epochs: 10, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    assert.ok(losses[losses.length - 1] < losses[0], `${row.name}: loss ${losses[0]} → ${losses[losses.length - 1]}`);
    model.optimizer.dispose();
    model.dispose();
    xs.dispose();
    ys.dispose();
  });
}

test("options of the wrong type or unknown to the optimizer throw a TypeError at construction", () => {
  for (const row of OPTIMIZERS_UNDER_TEST) {
    const base = row.name === "SGD" ? { lr: 0.1 } : {};
    assert.throws(() => row.create({ ...base, lr: null }), TypeError, row.name);
    assert.throws(() => row.create({ ...base, lr: "0.1" }), TypeError, row.name);
    assert.throws(() => row.create({ ...base, weightDecayFilter: "bias" }), TypeError, row.name);
    assert.throws(() => row.create({ ...base, learningRate: 0.1 }), {
      name: "TypeError",
      message: new RegExp(
        `^got an unexpected option 'learningRate' \\(did you mean 'lr'\\?\\); this optimizer's options are lr, `,
      ),
    });
  }
  // SGD without lr but with tfjs's learningRate: the unknown name is the mistake (torch: TypeError first).
  assert.throws(() => new optim.SGD({ learningRate: 0.1 } as unknown as optim.SGDOptions), {
    name: "TypeError",
    message: /^got an unexpected option 'learningRate' \(did you mean 'lr'\?\)/,
  });
  assert.throws(() => new optim.SGD({ lr: 0.1, betas: [0.9, 0.99] } as unknown as optim.SGDOptions), {
    message: errors.unexpectedOptionMessage("betas", [
      "lr",
      "weightDecayFilter",
      "paramGroups",
      "momentum",
      "dampening",
      "nesterov",
      "weightDecay",
      "maximize",
    ]),
  });
  assert.throws(() => new optim.Adam({ betas: [0.9] as unknown as [number, number] }), {
    name: "TypeError",
    message: errors.invalidBetasMessage([0.9]),
  });
});

test("applyGradients accepts the name-keyed map and the array form alike", () => {
  const a = makeProblem(fixture);
  const b = makeProblem(fixture);
  const optA = new optim.Adam({ lr: 0.05 });
  const optB = new optim.Adam({ lr: 0.05 });
  for (let i = 0; i < 3; i++) {
    const ga = tf.variableGrads(a.loss, Object.values(a.variables));
    optA.applyGradients(ga.grads);
    const gb = tf.variableGrads(b.loss, Object.values(b.variables));
    optB.applyGradients(Object.entries(gb.grads).map(([name, tensor]) => ({ name, tensor })));
    tf.dispose([ga.value, gb.value, ga.grads, gb.grads]);
  }
  assert.deepEqual(b.flat(), a.flat());
  for (const x of [optA, optB, a, b]) x.dispose();
});

test("applyGradients with an unknown variable name says what to pass", () => {
  const optimizer = new optim.SGD({ lr: 0.1 });
  const grad = tf.scalar(1);
  assert.throws(() => optimizer.applyGradients({ "no/such/variable": grad }), {
    message: errors.unknownVariableMessage("no/such/variable"),
  });
  grad.dispose();
});

test("lr is read at every step: setting it changes the next step, and invalid values throw", () => {
  const problem = makeProblem(fixture);
  const optimizer = new optim.SGD({ lr: 0.1, momentum: 0.9 });
  optimizer.minimize(problem.loss);
  optimizer.lr = 0;
  const before = problem.flat();
  optimizer.minimize(problem.loss);
  assert.deepEqual(problem.flat(), before);
  assert.equal(optimizer.initialLr, 0.1);
  assert.throws(() => (optimizer.lr = -0.1), { message: "Invalid learning rate: -0.1" });
  assert.throws(() => (optimizer.lr = "0.1" as unknown as number), TypeError);
  assert.throws(() => (optimizer.lr = null as unknown as number), TypeError);
  assert.equal(optimizer.lr, 0);
  optimizer.dispose();
  problem.dispose();
});

test("momentum and betas are writable between steps (schedulers cycle them)", () => {
  const a = makeProblem(fixture);
  const b = makeProblem(fixture);
  const switched = new optim.Adam({ lr: 0.05 });
  const fresh = new optim.Adam({ lr: 0.05, betas: [0.8, 0.99] });
  switched.betas = [0.8, 0.99];
  assert.deepEqual(trajectory(switched, a, 3), trajectory(fresh, b, 3));
  assert.throws(() => (switched.betas = [0.9, 1]), { message: errors.invalidBetaMessage(1, 1) });

  const sgd = new optim.SGD({ lr: 0.1, momentum: 0.9 });
  sgd.momentum = 0.5;
  assert.equal(sgd.momentum, 0.5);
  sgd.momentum = 0; // torch keeps the buffer and skips it (test/optim/momentumSwitch.test.ts)
  assert.equal(sgd.momentum, 0);
  assert.throws(() => (sgd.momentum = -1), { message: errors.invalidMomentumMessage(-1) });
  for (const x of [switched, fresh, sgd, a, b]) x.dispose();
});

test("weightDecayFilter exempts variables by name; getConfig leaves the function out", () => {
  const problem = makeProblem(fixture);
  const onlyBias = new optim.SGD({ lr: 0.1, weightDecay: 0.5, weightDecayFilter: (name) => name.endsWith("/bias") });
  const none = new optim.SGD({ lr: 0.1 });
  const grads = tf.variableGrads(problem.loss, Object.values(problem.variables));
  const w0 = problem.variables.weight.clone();
  const b0 = problem.variables.bias.clone();
  onlyBias.applyGradients(grads.grads);
  const weightWithFilter = Array.from(problem.variables.weight.dataSync());
  const biasWithFilter = Array.from(problem.variables.bias.dataSync());
  problem.variables.weight.assign(w0);
  problem.variables.bias.assign(b0);
  none.applyGradients(grads.grads);
  assert.deepEqual(weightWithFilter, Array.from(problem.variables.weight.dataSync()));
  assert.notDeepEqual(biasWithFilter, Array.from(problem.variables.bias.dataSync()));
  assert.equal("weightDecayFilter" in onlyBias.getConfig(), false);
  tf.dispose([grads.value, grads.grads, w0, b0]);
  for (const x of [onlyBias, none, problem]) x.dispose();
});

test("setWeights rejects unknown names, partial states and wrong shapes", async () => {
  const problem = makeProblem(fixture);
  const optimizer = new optim.Adam({ lr: 0.05 });
  optimizer.minimize(problem.loss);
  const weights = await optimizer.getWeights();
  const target = new optim.Adam({ lr: 0.05 });
  const muName = `${problem.variables.bias.name}/scaleByAdam/mu`;
  assert.ok(weights.some((w) => w.name === muName));

  await assert.rejects(
    target.setWeights([...weights, { name: "bogus", tensor: weights[1].tensor }]),
    /unknown weight 'bogus'/,
  );
  await assert.rejects(target.setWeights(weights.filter((w) => w.name !== muName)), {
    message: errors.incompleteWeightsMessage("optimlab.Adam", problem.variables.bias.name, ["scaleByAdam/mu"]),
  });
  const wrong = tf.zeros([7]);
  await assert.rejects(
    target.setWeights(weights.map((w) => (w.name === muName ? { name: w.name, tensor: wrong } : w))),
    { message: errors.weightShapeMismatchMessage("optimlab.Adam", muName, [3], [7]) },
  );
  tf.dispose([wrong, ...weights.filter((w) => !w.name.includes("/")).map((w) => w.tensor)]);
  for (const x of [optimizer, target, problem]) x.dispose();
});

test("minimize with a varList creates state only for those variables", async () => {
  const problem = makeProblem(fixture);
  const optimizer = new optim.Adam({ lr: 0.05 });
  const scale0 = problem.variables.scale.dataSync()[0];
  optimizer.minimize(problem.loss, false, [problem.variables.weight, problem.variables.bias]);
  assert.equal(problem.variables.scale.dataSync()[0], scale0);
  const names = (await optimizer.getWeights()).map((w) => w.name);
  assert.equal(
    names.some((n) => n.startsWith(problem.variables.scale.name)),
    false,
  );
  optimizer.minimize(problem.loss);
  assert.ok((await optimizer.getWeights()).some((w) => w.name.startsWith(problem.variables.scale.name)));
  optimizer.dispose();
  problem.dispose();
});

test("the state is inspectable by link name", () => {
  const problem = makeProblem(fixture);
  const optimizer = new optim.Adam({ lr: 0.05, weightDecay: 0.1 });
  assert.deepEqual(
    optimizer.transform.links.map((l) => l.name),
    ["addWeightDecay", "scaleByAdam", "scaleByLearningRate"],
  );
  const before = optimizer.state;
  assert.ok(before === undefined);
  optimizer.minimize(problem.loss);
  const adam = optimizer.state?.scaleByAdam as { count: number; mu: Record<string, tf.Tensor> };
  assert.equal(adam.count, 1);
  assert.deepEqual(adam.mu[problem.variables.weight.name].shape, [2, 3]);
  optimizer.dispose();
  problem.dispose();
});

test("model.save with includeOptimizer stores the optimizer's class, config and weights", async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: new optim.AdamW({ lr: 0.01 }), loss: "meanSquaredError" });
  const xs = tf.ones([4, 2]);
  const ys = tf.ones([4, 1]);
  await model.fit(xs, ys, { epochs: 2, verbose: 0 });
  const artifacts = await savedWithOptimizer(model);
  const training = artifacts.trainingConfig as unknown as { optimizer_config: { class_name: string } };
  assert.equal(training.optimizer_config.class_name, "optimlab.AdamW");
  assert.ok(artifacts.weightSpecs?.some((s) => s.name.endsWith("/scaleByAdam/nu")));
  model.optimizer.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
});

test("an optimizer shows its options and chain in a notebook", () => {
  const optimizer = new optim.Adam({ lr: 0.01, weightDecay: 0.1 });
  const text = optimizer[JUPYTER_DISPLAY]()["text/plain"];
  assert.match(
    String(text),
    /^Adam\(lr=0\.01, betas=\[0\.9,0\.999\], eps=1e-8, weightDecay=0\.1, amsgrad=false, maximize=false\)/,
  );
  assert.match(String(text), /= addWeightDecay → scaleByAdam → scaleByLearningRate, step 0$/);
});

test("every optimizer class is in the table under test", () => {
  for (const cls of optim.OPTIMIZER_CLASSES) optimizerUnderTest(cls.className.replace("optimlab.", ""));
});

test("an optimizer built with no argument, or with a number as tfjs's sgd(0.1), says what it needs", () => {
  assert.throws(() => new (optim.SGD as unknown as new () => optim.SGD)(), { message: errors.lrRequiredMessage() });
  const adam = new (optim.Adam as unknown as new () => optim.Adam)();
  assert.equal(adam.lr, 0.001);
  adam.dispose();
  assert.throws(() => new optim.SGD(0.1 as never), {
    name: "TypeError",
    message: "SGD takes an options object, e.g. new optim.SGD({ lr: 0.1 }), got 0.1",
  });
  assert.throws(() => new optim.Adam(null as never), { message: errors.notAnOptionsObjectMessage("Adam", null) });
});

test("applyGradients with a gradient of the wrong shape names the variable, before anything steps", () => {
  const v = tf.variable(tf.ones([2]), true, "shapeCheck/v");
  const w = tf.variable(tf.ones([2]), true, "shapeCheck/w");
  const opt = new optim.Adam({ lr: 0.1 });
  const gradients = { [w.name]: tf.ones([2]), [v.name]: tf.ones([3]) };
  assert.throws(() => opt.applyGradients(gradients), {
    message: errors.gradientShapeMismatchMessage(v.name, [3], [2]),
  });
  assert.equal(
    errors.gradientShapeMismatchMessage("shapeCheck/v", [3], [2]),
    "applyGradients: the gradient for 'shapeCheck/v' has shape [3] but the variable has shape [2]; a gradient must have its variable's shape",
  );
  assert.deepEqual(Array.from(w.dataSync()), [1, 1], "nothing stepped");
  assert.equal(opt.step, 0);
  tf.dispose([v, w, ...Object.values(gradients)]);
  opt.dispose();
});
