/**
 * `fit` takes every scheduler of `optim.lrScheduler` (SequentialLR and ChainedScheduler included)
 * and steps it as a torch loop does: `scheduler.step()` after each epoch, or after each batch with
 * `schedulerInterval: "step"`. The expected lrs are torch 1.13's (printed by the loop in each
 * comment), and the same scheduler stepped by hand gives them too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fit } from "../../src/train/fit";
import type { FitOptions } from "../../src/train/fit";
import { linearRegression } from "../../src/data/synthetic";
import { linear } from "../../src/models/builders";
import { mse } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";
import {
  ChainedScheduler,
  ConstantLR,
  ExponentialLR,
  LinearLR,
  OneCycleLR,
  SequentialLR,
} from "../../src/optim/lrScheduler";

const data = linearRegression({ n: 64, features: 3, weights: [1, -2, 0.5], bias: 0.3, noise: 0.01, seed: 1 });

function closeTo(actual: (number | undefined)[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((lr, i) =>
    assert.ok(Math.abs((lr ?? NaN) - expected[i]) <= 1e-12, `${what} ${i}: ${lr} vs ${expected[i]}`),
  );
}

function sequential(opt: { lr: number }): SequentialLR {
  const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 2 });
  const decay = new ExponentialLR(opt, { gamma: 0.5 });
  return new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [2] });
}

function chained(opt: { lr: number }): ChainedScheduler {
  return new ChainedScheduler([
    new ConstantLR(opt, { factor: 0.5, totalIters: 3 }),
    new ExponentialLR(opt, { gamma: 0.9 }),
  ]);
}

test("fit steps a SequentialLR after every epoch, as torch's loop does", async () => {
  const optimizer = new SGD({ lr: 0.1 });
  const options: FitOptions = {
    optimizer,
    loss: mse,
    train: data,
    epochs: 5,
    batchSize: 32,
    scheduler: sequential(optimizer),
    progress: false,
  };
  const history = await fit(linear({ inputs: 3, seed: 1 }), options);
  // torch: SequentialLR(SGD(lr=0.1), [LinearLR(start_factor=0.1, total_iters=2), ExponentialLR(gamma=0.5)], milestones=[2])
  const torch = [0.010000000000000002, 0.05500000000000001, 0.1, 0.05, 0.025];
  closeTo(
    history.epochs.map((e) => e.lr),
    torch,
    "epoch lr",
  );
  closeTo(
    history.steps.filter((_, i) => i % 2 === 1).map((s) => s.lr),
    torch,
    "both batches of an epoch use its lr",
  );
  const byHand = { lr: 0.1 };
  const reference = sequential(byHand);
  const lrs = [];
  for (let epoch = 0; epoch < 5; epoch++, reference.step()) lrs.push(byHand.lr);
  closeTo(lrs, torch, "the scheduler stepped by hand");
});

test("fit steps a ChainedScheduler after every batch with schedulerInterval 'step'", async () => {
  const optimizer = new SGD({ lr: 0.1 });
  const history = await fit(linear({ inputs: 3, seed: 1 }), {
    optimizer,
    loss: mse,
    train: data,
    epochs: 2,
    batchSize: 16,
    scheduler: chained(optimizer),
    schedulerInterval: "step",
    progress: false,
  });
  // torch: ChainedScheduler([ConstantLR(factor=0.5, total_iters=3), ExponentialLR(gamma=0.9)]), stepped after each batch
  const torch = [
    0.05, 0.045000000000000005, 0.04050000000000001, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002,
    0.05314410000000002, 0.04782969000000002,
  ];
  closeTo(
    history.steps.map((s) => s.lr),
    torch,
    "step lr",
  );
});

test("a OneCycleLR inside a ChainedScheduler or SequentialLR steps after every batch, as it does alone", async () => {
  const run = async (wrap: (opt: SGD, cycle: OneCycleLR) => FitOptions["scheduler"]) => {
    const optimizer = new SGD({ lr: 0.1 });
    const cycle = new OneCycleLR(optimizer, { maxLr: 0.5, epochs: 2, stepsPerEpoch: 4 });
    const history = await fit(linear({ inputs: 3, seed: 1 }), {
      optimizer,
      loss: mse,
      train: data,
      epochs: 2,
      batchSize: 16,
      scheduler: wrap(optimizer, cycle),
      progress: false,
    });
    return history.steps.map((s) => s.lr ?? NaN);
  };
  const alone = await run((_, cycle) => cycle);
  assert.equal(new Set(alone).size, alone.length, "alone, the lr changes at every batch");
  assert.deepEqual(await run((_, cycle) => new ChainedScheduler([cycle])), alone);
  assert.deepEqual(await run((opt, cycle) => new SequentialLR(opt, { schedulers: [cycle], milestones: [] })), alone);
});
