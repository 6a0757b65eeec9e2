import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  fit,
  inputShapeMessage,
  invalidNormsMessage,
  invalidClipMessage,
  invalidEpochsMessage,
  missingOptimizerMessage,
  nonScalarLossMessage,
} from "../../src/train/fit";
import { DivergenceError, divergenceMessage } from "../../src/train/divergence";
import { History } from "../../src/train/history";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { emptyDatasetMessage } from "../../src/data/dataset";
import { linearRegression, twoMoons } from "../../src/data/synthetic";
import { DataLoader, noBatchesMessage, type Batch } from "../../src/data/loader";
import { linear, mlp } from "../../src/models/builders";
import { mse, crossEntropy } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";
import { StepLR, ReduceLROnPlateau } from "../../src/optim/lrScheduler";
import { invalidLearningRateMessage } from "../../src/optim/errors";
import { l2Penalty } from "../../src/regularize";

const regression = linearRegression({ n: 64, features: 3, weights: [1, -2, 0.5], bias: 0.3, noise: 0.01, seed: 1 });
const moons = twoMoons({ n: 64, noise: 0.1, seed: 2 });

test("full-batch GD on linear regression converges; history has per-step and per-epoch records", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  const history = await fit(model, {
    optimizer: new SGD({ lr: 0.1 }),
    loss: mse,
    train: regression,
    epochs: 60,
    batchSize: "full",
    progress: false,
  });
  assert.equal(history.steps.length, 60);
  assert.equal(history.epochs.length, 60);
  assert.ok(
    history.final("loss") < 1e-3,
    `final loss ${history.final("loss")} ${JSON.stringify(history.epochs.slice(0, 3).map((e) => [e.loss, e.weightNorm]))}`,
  );
  assert.ok(history.epochs[0].loss > 10 * history.final("loss"));
  const step = history.steps[5];
  assert.equal(step.lr, 0.1);
  assert.ok((step.gradNorm ?? 0) > 0 && (step.weightNorm ?? 0) > 0 && step.time > 0);
  assert.equal(step.epoch, 6);
  // One step per epoch: epoch loss = step loss.
  assert.equal(history.epochs[5].loss, step.loss);
  const kernel = Array.from(model.getWeights()[0].dataSync());
  kernel.forEach((w, i) => assert.ok(Math.abs(w - [1, -2, 0.5][i]) < 0.05, `w ${kernel}`));
});

test("minibatch and batch-1 SGD: step counts, shuffling from the seed gives bit-identical runs", async () => {
  const run = async (batchSize: number) =>
    fit(mlp({ sizes: [2, 8, 2], seed: 3 }), {
      optimizer: new SGD({ lr: 0.05 }),
      loss: crossEntropy,
      train: moons,
      epochs: 2,
      batchSize,
      seed: 11,
      metrics: ["accuracy"],
      progress: false,
    });
  const a = await run(16);
  const b = await run(16);
  assert.equal(a.steps.length, 8);
  assert.deepEqual(
    a.toJSON().steps.map((s) => s.loss),
    b.toJSON().steps.map((s) => s.loss),
  );
  assert.ok(a.epochs[1].accuracy !== undefined && a.epochs[1].accuracy >= 0 && a.epochs[1].accuracy <= 1);
  const sgd1 = await run(1);
  assert.equal(sgd1.steps.length, 128);
});

test("validation loss, metrics, schedulers and the lr record", async () => {
  const optimizer = new SGD({ lr: 0.1 });
  const history = await fit(mlp({ sizes: [2, 8, 2], seed: 4 }), {
    optimizer,
    loss: crossEntropy,
    train: moons,
    validation: moons,
    epochs: 4,
    batchSize: 32,
    metrics: ["accuracy"],
    scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }),
    progress: false,
  });
  assert.deepEqual(
    history.epochs.map((e) => e.lr),
    [0.1, 0.1, 0.05, 0.05],
  );
  assert.deepEqual(
    history.steps.map((s) => s.lr),
    [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05],
  );
  assert.ok(history.epochs.every((e) => e.valLoss !== undefined && e.valAccuracy !== undefined));
  const plateauOptimizer = new SGD({ lr: 1e-3 });
  const plateau = await fit(linear({ inputs: 3, seed: 2 }), {
    optimizer: plateauOptimizer,
    loss: mse,
    train: regression,
    validation: regression,
    epochs: 4,
    batchSize: "full",
    scheduler: new ReduceLROnPlateau(plateauOptimizer, { patience: 0, factor: 0.5, threshold: 0.5 }),
    progress: false,
  });
  // Epoch 1 sets the best; epoch 2 does not halve the loss, so epoch 3 runs at half the lr.
  assert.deepEqual(
    plateau.epochs.map((e) => e.lr),
    [1e-3, 1e-3, 5e-4, 2.5e-4],
  );
});

test("divergence: a NaN/Inf loss stops training with DivergenceError naming epoch and step, history kept", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  await assert.rejects(
    fit(model, {
      optimizer: new SGD({ lr: 10 }),
      loss: mse,
      train: regression,
      epochs: 500,
      batchSize: 16,
      progress: false,
      syncEvery: 4,
    }),
    (error: unknown) => {
      assert.ok(error instanceof DivergenceError);
      assert.equal(error.message, divergenceMessage(error.epoch, error.step, Number.POSITIVE_INFINITY, 10));
      assert.ok(error.history instanceof History);
      assert.equal(error.history.steps[error.history.steps.length - 1].step, error.step);
      assert.equal(error.history.info.diverged?.step, error.step);
      assert.ok(error.epoch < 500);
      return true;
    },
  );
});

test("early stopping stops after `patience` epochs without improvement and restores the best weights", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  const history = await fit(model, {
    optimizer: new SGD({ lr: 0.1 }),
    loss: mse,
    train: regression,
    validation: regression,
    epochs: 50,
    batchSize: "full",
    earlyStopping: { patience: 2, minDelta: 1e10 },
    progress: false,
  });
  assert.equal(history.epochs.length, 3);
  assert.deepEqual(history.info.stoppedEarly, {
    epoch: 3,
    monitor: "valLoss",
    best: history.epochs[0].valLoss,
    bestEpoch: 1,
  });
  const after = tf.tidy(() => mse(model.apply(regression.x) as tf.Tensor, regression.y).dataSync()[0]);
  assert.ok(Math.abs(after - (history.epochs[0].valLoss ?? 0)) < 1e-5);
});

test("no tensor leaks across epochs (with validation, metrics, regularizer and clipping)", async () => {
  const model = mlp({ sizes: [2, 8, 2], dropout: 0.2, seed: 5 });
  const counts: number[] = [];
  await fit(model, {
    optimizer: new SGD({ lr: 0.05, momentum: 0.9 }),
    loss: crossEntropy,
    train: moons,
    validation: moons,
    epochs: 4,
    batchSize: 16,
    metrics: ["accuracy"],
    regularizer: (weights) => l2Penalty(weights, 1e-4),
    clipGradNorm: 1,
    earlyStopping: { patience: 10 },
    callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    progress: false,
  });
  assert.equal(new Set(counts.slice(1)).size, 1, `numTensors per epoch: ${counts}`);
});

test("regularizer penalty and clipped gradient norms are recorded", async () => {
  const history = await fit(linear({ inputs: 3, seed: 1 }), {
    optimizer: new SGD({ lr: 0.01 }),
    loss: mse,
    train: regression,
    epochs: 1,
    batchSize: "full",
    regularizer: (weights) => l2Penalty(weights, 0.5),
    clipGradNorm: 1e-3,
    progress: false,
  });
  const step = history.steps[0];
  assert.ok((step.penalty ?? 0) > 0);
  // gradNorm is the norm before clipping, so it is larger than the clip threshold.
  assert.ok((step.gradNorm ?? 0) > 1e-3);
});

test('norms: "epoch" records the weight norm per epoch only (and gradient norms only when clipping)', async () => {
  const run = (norms: "step" | "epoch", clipGradNorm?: number) =>
    fit(linear({ inputs: 3, seed: 1 }), {
      optimizer: new SGD({ lr: 0.05 }),
      loss: mse,
      train: regression,
      epochs: 2,
      batchSize: 16,
      seed: 3,
      norms,
      clipGradNorm,
      progress: false,
    });
  const [perStep, perEpoch, clipped] = [await run("step"), await run("epoch"), await run("epoch", 100)];
  assert.deepEqual(
    perEpoch.steps.map((s) => s.loss),
    perStep.steps.map((s) => s.loss),
  );
  assert.equal(perEpoch.steps[0].weightNorm, undefined);
  assert.equal(perEpoch.steps[0].gradNorm, undefined);
  assert.ok(Math.abs((perEpoch.epochs[1].weightNorm ?? 0) - (perStep.epochs[1].weightNorm ?? 0)) < 1e-5);
  assert.ok(Math.abs((clipped.steps[0].gradNorm ?? 0) - (perStep.steps[0].gradNorm ?? 0)) < 1e-5);
  await assert.rejects(run("batch" as "step"), { message: invalidNormsMessage("batch") });
});

test("fit accepts a DataLoader and reports bad inputs with exact messages", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  const loader = new DataLoader(regression, { batchSize: 32, seed: 1 });
  assert.equal(
    (await fit(model, { optimizer: new SGD({ lr: 0.01 }), loss: mse, train: loader, epochs: 1, progress: false })).steps
      .length,
    2,
  );
  const base = { optimizer: new SGD({ lr: 0.01 }), loss: mse, train: regression, progress: false };
  await assert.rejects(fit(model, { ...base, epochs: 0 }), { message: invalidEpochsMessage(0) });
  await assert.rejects(fit(model, { ...base, optimizer: undefined as unknown as SGD }), {
    message: missingOptimizerMessage(),
  });
  await assert.rejects(fit(model, { ...base, clipGradNorm: -1 }), { message: invalidClipMessage(-1) });
  // optim's optimizers check lr themselves; fit checks any other optimizer's numeric lr.
  const negativeLr = Object.assign(tf.train.sgd(0.01), { lr: -1 });
  await assert.rejects(fit(model, { ...base, optimizer: negativeLr }), { message: invalidLearningRateMessage(-1) });
  await assert.rejects(fit(model, { ...base, train: { x: tf.zeros([0, 3]), y: tf.zeros([0, 1]) } }), {
    message: emptyDatasetMessage("fit"),
  });
  await assert.rejects(fit(model, { ...base, train: moons }), {
    message: inputShapeMessage("train", [null, 3], [64, 2]),
  });
  await assert.rejects(fit(model, { ...base, loss: (p, t) => tf.sub(p, t) as tf.Scalar }), {
    message: nonScalarLossMessage([32, 1]),
  });
  // (tfjs itself leaks the forward tensors when a tf.variableGrads closure throws, so the leak
  // check below covers divergence, the failure that happens in normal use.)
  const tensorsBefore = tf.memory().numTensors;
  const wild = new SGD({ lr: 1e3, momentum: 0.9 });
  await assert.rejects(
    fit(model, { ...base, optimizer: wild, epochs: 50, earlyStopping: { monitor: "loss" } }),
    DivergenceError,
  );
  wild.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore, "a failed fit frees what it held");
});

test("a DataLoader that yields no batches is an error that says why, not an epoch of NaN", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  const base = { optimizer: new SGD({ lr: 0.01 }), loss: mse, progress: false };
  const before = tf.memory().numTensors;
  // 64 rows, batches of 100, dropLast: the only batch is short and dropped (torch: len(loader) == 0).
  const dropped = new DataLoader(regression, { batchSize: 100, dropLast: true, seed: 1 });
  assert.equal(dropped.length, 0);
  await assert.rejects(fit(model, { ...base, train: dropped }), {
    message: noBatchesMessage("fit", { size: 64, batchSize: 100, dropLast: true }),
  });
  assert.match(
    noBatchesMessage("fit", dropped),
    /^fit: .*64 rows, batchSize is 100, dropLast is true.* Use batchSize at most 64, or dropLast: false/,
  );
  // Without dropLast the same batch size trains on one batch of all 64 rows, as torch does.
  const kept = await fit(model, { ...base, train: new DataLoader(regression, { batchSize: 100, seed: 1 }), epochs: 2 });
  assert.deepEqual(
    kept.steps.map((s) => s.size),
    [64, 64],
  );
  assert.equal(kept.info.batchSize, 100, "info.batchSize is what the loader was asked for");
  // A loader of one's own whose batches() yields nothing in an epoch fails at that epoch.
  class Empty extends DataLoader {
    override *batches(epoch: number): Generator<Batch> {
      if (epoch === 0) yield* super.batches(epoch);
    }
  }
  const empty = new Empty(regression, { batchSize: 32, seed: 1 });
  await assert.rejects(fit(model, { ...base, train: empty, epochs: 3 }), {
    message: noBatchesMessage("fit", empty, 2),
  });
  assert.equal(tf.memory().numTensors, before, "a failed fit frees what it held");
});

test("a loss or metric function that throws frees every tensor of the failed step (tfjs leaks its tape)", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  const base = { optimizer: new SGD({ lr: 0.01 }), train: regression, progress: false };
  const failing = (where: string) => () => {
    throw new Error(`${where} failed`);
  };
  // Warm-up: the first fit creates the model's lazily built state.
  await fit(model, { ...base, loss: mse });
  const before = tf.memory().numTensors;
  await assert.rejects(fit(model, { ...base, loss: (p, t) => (failing("loss")(), mse(p, t)) }), /loss failed/);
  assert.equal(tf.memory().numTensors, before, "throwing loss");
  await assert.rejects(
    fit(model, { ...base, loss: (p, t) => tf.mul(mse(p, t), 2) as tf.Scalar, metrics: [{ bad: failing("metric") }] }),
    /metric failed/,
  );
  assert.equal(tf.memory().numTensors, before, "throwing metric");
  await assert.rejects(
    fit(model, {
      ...base,
      loss: mse,
      regularizer: failing("regularizer") as unknown as (w: tf.Variable[]) => tf.Scalar,
    }),
    /regularizer failed/,
  );
  assert.equal(tf.memory().numTensors, before, "throwing regularizer");
  // The next fit still trains (the engine's gradient state was put back).
  const history = await fit(model, { ...base, loss: mse, epochs: 2 });
  assert.equal(history.epochs.length, 2);
  assert.equal(tf.memory().numTensors, before);
});

test("History: final, best, JSON round trip and a notebook display", async () => {
  const history = await fit(linear({ inputs: 3, seed: 1 }), {
    optimizer: new SGD({ lr: 0.1 }),
    loss: mse,
    train: regression,
    validation: regression,
    epochs: 3,
    batchSize: "full",
    name: "sgd",
    progress: false,
  });
  assert.equal(history.best("valLoss").epoch, 3);
  assert.equal(history.best().value, history.final("valLoss"));
  assert.throws(() => history.final("accuracy"), {
    message:
      /^History has no "accuracy" values \(available: epoch, step, loss, lr, gradNorm, weightNorm, time, samplesPerSecond, valLoss\)$/,
  });
  const copy = History.fromJSON(JSON.parse(JSON.stringify(history)));
  assert.deepEqual(copy.toJSON(), history.toJSON());
  const bundle = history[JUPYTER_DISPLAY]();
  assert.match(String(bundle["text/plain"]), /^sgd: 3 epochs, 3 steps · loss [\d.e-]+ · valLoss [\d.e-]+ · [\d.]+ s$/);
  assert.match(String(bundle["text/html"]), /<table>.*<th>valLoss<\/th>/);
  // One step is "1 step" ("1 epoch, 1 steps" before), in Chinese too.
  const single = await fit(linear({ inputs: 3, seed: 1 }), {
    optimizer: new SGD({ lr: 0.1 }),
    loss: mse,
    train: regression,
    batchSize: "full",
    name: "once",
    progress: false,
  });
  assert.match(single.summary("en"), /^once: 1 epoch, 1 step · /);
  assert.match(single.summary("zh"), /^once：1 轮，1 步 · /);
});
