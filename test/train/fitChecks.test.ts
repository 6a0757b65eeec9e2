/** fit's checks of unusual-but-legal input (QA report, the training loop's findings). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  fit,
  foreignSchedulerMessage,
  historyOf,
  invalidFitSeedMessage,
  invalidSchedulerIntervalMessage,
  invalidSyncEveryMessage,
  lossNotTensorMessage,
  nonScalarRegularizerMessage,
  notASchedulerMessage,
  oneCycleTooShortMessage,
  regularizerNotTensorMessage,
  type FitOptions,
} from "../../src/train/fit";
import {
  invalidEarlyStoppingModeMessage,
  invalidMinDeltaMessage,
  invalidPatienceMessage,
  noFiniteMonitorMessage,
  unknownMonitorMessage,
} from "../../src/train/earlyStopping";
import { DivergenceError, firstStepDivergenceMessage } from "../../src/train/divergence";
import { History, invalidBestModeMessage } from "../../src/train/history";
import { metricsNotListMessage } from "../../src/train/metrics";
import { linearRegression, twoMoons } from "../../src/data/synthetic";
import { notADatasetMessage } from "../../src/data/dataset";
import { unexpectedOptionOf } from "../../src/messages/options";
import { linear, mlp } from "../../src/models/builders";
import { bce, crossEntropy, mse } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";
import { OneCycleLR, StepLR } from "../../src/optim/lrScheduler";

/** The keys every epoch record of a fit with an lr and per-step norms has, in order. */
const STEP_KEYS = ["epoch", "step", "loss", "lr", "gradNorm", "weightNorm", "time", "samplesPerSecond"];

const regression = linearRegression({ n: 32, features: 3, weights: [1, -2, 0.5], bias: 0.3, noise: 0.01, seed: 1 });

/** The options of a fit on the small regression, `options` over the defaults, taken as a learner might write them. */
function fitOptions(options: Record<string, unknown>): FitOptions {
  const base = { optimizer: new SGD({ lr: 0.05 }), loss: mse, train: regression, batchSize: 8, progress: false };
  return { ...base, ...options } as unknown as FitOptions;
}

/** Asserts that fit with `options` rejects with `message` (a string: exactly), and leaves no tensor behind. */
async function rejectsWith(
  options: Record<string, unknown>,
  message: string | RegExp,
  check?: (error: Error) => void,
  model: tf.LayersModel = linear({ inputs: 3, seed: 1 }),
): Promise<void> {
  const before = tf.memory().numTensors;
  await assert.rejects(
    () => fit(model, fitOptions(options)),
    (error: Error) => {
      if (typeof message === "string") assert.equal(error.message, message);
      else assert.match(error.message, message);
      check?.(error);
      return true;
    },
  );
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
}

test("earlyStopping.mode and History.best's mode: a misspelled mode is rejected, not taken as max", async () => {
  await rejectsWith(
    { epochs: 4, earlyStopping: { monitor: "loss", mode: "minimum", patience: 2 } },
    invalidEarlyStoppingModeMessage("minimum"),
  );
  assert.equal(
    invalidEarlyStoppingModeMessage("minimum"),
    'Invalid earlyStopping.mode: "minimum" (expected "min" or "max")',
  );
  const history = new History({
    epochs: [
      { epoch: 1, step: 1, loss: 1, time: 0, samplesPerSecond: 1 },
      { epoch: 2, step: 2, loss: 0.5, time: 0, samplesPerSecond: 1 },
    ],
  });
  assert.throws(() => history.best("loss", "minimum" as "min"), { message: invalidBestModeMessage("minimum") });
  assert.equal(invalidBestModeMessage("minimum"), 'History.best: Invalid mode: "minimum" (expected "min" or "max")');
  assert.deepEqual(history.best("loss", "min"), { epoch: 2, value: 0.5 });
});

test("a scheduler built on another optimizer, or on a plain { lr }, is rejected before training", async () => {
  const other = new SGD({ lr: 0.1 });
  const trained = new SGD({ lr: 0.5 });
  await rejectsWith(
    { optimizer: trained, scheduler: new StepLR(other, { stepSize: 1, gamma: 0.5 }), epochs: 3 },
    foreignSchedulerMessage(),
  );
  assert.equal(other.lr, 0.1, "the other optimizer's lr was scheduled");
  await rejectsWith(
    { optimizer: tf.train.sgd(0.1), scheduler: new StepLR({ lr: 0.1 }, { stepSize: 1 }), epochs: 2 },
    foreignSchedulerMessage(),
  );
  // Its own scheduler still runs.
  const history = await fit(
    linear({ inputs: 3, seed: 1 }),
    fitOptions({ optimizer: trained, scheduler: new StepLR(trained, { stepSize: 1, gamma: 0.5 }), epochs: 3 }),
  );
  assert.deepEqual(
    history.epochs.map((e) => e.lr),
    [0.5, 0.25, 0.125],
  );
});

test('"accuracy" of a sigmoid output trained with losses.bce thresholds the probability at 0.5, not at 0', async () => {
  const moons = twoMoons({ n: 64, noise: 0.1, seed: 2 });
  const y = tf.reshape(tf.cast(moons.y, "float32"), [64, 1]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 8,
        activation: "relu",
        inputShape: [2],
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        units: 1,
        activation: "sigmoid",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  const history = await fit(
    model,
    fitOptions({
      loss: bce,
      train: { x: moons.x, y },
      validation: { x: moons.x, y },
      epochs: 5,
      shuffle: false,
      metrics: ["accuracy"],
    }),
  );
  const truth = tf.tidy(() => {
    const p = model.predict(moons.x) as tf.Tensor;
    return tf.mean(tf.cast(tf.equal(tf.greater(p, 0.5), tf.greater(y, 0.5)), "float32")).dataSync()[0];
  });
  assert.ok(truth !== 0.5, `the check needs a model whose accuracy is not 0.5 (${truth})`);
  assert.ok(
    Math.abs(history.final("valAccuracy") - truth) < 1e-6,
    `valAccuracy ${history.final("valAccuracy")} vs ${truth}`,
  );
  tf.dispose([y, moons.x, moons.y]);
  model.dispose();
});

test("an async onStepEnd is awaited: its rejection fails the fit instead of crashing the process later", async () => {
  const seen: number[] = [];
  const options = {
    epochs: 2,
    callbacks: {
      onStepEnd: async ({ step }: { step: number }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(step);
        if (step === 3) throw new Error("async step boom");
      },
    },
  };
  await rejectsWith(options, "async step boom");
  assert.deepEqual(seen, [1, 2, 3], "the fit went on past the rejected step");
});

test('metrics: "accuracy" (a string, not a list) is named as such, not read letter by letter', async () => {
  await rejectsWith(
    { metrics: "accuracy" },
    'Invalid metrics: "accuracy" (expected a list, e.g. metrics: ["accuracy"])',
  );
  assert.equal(
    metricsNotListMessage("accuracy"),
    'Invalid metrics: "accuracy" (expected a list, e.g. metrics: ["accuracy"])',
  );
});

test('seed: "abc" (or 1.5, NaN) is named as a bad seed, not as a bad History field', async () => {
  await rejectsWith({ seed: "abc" }, 'Invalid seed: "abc" (expected an integer, e.g. seed: 0)');
  await rejectsWith({ seed: 1.5 }, invalidFitSeedMessage(1.5));
  await rejectsWith({ seed: Number.NaN }, invalidFitSeedMessage(Number.NaN));
  const history = await fit(linear({ inputs: 3, seed: 1 }), fitOptions({ seed: 7 }));
  assert.equal(history.info.seed, 7);
});

test("lr 0 is accepted, as torch accepts it: the weights do not move", async () => {
  const model = linear({ inputs: 3, seed: 1 });
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const optimizer = new SGD({ lr: 0.1 });
  optimizer.lr = 0;
  const history = await fit(model, fitOptions({ optimizer, epochs: 2 }));
  assert.deepEqual(
    history.epochs.map((e) => e.lr),
    [0, 0],
  );
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.dataSync())),
    before,
  );
  const zero = await fit(linear({ inputs: 3, seed: 1 }), fitOptions({ optimizer: new SGD({ lr: 0 }) }));
  assert.equal(zero.final("lr"), 0);
});

test('fit\'s messages quote a string value, so that epochs: "2" does not read as a valid 2', async () => {
  await rejectsWith({ epochs: "2" }, 'Invalid epochs: "2" (expected a positive integer)');
  await rejectsWith({ clipGradNorm: "1" }, 'Invalid clipGradNorm: "1" (expected a number > 0)');
  await rejectsWith({ norms: "steps" }, 'Invalid norms: "steps" (expected "step" or "epoch")');
  await rejectsWith({ gradients: "tapes" }, 'Invalid gradients: "tapes" (expected "auto" or "tape")');
  await rejectsWith({ threads: "2" }, 'Invalid threads: "2" (expected a whole number from 1 to 8)');
  await rejectsWith(
    { metrics: ["acc"] },
    'Unknown metric: "acc" (expected "accuracy" or { name: (prediction, target) => scalar })',
  );
});

test("unknown or misspelled options of fit, its callbacks and earlyStopping are rejected; schedulerInterval is checked", async () => {
  await rejectsWith(
    { epoch: 3 },
    "fit got an unexpected option 'epoch' (did you mean 'epochs'?); its options are optimizer, loss, train, validation, epochs, batchSize, shuffle, metrics, regularizer, clipGradNorm, scheduler, schedulerInterval, callbacks, earlyStopping, seed, progress, norms, syncEvery, gradients, threads, name",
  );
  await rejectsWith({ batch_size: 4 }, /^fit got an unexpected option 'batch_size' \(did you mean 'batchSize'\?\); /);
  await rejectsWith({ weightDecay: 0.1 }, /^fit got an unexpected option 'weightDecay'; its options are /);
  await rejectsWith(
    { earlyStopping: { monitr: "loss" } },
    "earlyStopping got an unexpected option 'monitr' (did you mean 'monitor'?); its options are monitor, patience, minDelta, mode, restoreBest",
  );
  await rejectsWith(
    { callbacks: { onEpochEnds: () => undefined } },
    unexpectedOptionOf("callbacks", "onEpochEnds", ["onStepEnd", "onEpochEnd"]),
  );
  await rejectsWith({ schedulerInterval: "steps" }, 'Invalid schedulerInterval: "steps" (expected "epoch" or "step")');
  assert.equal(
    invalidSchedulerIntervalMessage("batch"),
    'Invalid schedulerInterval: "batch" (expected "epoch" or "step")',
  );
});

test("syncEvery 0 or -5, patience -1 and minDelta -1 are rejected; a validation loss NaN in every epoch is named", async () => {
  await rejectsWith({ syncEvery: 0 }, "Invalid syncEvery: 0 (expected a positive integer)");
  await rejectsWith({ syncEvery: -5 }, invalidSyncEveryMessage(-5));
  await rejectsWith(
    { earlyStopping: { patience: -1 } },
    "Invalid earlyStopping.patience: -1 (expected a whole number of epochs >= 0)",
  );
  await rejectsWith({ earlyStopping: { patience: "2" } }, invalidPatienceMessage("2"));
  await rejectsWith({ earlyStopping: { minDelta: -1 } }, invalidMinDeltaMessage(-1));
  const y = regression.y.arraySync() as number[][];
  const nanY = tf.tensor2d(y.map(() => [Number.NaN]));
  await rejectsWith(
    { validation: { x: regression.x, y: nanY }, epochs: 4, earlyStopping: { patience: 2 } },
    noFiniteMonitorMessage("valLoss", 2),
  );
  assert.equal(
    noFiniteMonitorMessage("valLoss", 2),
    'earlyStopping: "valLoss" was NaN or infinite in epochs 1 to 2, so there is no best epoch to keep; check the validation data (validation.x, validation.y) and the loss, or watch another value',
  );
  nanY.dispose();
});

test("a loss or regularizer that returns a number or a non-scalar, and a scheduler that is not one, get messages naming them", async () => {
  await rejectsWith({ loss: () => 0.5 }, lossNotTensorMessage(0.5));
  assert.match(lossNotTensorMessage(0.5), /^fit: the loss must return a scalar tensor, got 0.5 \(a number\); /);
  await rejectsWith({ regularizer: () => 0.5 }, regularizerNotTensorMessage(0.5));
  assert.match(
    regularizerNotTensorMessage(0.5),
    /^fit: the regularizer must return a scalar tensor, got 0.5 \(a number\); /,
  );
  await rejectsWith({ regularizer: (w: tf.Variable[]) => tf.square(w[0]).sum(1) }, nonScalarRegularizerMessage([3]));
  await rejectsWith({ scheduler: { stepSize: 1 }, epochs: 2 }, notASchedulerMessage({ stepSize: 1 }));
  assert.match(notASchedulerMessage({ stepSize: 1 }), /^Invalid scheduler: \{"stepSize":1\} \(expected a scheduler/);
});

test("a loss already NaN at the first step (NaN data or weights) does not blame the learning rate", async () => {
  const x = regression.x.arraySync() as number[][];
  x[5][1] = Number.NaN;
  const nanX = tf.tensor2d(x);
  const diverged = (found: string[]) => (error: Error) => {
    assert.ok(error instanceof DivergenceError);
    assert.equal(error.step, 1);
    assert.equal(error.history.steps.length, 1);
    assert.equal(error.message, firstStepDivergenceMessage(1, Number.NaN, found));
  };
  await rejectsWith(
    { train: { x: nanX, y: regression.y }, shuffle: false },
    /before any update/,
    diverged(["train.x"]),
  );
  assert.equal(
    firstStepDivergenceMessage(1, Number.NaN, ["train.x"]),
    "Training diverged at epoch 1, step 1: the loss was NaN before any update, so the learning rate is not the cause. train.x holds NaN or infinite values. The history up to that step is in error.history.",
  );
  // Every label ignored: nothing holds NaN (int32 labels are finite), the message says what to check.
  const moons = twoMoons({ n: 8, noise: 0.1, seed: 2 });
  const ignored = tf.fill([8], -100, "int32");
  await rejectsWith(
    { loss: crossEntropy, train: { x: moons.x, y: ignored } },
    /before any update, so the learning rate is not the cause\. Check train\.x and train\.y for NaN or Infinity, labels that the loss ignores/,
    diverged([]),
    mlp({ sizes: [2, 4, 2], seed: 1 }),
  );
  tf.dispose([ignored, moons.x, moons.y]);
  const broken = linear({ inputs: 3, seed: 1 });
  const nans = broken.getWeights().map((w) => tf.fill(w.shape, Number.NaN));
  broken.setWeights(nans);
  tf.dispose(nans);
  await rejectsWith(
    {},
    /before any update/,
    diverged(["the model's starting weights (from an earlier run that diverged?)"]),
    broken,
  );
  nanX.dispose();
});

test("an error thrown from the loop (a callback's, the loss's) carries the history recorded up to it", async () => {
  const epochs = (error: Error) => historyOf(error)?.epochs.map((e) => e.epoch);
  await rejectsWith(
    {
      epochs: 5,
      callbacks: {
        onEpochEnd: (record: { epoch: number }) => {
          if (record.epoch === 3) throw new Error("epoch boom");
        },
      },
    },
    "epoch boom",
    (error) => {
      assert.deepEqual(epochs(error), [1, 2, 3]);
      assert.equal(historyOf(error)?.steps.length, 12);
    },
  );
  await rejectsWith(
    {
      epochs: 2,
      callbacks: {
        onEpochEnd: async (record: { epoch: number }) => {
          await Promise.resolve();
          if (record.epoch === 2) throw new Error("async epoch boom");
        },
      },
    },
    "async epoch boom",
    (error) => assert.deepEqual(epochs(error), [1, 2]),
  );
  // Steps not yet read when the error came are read into the history too.
  await rejectsWith(
    {
      epochs: 3,
      syncEvery: 100,
      callbacks: {
        onStepEnd: ({ step }: { step: number }) => {
          if (step === 6) throw new Error("step boom");
        },
      },
    },
    "step boom",
    (error) => {
      assert.deepEqual(
        historyOf(error)?.steps.map((s) => s.step),
        [1, 2, 3, 4, 5, 6],
      );
      assert.deepEqual(epochs(error), [1]);
    },
  );
  let calls = 0;
  await rejectsWith(
    {
      loss: (p: tf.Tensor, t: tf.Tensor) => {
        if (++calls === 3) throw new Error("loss boom");
        return mse(p, t);
      },
    },
    "loss boom",
    (error) => assert.equal(historyOf(error)?.steps.length, 2),
  );
  assert.equal(historyOf(new Error("not from fit")), undefined);
});

test("earlyStopping's monitor is checked before the first epoch trains", async () => {
  let steps = 0;
  const counting = { onStepEnd: () => void steps++ };
  await rejectsWith(
    { validation: regression, earlyStopping: { monitor: "val_loss" }, callbacks: counting },
    'earlyStopping: no "val_loss" in the epoch record (available: epoch, step, loss, lr, gradNorm, weightNorm, time, samplesPerSecond, valLoss); did you mean "valLoss"?',
  );
  await rejectsWith(
    {
      metrics: [{ mae: (p: tf.Tensor, t: tf.Tensor) => tf.mean(tf.abs(tf.sub(p, t))) }],
      earlyStopping: { monitor: "valMae" },
      callbacks: counting,
    },
    unknownMonitorMessage("valMae", [...STEP_KEYS, "mae"]),
  );
  // Without validation data a val… monitor says what is missing.
  await rejectsWith(
    { earlyStopping: { monitor: "valLoss" }, callbacks: counting },
    /no "valLoss" in the epoch record \(available: .*\); "valLoss" is measured on validation data: pass validation: \{ x, y \} to fit$/,
  );
  assert.equal(steps, 0, "an epoch trained before the check");
  // Every key it lists is one the records have.
  const history = await fit(
    linear({ inputs: 3, seed: 1 }),
    fitOptions({
      validation: regression,
      earlyStopping: { monitor: "valLoss" },
      regularizer: (w: tf.Variable[]) => tf.sum(tf.square(w[0])),
    }),
  );
  assert.deepEqual(history.keys(), [...STEP_KEYS, "penalty", "valLoss"]);
});

test("a OneCycleLR with fewer steps than epochs × batches is rejected before training, not at the step past its total", async () => {
  const optimizer = new SGD({ lr: 0.1 });
  const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 5 });
  const initialLr = optimizer.lr;
  await rejectsWith(
    { optimizer, scheduler, epochs: 2 },
    "fit: the OneCycleLR has 5 steps left but this fit takes 8 (2 epochs × 4 batches), and OneCycleLR steps after every batch; build it with { totalSteps: 8 } or { epochs: 2, stepsPerEpoch: 4 }",
  );
  assert.equal(optimizer.lr, initialLr, "the rejected fit stepped the schedule");
  const exact = new SGD({ lr: 0.1 });
  const history = await fit(
    linear({ inputs: 3, seed: 1 }),
    fitOptions({
      optimizer: exact,
      scheduler: new OneCycleLR(exact, { maxLr: 0.1, epochs: 2, stepsPerEpoch: 4 }),
      epochs: 2,
    }),
  );
  assert.equal(history.steps.length, 8);
  assert.equal(
    oneCycleTooShortMessage(3, 1, 4).startsWith("fit: the OneCycleLR has 3 steps left but this fit takes 4 "),
    true,
  );
});

test("validation labels the loss refuses fail before training, not when epoch 1 is evaluated", async () => {
  const moons = twoMoons({ n: 32, noise: 0.1, seed: 2 });
  const badLabels = tf.tensor1d([0, 1, 2, 1], "int32");
  const validation = { x: moons.x.slice(0, 4), y: badLabels };
  let steps = 0;
  await rejectsWith(
    { loss: crossEntropy, train: moons, validation, callbacks: { onStepEnd: () => void steps++ } },
    /^fit: validation\.y does not suit the loss: .*Target 2 is out of bounds/,
    undefined,
    mlp({ sizes: [2, 4, 2], seed: 1 }),
  );
  assert.equal(steps, 0);
  tf.dispose([badLabels, validation.x, moons.x, moons.y]);
});

test("train or validation in tfjs's { xs, ys } or Keras's [x, y] form is named as such, not 'reading rank'", async () => {
  await rejectsWith({ train: { xs: regression.x, ys: regression.y } }, notADatasetMessage({ xs: 0, ys: 0 }));
  assert.match(notADatasetMessage({ xs: 0, ys: 0 }), /got an object with keys xs, ys \(tfjs's \{ xs, ys \} form/);
  await rejectsWith(
    { validation: [regression.x, regression.y] },
    /got an array of 2 \(Keras's \[x, y\] form: write \{ x, y \}\)$/,
  );
  // The control: the same tensors as { x, y } train.
  const history = await fit(
    linear({ inputs: 3, seed: 1 }),
    fitOptions({ validation: { x: regression.x, y: regression.y } }),
  );
  assert.equal(history.epochs.length, 1);
});
