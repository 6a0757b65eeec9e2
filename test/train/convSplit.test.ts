/**
 * `fit` with `threads: 2` or more on a LeNet-shaped network splits each step by examples and
 * weights (src/train/convSplit.ts) and claims the same bits as one thread: every comparison here is
 * bit for bit (splitRuns.ts), and every split run asserts that it really ran split
 * (`info.threadsSplit === "examples and weights"`), so a silent fallback fails the test.
 */
import { after, test as nodeTest } from "node:test";
import * as os from "node:os";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { FitOptions } from "../../src/train/fit";
import { planFit } from "../../src/train/fitOptions";
import { planConvSplit } from "../../src/train/convSplit";
import { keptUnitSplitWorkers, setUnitSplitMaxThreads, stopUnitSplitWorkers } from "../../src/train/unitSplit";
import { lenet, mlp } from "../../src/models/builders";
import { crossEntropy } from "../../src/losses";
import { Adam } from "../../src/optim/adam";
import { AdamW } from "../../src/optim/adamw";
import { SGD } from "../../src/optim/sgd";
import { RMSprop } from "../../src/optim/rmsprop";
import { setUpWasm } from "../wasmKernels/helpers";
import {
  CLASSES,
  assertErrorsKeepWeights,
  assertRefusesHugeData,
  assertInterruptsLikeOneThread,
  assertSameRun,
  images,
  train,
  type Case,
  assertSameBitsOn,
  splitUnderTest,
} from "./splitRuns";

/** A test with more threads allowed than this machine may have cores (the split caps them at the cores otherwise). */
function test(name: string, fn: () => void | Promise<void>): void {
  nodeTest(name, async () => {
    const maxThreads = setUnitSplitMaxThreads(8);
    try {
      await fn();
    } finally {
      setUnitSplitMaxThreads(maxThreads);
    }
  });
}

after(async () => {
  await stopUnitSplitWorkers();
});

const build = () => lenet({ seed: 3 });

const LENET = splitUnderTest("examples and weights", build);
const { assertSplit } = LENET;

/** Trains LeNet (or `model`'s network) on 1 thread and on each of `threadCounts`, asserting the same bits and that the split ran. */
const assertSameBits = (
  what: string,
  c: Case,
  data: { x: tf.Tensor; y: tf.Tensor },
  threadCounts?: number[],
  model = build,
) =>
  assertSameBitsOn(
    model === build ? LENET : splitUnderTest("examples and weights", model),
    what,
    c,
    data,
    threadCounts,
  );

const OPTIMIZERS: [string, () => tf.Optimizer][] = [
  ["Adam", () => new Adam({ lr: 1e-3 })],
  ["AdamW", () => new AdamW({ lr: 1e-3, weightDecay: 0.05 })],
  ["SGD momentum nesterov", () => new SGD({ lr: 0.05, momentum: 0.9, nesterov: true })],
  ["RMSprop centered momentum", () => new RMSprop({ lr: 1e-3, centered: true, momentum: 0.5 })],
];

test("LeNet: the split gives one thread's bits (weights, every step with its norms, epochs, optimizer state) for each optimizer on 2 and 3 threads, 100 images in batches of 30", async () => {
  const data = images(100, 1);
  try {
    for (const [name, optimizer] of OPTIMIZERS)
      await assertSameBits(name, { optimizer, options: () => ({ norms: "step" }) }, data);
  } finally {
    tf.dispose(data);
  }
});

test("batches of 4 (a last batch of 1), 64 (a last batch of 36) and the full batch; 32×32 images (a 'valid' first convolution): the same bits", async () => {
  const data = images(100, 2);
  const small = images(17, 3); // a last batch of 1: one thread has no example of it
  const adam: Case = { optimizer: () => new Adam({ lr: 1e-3 }) };
  try {
    await assertSameBits("batch 4", { ...adam, options: () => ({ batchSize: 4, epochs: 1 }) }, small, [2]);
    await assertSameBits("batch 64", { ...adam, options: () => ({ batchSize: 64 }) }, data);
    await assertSameBits("full batch", { ...adam, options: () => ({ batchSize: "full", epochs: 2 }) }, data);
    const big = {
      x: tf
        .pad(data.x.reshape([100, 28, 28, 1]), [
          [0, 0],
          [2, 2],
          [2, 2],
          [0, 0],
        ])
        .reshape([100, 1024]),
      y: data.y,
    };
    await assertSameBits("32×32", adam, big, [2], () => lenet({ seed: 3, size: 32 }));
    big.x.dispose();
  } finally {
    tf.dispose([data, small]);
  }
});

test("errors keep the weights: divergence mid-epoch and an onEpochEnd that throws leave one thread's weights and history", async () => {
  const data = images(100, 12);
  try {
    await assertErrorsKeepWeights(LENET, data);
  } finally {
    tf.dispose(data);
  }
});

test("an interrupt between steps (the next step already commanded to the other threads) stops as on one thread; the next fit is right", async () => {
  const data = images(100, 14);
  try {
    await assertInterruptsLikeOneThread(LENET, data, keptUnitSplitWorkers);
  } finally {
    tf.dispose(data);
  }
});

test("a LeNet fit and a two-layer MLP fit take turns on the same worker threads, each with one thread's bits", async () => {
  const data = images(100, 15);
  const adam: Case = { optimizer: () => new Adam({ lr: 1e-3 }) };
  try {
    const lenetOne = await train(1, adam, data, false, build);
    const mlpOne = await train(1, adam, data);
    for (let round = 0; round < 2; round++) {
      const lenetSplit = await train(2, adam, data, false, build);
      assertSplit(lenetSplit, 2, "lenet");
      assertSameRun(lenetOne, lenetSplit, `lenet, round ${round}`);
      const mlpSplit = await train(2, adam, data);
      assert.equal(mlpSplit.history.info.threadsSplit, "hidden units");
      assertSameRun(mlpOne, mlpSplit, `mlp, round ${round}`);
    }
  } finally {
    tf.dispose(data);
  }
});

test("by default (no threads option, OPTIMLAB_THREADS unset) LeNet splits with one thread's bits; OPTIMLAB_THREADS=1 trains on one thread", async () => {
  const data = images(100, 16);
  const saved = process.env.OPTIMLAB_THREADS;
  const byDefault: Case = { optimizer: () => new Adam({ lr: 1e-3 }), options: () => ({ threads: undefined }) };
  try {
    const one = await train(1, { optimizer: () => new Adam({ lr: 1e-3 }) }, data, false, build);
    delete process.env.OPTIMLAB_THREADS;
    const split = await train(1, byDefault, data, false, build);
    const cores = Math.min(os.availableParallelism(), 8);
    if (cores > 1) {
      assertSplit(split, Math.min(cores, 15), "by default");
      assertSameRun(one, split, "by default");
    } else assert.equal(split.history.info.threads, undefined, "one core: one thread");
    process.env.OPTIMLAB_THREADS = "1";
    const single = await train(1, byDefault, data, false, build);
    assert.equal(single.history.info.threadsSplit, undefined, "OPTIMLAB_THREADS=1: one thread");
  } finally {
    if (saved === undefined) delete process.env.OPTIMLAB_THREADS;
    else process.env.OPTIMLAB_THREADS = saved;
    tf.dispose(data);
  }
});

test("planConvSplit: LeNet qualifies; dropout, tanh, colour images, an MLP, onStepEnd, tiny batches and data too large for a wasm memory do not, each with its reason", async () => {
  await setUpWasm();
  const data = images(64, 11);
  const colour = { x: tf.tile(data.x, [1, 3]), y: data.y };
  const why = (model: tf.LayersModel, options: Partial<FitOptions> = {}) => {
    const full: FitOptions = {
      optimizer: new Adam({ lr: 1e-3 }),
      loss: crossEntropy,
      train: data,
      batchSize: 32,
      metrics: ["accuracy"],
      threads: 2,
      progress: false,
      ...options,
    };
    const plan = planConvSplit(model, planFit(model, full), full.callbacks);
    return plan.ok ? `ok ${plan.threads}` : plan.why;
  };
  const cases: [string, () => tf.Sequential, Partial<FitOptions>, RegExp][] = [
    ["lenet", build, {}, /^ok 2$/],
    ["dropout", () => lenet({ seed: 3, dropout: 0.25 }), {}, /dense/],
    ["tanh", () => lenet({ seed: 3, activation: "tanh" }), {}, /ReLU/],
    ["colour", () => lenet({ seed: 3, channels: 3 }), { train: colour }, /one input channel/],
    ["mlp", () => mlp({ sizes: [784, 16, 16, CLASSES], seed: 1 }), {}, /LeNet-shaped/],
    ["onStepEnd", build, { callbacks: { onStepEnd: () => undefined } }, /onStepEnd/],
    ["batch 3", build, { batchSize: 3 }, /fewer than 4 examples/],
  ];
  try {
    for (const [name, make, options, expected] of cases) {
      const model = make();
      assert.match(why(model, options), expected, name);
      model.dispose();
    }
    // A dataset of 2,000,000 images would not fit in one wasm memory with the maps: refused, not a RangeError.
    const model = build();
    assertRefusesHugeData(planConvSplit, model, data);
    model.dispose();
  } finally {
    tf.dispose([data, colour.x]);
  }
});
