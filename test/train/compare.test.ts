import { test } from "node:test";
import assert from "node:assert/strict";
import { compare, duplicateOptimizerMessage, noConfigsMessage } from "../../src/train/compare";
import { twoMoons } from "../../src/data/synthetic";
import { mlp } from "../../src/models/builders";
import { crossEntropy } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";
import { StepLR } from "../../src/optim/lrScheduler";

const moons = twoMoons({ n: 48, seed: 1 });

test("compare: identical configs from one start give identical histories; different lrs differ", async () => {
  const runs = await compare(
    {
      a: { optimizer: () => new SGD({ lr: 0.1 }) },
      b: { optimizer: () => new SGD({ lr: 0.1 }) },
      slow: {
        optimizer: new SGD({ lr: 0.01 }),
        // `opt` is typed as the config's optimizer (an SGD): before, as tf.Optimizer, this line did
        // not compile (docs/training.md's example failed in the kernel with a CompileError).
        scheduler: (opt) => new StepLR(opt, { stepSize: 1, gamma: 0.5 }),
      },
    },
    {
      model: () => mlp({ sizes: [2, 8, 2], dropout: 0.25 }),
      loss: crossEntropy,
      train: moons,
      epochs: 2,
      batchSize: 16,
      progress: false,
    },
  );
  assert.deepEqual(Object.keys(runs), ["a", "b", "slow"]);
  assert.equal(runs.a.name, "a");
  // Same initial weights, same data order and same dropout masks → bit-identical losses.
  assert.deepEqual(
    runs.a.steps.map((s) => s.loss),
    runs.b.steps.map((s) => s.loss),
  );
  // The first step's loss is computed before any update: equal for every config.
  assert.equal(runs.slow.steps[0].loss, runs.a.steps[0].loss);
  assert.notDeepEqual(
    runs.slow.steps.map((s) => s.loss),
    runs.a.steps.map((s) => s.loss),
  );
  assert.deepEqual(
    runs.slow.epochs.map((e) => e.lr),
    [0.01, 0.005],
  );
});

test("compare with one model instance resets its weights before each run", async () => {
  const model = mlp({ sizes: [2, 4, 2], seed: 9 });
  const runs = await compare(
    { first: { optimizer: () => new SGD({ lr: 0.5 }) }, second: { optimizer: () => new SGD({ lr: 0.5 }) } },
    { model, loss: crossEntropy, train: moons, epochs: 1, batchSize: "full", progress: false },
  );
  assert.equal(runs.first.steps[0].loss, runs.second.steps[0].loss);
  assert.equal(runs.first.final(), runs.second.final());
});

test("compare rejects no configs and a shared optimizer instance", async () => {
  const base = { model: () => mlp({ sizes: [2, 2] }), loss: crossEntropy, train: moons, progress: false };
  await assert.rejects(compare({}, base), { message: noConfigsMessage() });
  const shared = new SGD({ lr: 0.1 });
  await assert.rejects(compare({ x: { optimizer: shared }, y: { optimizer: shared } }, base), {
    message: duplicateOptimizerMessage("x", "y"),
  });
});

test("compare checks every option name before the first run trains, as compare's own", async () => {
  let steps = 0;
  const base = {
    model: () => mlp({ sizes: [2, 2] }),
    loss: crossEntropy,
    train: moons,
    progress: false,
    callbacks: { onStepEnd: () => void steps++ },
  };
  await assert.rejects(
    compare({ a: { optimizer: () => new SGD({ lr: 0.1 }) } }, { ...base, sameinit: false } as never),
    {
      name: "TypeError",
      message:
        /^compare got an unexpected option 'sameinit' \(did you mean 'sameInit'\?\); its options are .*model, sameInit$/,
    },
  );
  const configs = {
    a: { optimizer: () => new SGD({ lr: 0.1 }) },
    b: { optimizer: () => new SGD({ lr: 0.1 }), epoch: 2 },
  };
  await assert.rejects(compare(configs as never, base), {
    message: /^compare: config "b" got an unexpected option 'epoch' \(did you mean 'epochs'\?\)/,
  });
  assert.equal(steps, 0, "config a trained before b's typo was found");
});

test("compare: a configuration that diverges is a result (its history up to divergence), the others still run", async () => {
  const runs = await compare(
    {
      calm: { optimizer: () => new SGD({ lr: 0.1 }) },
      wild: { optimizer: () => new SGD({ lr: 1e4 }) },
      after: { optimizer: () => new SGD({ lr: 0.05 }) },
    },
    {
      model: () => mlp({ sizes: [2, 8, 2], seed: 1 }),
      loss: crossEntropy,
      train: moons,
      epochs: 30,
      batchSize: 16,
      progress: false,
    },
  );
  assert.deepEqual(Object.keys(runs), ["calm", "wild", "after"]);
  assert.equal(runs.calm.epochs.length, 30);
  assert.equal(runs.after.epochs.length, 30);
  const diverged = runs.wild.info.diverged;
  assert.ok(diverged !== undefined, "the diverged run says where");
  assert.equal(runs.wild.steps[runs.wild.steps.length - 1].step, diverged.step);
  assert.equal(runs.wild.name, "wild");
});

test("compare: any other error carries the runs completed before it as error.results", async () => {
  await assert.rejects(
    compare(
      {
        first: { optimizer: () => new SGD({ lr: 0.1 }) },
        broken: {
          optimizer: () => new SGD({ lr: 0.1 }),
          callbacks: {
            onEpochEnd: () => {
              throw new Error("boom");
            },
          },
        },
      },
      { model: () => mlp({ sizes: [2, 8, 2], seed: 1 }), loss: crossEntropy, train: moons, epochs: 2, progress: false },
    ),
    (error: Error & { results?: Record<string, { epochs: unknown[] }>; history?: { epochs: unknown[] } }) => {
      assert.equal(error.message, "boom");
      assert.deepEqual(Object.keys(error.results ?? {}), ["first"]);
      assert.equal(error.results?.first.epochs.length, 2);
      assert.equal(error.history?.epochs.length, 1);
      return true;
    },
  );
});
