import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { fit, invalidGradientsMessage, type FitOptions } from "../../src/train/fit";
import type { History } from "../../src/train/history";
import { denseStackGradients, denseStackOf } from "../../src/train/denseStackGradients";
import { linear, logistic, mlp } from "../../src/models/builders";
import { fusedDense } from "../../src/models/fusedDense";
import { crossEntropy, mse } from "../../src/losses";
import { crossEntropyWithGradient, lossWithGradientShapeMessage } from "../../src/losses/crossEntropy";
import { labelsShape, targetOutOfBounds } from "../../src/losses/messages";
import { Adam } from "../../src/optim/adam";
import { SGD } from "../../src/optim/sgd";
import { l2Penalty } from "../../src/regularize";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

const N = 100;
const FEATURES = 12;
const CLASSES = 5;
const BATCH = 16; // 7 steps per epoch, the last one of 4 samples
const EPOCHS = 2;
const STEPS = EPOCHS * Math.ceil(N / BATCH);

function dataset(labels: (i: number) => number = (i) => (i * 7) % CLASSES): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return {
    x: tf.tensor2d(uniform(N * FEATURES, 5, -2, 2), [N, FEATURES]),
    y: tf.tensor1d(
      Array.from({ length: N }, (_, i) => labels(i)),
      "int32",
    ),
  };
}

/**
 * How many backward passes the tape runs while `run` runs (tf.variableGrads runs one per step):
 * counted on the engine's `gradients`, which every tfjs gradient function calls.
 */
async function tapePasses<T>(run: () => Promise<T>): Promise<{ result: T; passes: number }> {
  const engine = tf.engine() as unknown as { gradients: (...args: unknown[]) => unknown };
  const original = engine.gradients;
  let passes = 0;
  engine.gradients = function (this: unknown, ...args: unknown[]) {
    passes++;
    return original.apply(this, args);
  };
  try {
    return { result: await run(), passes };
  } finally {
    engine.gradients = original;
  }
}

/** A history's recorded values without its timings (which differ from run to run). */
function values(history: History): unknown {
  const steps = history.steps.map(({ time: _time, ...rest }) => rest);
  const epochs = history.epochs.map(({ time: _time, samplesPerSecond: _rate, ...rest }) => rest);
  return { steps, epochs };
}

interface Run {
  history: History;
  weights: Float32Array[];
  passes: number;
}

/** Trains a fresh model from `make` (weights set to `initial`) and reads what the run left. */
async function train(
  make: () => tf.LayersModel,
  initial: tf.Tensor[],
  options: Omit<FitOptions, "optimizer" | "train">,
  data = dataset(),
): Promise<Run> {
  const model = make();
  model.setWeights(initial);
  const optimizer = new Adam({ lr: 0.01 });
  const { result: history, passes } = await tapePasses(() =>
    fit(model, { optimizer, train: data, epochs: EPOCHS, batchSize: BATCH, seed: 7, progress: false, ...options }),
  );
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  optimizer.dispose();
  model.dispose();
  tf.dispose([data.x, data.y]);
  return { history, weights, passes };
}

/** The same training with the direct gradients ("auto") and on the tape: both runs. */
async function bothWays(
  make: () => tf.LayersModel,
  options: Omit<FitOptions, "optimizer" | "train" | "gradients">,
  data: () => { x: tf.Tensor; y: tf.Tensor } = dataset,
): Promise<{ auto: Run; tape: Run }> {
  const initial = tf.tidy(() =>
    make()
      .getWeights()
      .map((w) => w.clone()),
  );
  const auto = await train(make, initial, { ...options, gradients: "auto" }, data() as ReturnType<typeof dataset>);
  const tape = await train(make, initial, { ...options, gradients: "tape" }, data() as ReturnType<typeof dataset>);
  tf.dispose(initial);
  assert.equal(tape.passes, STEPS, "the tape path runs one backward pass per step");
  return { auto, tape };
}

function assertSameRuns(auto: Run, tape: Run, what: string): void {
  assert.deepEqual(values(auto.history), values(tape.history), `${what}: recorded values`);
  assert.deepEqual(auto.weights, tape.weights, `${what}: final weights, bit for bit`);
}

/** A Sequential of fused dense layers without biases (ReLU, then linear). */
function biasFree(): tf.Sequential {
  return tf.sequential({
    layers: [
      fusedDense({ units: 16, inputShape: [FEATURES], useBias: false, kernelInitializer: "heNormal" }, "relu"),
      fusedDense({ units: CLASSES, useBias: false }, "linear"),
    ],
  });
}

const DIRECT: { what: string; make: () => tf.LayersModel; options: Omit<FitOptions, "optimizer" | "train"> }[] = [
  {
    what: "mlp 12-16-5 (ReLU), accuracy",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 }),
    options: { loss: crossEntropy, metrics: ["accuracy"] },
  },
  {
    what: "mlp 12-16-8-5 linear hidden layers, clipping",
    make: () => mlp({ sizes: [FEATURES, 16, 8, CLASSES], activation: "linear", seed: 4 }),
    options: { loss: crossEntropy, clipGradNorm: 0.5 },
  },
  {
    what: "mlp 12-16-8-5, norms per epoch",
    make: () => mlp({ sizes: [FEATURES, 16, 8, CLASSES], seed: 5 }),
    options: { loss: crossEntropy, norms: "epoch" },
  },
  {
    what: "logistic (one layer)",
    make: () => logistic({ inputs: FEATURES, classes: CLASSES, seed: 6 }),
    options: { loss: crossEntropy },
  },
  { what: "layers without bias", make: biasFree, options: { loss: crossEntropy, metrics: ["accuracy"] } },
];

for (const backend of ["cpu", "wasm"] as const) {
  for (const { what, make, options } of DIRECT) {
    test(`fit's direct gradients (${backend}, ${what}): no tape, the tape path's bits (losses, norms, metrics, weights)`, async () => {
      await setUpWasm();
      assert.ok(await tf.setBackend(backend));
      const { auto, tape } = await bothWays(make, options);
      assert.equal(auto.passes, 0, "the direct path runs no backward pass on the tape");
      assertSameRuns(auto, tape, `${backend} ${what}`);
    });
  }
}

/** Cases the direct path does not cover: fit must take the tape, every step. */
const FALLBACK: {
  what: string;
  make: () => tf.LayersModel;
  options: Omit<FitOptions, "optimizer" | "train" | "gradients">;
  data?: () => { x: tf.Tensor; y: tf.Tensor };
}[] = [
  {
    what: "dropout",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], dropout: 0.2, seed: 3 }),
    options: { loss: crossEntropy },
  },
  {
    what: "batch norm",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], batchNorm: true, seed: 3 }),
    options: { loss: crossEntropy },
  },
  {
    what: "tanh layers",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], activation: "tanh", seed: 3 }),
    options: { loss: crossEntropy },
  },
  {
    what: "tfjs's own dense layer",
    make: () => tf.sequential({ layers: [tf.layers.dense({ units: CLASSES, inputShape: [FEATURES] })] }),
    options: { loss: crossEntropy },
  },
  {
    what: "a functional model",
    make: () => {
      const input = tf.input({ shape: [FEATURES] });
      const output = fusedDense({ units: CLASSES }, "linear").apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    },
    options: { loss: crossEntropy },
  },
  {
    what: "a frozen layer",
    make: () => {
      const model = mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 });
      model.layers[0].trainable = false;
      return model;
    },
    options: { loss: crossEntropy },
  },
  {
    what: "a regularizer",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 }),
    options: { loss: crossEntropy, regularizer: (w) => l2Penalty(w, 1e-3) },
  },
  {
    what: "crossEntropy with options (a closure)",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 }),
    options: { loss: (p, y) => crossEntropy(p, y, { labelSmoothing: 0.1 }) },
  },
  {
    what: "another loss",
    make: () => linear({ inputs: FEATURES, outputs: CLASSES, seed: 3 }),
    options: { loss: mse },
    data: () => ({
      x: tf.tensor2d(uniform(N * FEATURES, 5, -2, 2), [N, FEATURES]),
      y: tf.tensor2d(uniform(N * CLASSES, 6), [N, CLASSES]),
    }),
  },
  {
    what: "probability labels",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 }),
    options: { loss: crossEntropy },
    data: () => {
      const { x, y } = dataset();
      const oneHot = tf.tidy(() => tf.oneHot(y, CLASSES).toFloat());
      y.dispose();
      return { x, y: oneHot };
    },
  },
  {
    what: "ignored labels (-100)",
    make: () => mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 }),
    options: { loss: crossEntropy },
    data: () => dataset((i) => (i % 9 === 0 ? -100 : i % CLASSES)),
  },
];

for (const backend of ["cpu", "wasm"] as const) {
  test(`fit takes the tape, every step, where the direct gradients do not apply (${backend})`, async () => {
    await setUpWasm();
    assert.ok(await tf.setBackend(backend));
    for (const { what, make, options, data } of FALLBACK) {
      const { auto, tape } = await bothWays(make, options, data);
      assert.equal(auto.passes, STEPS, `${what}: one backward pass on the tape per step`);
      assertSameRuns(auto, tape, `${backend} ${what}`);
    }
  });
}

test("denseStackOf: the stack of mlp's layers, or undefined for what it does not cover", () => {
  const model = mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const stack = denseStackOf(model, { loss: crossEntropy, regularizer: undefined, variables });
  assert.deepEqual(
    stack?.layers.map((l) => [l.kernel.shape, l.bias?.shape, l.activation]),
    [
      [[FEATURES, 16], [16], "relu"],
      [[16, CLASSES], [CLASSES], "linear"],
    ],
  );
  assert.equal(denseStackOf(model, { loss: crossEntropy, regularizer: () => 0, variables }), undefined);
  assert.equal(denseStackOf(model, { loss: mse, regularizer: undefined, variables }), undefined);
  assert.equal(
    denseStackOf(model, { loss: crossEntropy, regularizer: undefined, variables: variables.slice(1) }),
    undefined,
    "gradients for a subset of the weights",
  );
  assert.equal(
    denseStackOf(model, { loss: crossEntropy, regularizer: undefined, variables: [...variables, variables[0]] }),
    undefined,
  );
  model.dispose();
});

test("denseStackGradients: tf.variableGrads' gradients (keys in order, bits) and loss; frees its intermediates", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const model = mlp({ sizes: [FEATURES, 16, 8, CLASSES], seed: 9 });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const stack = denseStackOf(model, { loss: crossEntropy, regularizer: undefined, variables });
    assert.ok(stack);
    const { x, y } = dataset();
    const before = tf.memory().numTensors;
    const direct = denseStackGradients(stack, x, y);
    assert.ok(direct);
    assert.equal(tf.memory().numTensors, before + 2 + variables.length, "logits, loss and the gradients only");
    const taped = tf.variableGrads(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y), variables);
    assert.deepEqual(Object.keys(direct.grads), Object.keys(taped.grads), `${backend}: names, in order`);
    for (const name of Object.keys(taped.grads))
      assert.deepEqual(direct.grads[name].dataSync(), taped.grads[name].dataSync(), `${backend}: ${name}`);
    assert.deepEqual(direct.loss.dataSync(), taped.value.dataSync(), `${backend}: loss`);
    const logits = tf.tidy(() => (model.apply(x) as tf.Tensor).dataSync());
    assert.deepEqual(direct.logits.dataSync(), logits, `${backend}: logits`);
    tf.dispose([
      direct.logits,
      direct.loss,
      ...Object.values(direct.grads),
      taped.value,
      ...Object.values(taped.grads),
    ]);
    // A batch it does not take: undefined before any kernel runs, nothing left.
    const wide = tf.zeros([4, FEATURES + 1]);
    const ignored = tf.tensor1d([0, -100, 1, 2], "int32");
    const some = tf.zeros([4, FEATURES]);
    const probabilities = tf.zeros([4, CLASSES]);
    const count = tf.memory().numTensors;
    const engine = tf.engine() as unknown as { runKernel: (...args: unknown[]) => unknown };
    const runKernel = engine.runKernel;
    let kernels = 0;
    engine.runKernel = function (this: unknown, ...args: unknown[]) {
      kernels++;
      return runKernel.apply(this, args);
    };
    try {
      assert.equal(denseStackGradients(stack, wide, ignored), undefined, "another width");
      assert.equal(denseStackGradients(stack, some, ignored), undefined, "an ignored label");
      assert.equal(denseStackGradients(stack, some, probabilities), undefined, "probability labels");
    } finally {
      engine.runKernel = runKernel;
    }
    assert.equal(kernels, 0, `${backend}: no forward pass for a batch it gives back`);
    assert.equal(tf.memory().numTensors, count, `${backend}: nothing left by a batch it gives back`);
    tf.dispose([x, y, wide, ignored, some, probabilities]);
    model.dispose();
  }
});

test("fit with direct gradients: bad labels give the tape path's errors and leave no tensors", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const cases = [
      {
        labels: (i: number) => (i === 37 ? 7 : i % CLASSES),
        error: { name: "RangeError", message: targetOutOfBounds(7, CLASSES, -100) },
      },
    ];
    for (const { labels, error } of cases) {
      for (const gradients of ["auto", "tape"] as const) {
        const model = mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 });
        const data = dataset(labels);
        const before = tf.memory().numTensors;
        await assert.rejects(
          fit(model, {
            optimizer: new SGD({ lr: 0.1 }),
            loss: crossEntropy,
            train: data,
            batchSize: BATCH,
            progress: false,
            gradients,
          }),
          error,
          `${backend} ${gradients}`,
        );
        assert.equal(tf.memory().numTensors, before, `${backend} ${gradients}: no tensors left`);
        model.dispose();
        tf.dispose([data.x, data.y]);
      }
    }
    // Labels of another shape ([N, 1]): crossEntropy's message on both paths.
    for (const gradients of ["auto", "tape"] as const) {
      const model = mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 });
      const { x, y } = dataset();
      const column = y.reshape([N, 1]);
      await assert.rejects(
        fit(model, {
          optimizer: new SGD({ lr: 0.1 }),
          loss: crossEntropy,
          train: { x, y: column },
          batchSize: BATCH,
          progress: false,
          gradients,
        }),
        { message: labelsShape([BATCH], [BATCH, 1]) },
        `${backend} ${gradients}`,
      );
      model.dispose();
      tf.dispose([x, y, column]);
    }
  }
});

test("fit with direct gradients leaves the tensor count constant from step to step", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const model = mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 });
    const optimizer = new Adam({ lr: 0.01 });
    const data = dataset();
    const counts: number[] = [];
    const { passes } = await tapePasses(() =>
      fit(model, {
        optimizer,
        loss: crossEntropy,
        train: data,
        epochs: 3,
        batchSize: BATCH,
        metrics: ["accuracy"],
        progress: false,
        callbacks: { onStepEnd: () => counts.push(tf.memory().numTensors) },
      }),
    );
    assert.equal(passes, 0);
    // Each step's packed values wait for the epoch's read: the same counts, step by step, every epoch.
    const perEpoch = STEPS / EPOCHS;
    assert.deepEqual(
      counts.slice(perEpoch, 2 * perEpoch),
      counts.slice(2 * perEpoch),
      `${backend}: ${counts.join(" ")}`,
    );
    assert.deepEqual(
      counts.slice(1, perEpoch),
      counts.slice(perEpoch + 1, 2 * perEpoch),
      `${backend}: ${counts.join(" ")}`,
    );
    optimizer.dispose();
    model.dispose();
    tf.dispose([data.x, data.y]);
  }
});

test("fit: invalid gradients option", async () => {
  const model = mlp({ sizes: [FEATURES, 16, CLASSES], seed: 3 });
  const data = dataset();
  await assert.rejects(
    fit(model, {
      optimizer: new SGD({ lr: 0.1 }),
      loss: crossEntropy,
      train: data,
      progress: false,
      gradients: "fast" as "auto",
    }),
    { message: invalidGradientsMessage("fast") },
  );
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test("crossEntropyWithGradient: decided from the logits' shape with crossEntropy's checks; refuses other logits", async () => {
  await setUpWasm();
  const labels = tf.tensor1d([0, 2, 1, 4], "int32");
  const ignored = tf.tensor1d([0, -100, 1, 4], "int32");
  const bad = tf.tensor1d([0, 5, 1, 4], "int32");
  assert.ok(crossEntropyWithGradient([4, CLASSES], labels));
  assert.equal(crossEntropyWithGradient([4, CLASSES], labels, { labelSmoothing: 0.1 }), undefined);
  assert.equal(crossEntropyWithGradient([4, CLASSES], labels, { weight: [1, 1, 1, 1, 2] }), undefined);
  assert.equal(crossEntropyWithGradient([4, CLASSES], labels, { reduction: "none" }), undefined);
  assert.equal(crossEntropyWithGradient([4, CLASSES], ignored), undefined);
  const one = tf.scalar(2, "int32");
  assert.equal(crossEntropyWithGradient([CLASSES], one), undefined, "unbatched");
  assert.throws(() => crossEntropyWithGradient([4, CLASSES], bad), {
    name: "RangeError",
    message: targetOutOfBounds(5, CLASSES, -100),
  });
  assert.throws(() => crossEntropyWithGradient([3, CLASSES], labels), { message: labelsShape([3], [4]) });
  const lossWithGradient = crossEntropyWithGradient([4, CLASSES], labels);
  const wrong = tf.zeros([4, CLASSES + 1]) as tf.Tensor2D;
  assert.throws(() => lossWithGradient?.(wrong), {
    message: lossWithGradientShapeMessage([4, CLASSES], [4, CLASSES + 1]),
  });
  tf.dispose([labels, ignored, bad, wrong, one]);
});
