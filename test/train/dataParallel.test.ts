import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { fit, invalidFitThreadsMessage, type FitOptions } from "../../src/train/fit";
import { planDataParallel, splitRows } from "../../src/train/dataParallel";
import { stopReplicaThreads } from "../../src/train/replicaPool";
import { MIN_PART_MULTIPLY_ADDS, multiplyAddsPerExample, setMinPartMultiplyAdds } from "../../src/train/splitPolicy";
import { planFit } from "../../src/train/fitOptions";
import { replicaFailedMessage, replicaStoppedMessage } from "../../src/train/replicaThread";
import { lenet, mlp } from "../../src/models/builders";
import { crossEntropy, mse } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";
import { Adam } from "../../src/optim/adam";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

// The tests' small models would not pay for the split (MIN_PART_MULTIPLY_ADDS): split every batch.
before(() => setMinPartMultiplyAdds(0));
after(async () => {
  setMinPartMultiplyAdds(MIN_PART_MULTIPLY_ADDS);
  await stopReplicaThreads();
});

const CLASSES = 10;

function images(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return {
    x: tf.tensor2d(uniform(n * 784, seed, 0, 1), [n, 784]),
    y: tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 7 + seed) % CLASSES),
      "int32",
    ),
  };
}

type Build = () => tf.Sequential;
const NETWORKS: [string, Build, Partial<FitOptions>][] = [
  // Three layers: a two-layer MLP on wasm is split by hidden units instead (unitSplit.ts, its own tests).
  ["mlp 784-32-16-10 (direct gradients)", () => mlp({ sizes: [784, 32, 16, CLASSES], seed: 3 }), {}],
  // On wasm a LeNet is split by examples and weights (convSplit.ts, its own tests), which refuses an onStepEnd callback.
  ["lenet (tape, with onStepEnd)", () => lenet({ seed: 3 }), { callbacks: { onStepEnd: () => undefined } }],
];

/** Trains a fresh copy for `steps` batches of 16 (the last one shorter) and returns its weights and history. */
async function train(build: Build, threads: number, options: Partial<FitOptions> = {}) {
  const model = build();
  const data = images(40, 1); // batches of 16, 16 and 8 rows
  const history = await fit(model, {
    optimizer: new SGD({ lr: 0.5 }),
    loss: crossEntropy,
    train: data,
    batchSize: 16,
    shuffle: false,
    progress: false,
    metrics: ["accuracy"],
    threads,
    ...options,
  });
  const weights = model.getWeights().map((w) => w.dataSync().slice());
  model.dispose();
  tf.dispose(data);
  return { weights, history };
}

test("batches whose parts are too small to pay for the split train on one thread, and the history says why", async () => {
  await setUpWasm();
  const lenetModel = lenet({ seed: 1 });
  const mlpModel = mlp({ sizes: [784, 128, CLASSES], seed: 1 });
  // conv1 ("same") 28²·(5·5·1·6) + conv2 10²·(5·5·6·16) + dense 400·120 + 120·84 + 84·10.
  assert.equal(multiplyAddsPerExample(lenetModel), 28 * 28 * 150 + 10 * 10 * 2400 + 400 * 120 + 120 * 84 + 84 * 10);
  assert.equal(multiplyAddsPerExample(mlpModel), 784 * 128 + 128 * CLASSES);
  const previous = setMinPartMultiplyAdds(MIN_PART_MULTIPLY_ADDS);
  try {
    const data = images(512, 7);
    const plan = (model: tf.LayersModel, batchSize: number) =>
      planDataParallel(
        model,
        planFit(model, { optimizer: new SGD({ lr: 0.1 }), loss: crossEntropy, train: data, batchSize, threads: 2 }),
      );
    // At batch 64 (the bench's) neither the MNIST MLP nor LeNet splits; LeNet at 128 and the MLP at 512 do.
    assert.match(plan(mlpModel, 64).why ?? "", /a part of 32 examples is 9,756,672 multiply-adds, too little/);
    assert.match(plan(lenetModel, 64).why ?? "", /a part of 32 examples is 39,985,920 multiply-adds, too little/);
    assert.equal(plan(lenetModel, 128).why, undefined);
    assert.equal(plan(mlpModel, 512).why, undefined);
    // On the tape: the tape-free two-layer MLP would be split by hidden units (unitSplit.ts).
    const history = await fit(mlpModel, {
      optimizer: new SGD({ lr: 0.1 }),
      loss: crossEntropy,
      train: data,
      batchSize: 64,
      threads: 2,
      progress: false,
      gradients: "tape",
    });
    assert.equal(history.info.threads, 1);
    assert.match(history.info.threadsNote ?? "", /too little to pay for the split/);
    tf.dispose([data.x, data.y]);
  } finally {
    setMinPartMultiplyAdds(previous);
    lenetModel.dispose();
    mlpModel.dispose();
  }
});

test("splitRows: consecutive parts, the first ones one row longer", () => {
  assert.deepEqual(splitRows(64, 2), [32, 32]);
  assert.deepEqual(splitRows(17, 2), [9, 8]);
  assert.deepEqual(splitRows(10, 4), [3, 3, 2, 2]);
  assert.deepEqual(splitRows(1, 2), [1, 0]);
});

for (const backend of ["wasm", "cpu"] as const) {
  for (const [name, build, options] of NETWORKS) {
    test(`2 threads train ${name} on ${backend} as one does, up to float32 rounding of the batch sums; the same bits on every run`, async () => {
      if (backend === "wasm") await setUpWasm();
      else await tf.setBackend("cpu");
      const one = await train(build, 1, options);
      const two = await train(build, 2, options);
      const again = await train(build, 2, options);
      assert.equal(two.history.info.threads, 2);
      assert.equal(two.history.info.threadsNote, undefined);
      assert.equal(one.history.info.threads, undefined, "one thread by default: nothing said");
      let largest = 0;
      let differing = 0;
      two.weights.forEach((w, i) => {
        assert.deepEqual(w, again.weights[i], "deterministic with the same thread count");
        w.forEach((v, j) => {
          const reference = one.weights[i][j];
          largest = Math.max(largest, Math.abs(v - reference) / Math.max(1e-3, Math.abs(reference)));
          if (!Object.is(v, reference)) differing++;
        });
      });
      // Three SGD steps at lr 0.5: the gradients' batch sums differ in the last bits only, and the
      // steps amplify them. The largest relative difference depends on the draws: 1.3e-4 on wasm for
      // lenet's weights from He's normal (uncut), below 1e-4 with tfjs's normal cut at 2σ (narrower).
      assert.ok(largest < 3e-4, `largest relative difference ${largest}`);
      assert.ok(differing > 0, "the batch sums are summed per part: not the same bits as one thread");
      const steps = (h: typeof one.history) => h.steps.map((s) => [s.loss, s.accuracy] as number[]);
      steps(two.history).forEach(([loss, accuracy], i) => {
        const [loss1, accuracy1] = steps(one.history)[i];
        assert.ok(Math.abs(loss - loss1) < 1e-5 * Math.abs(loss1), `step ${i} loss ${loss} vs ${loss1}`);
        assert.ok(Math.abs(accuracy - accuracy1) < 1e-6, `step ${i} accuracy ${accuracy} vs ${accuracy1}`);
      });
      assert.equal(tf.getBackend(), backend);
    });
  }
}

test("threads: a model whose examples interact, another loss or a regularizer trains on one thread and says why", async () => {
  await setUpWasm();
  const dropout = mlp({ sizes: [784, 16, CLASSES], dropout: 0.5, seed: 1 });
  const data = images(20, 2);
  const history = await fit(dropout, {
    optimizer: new Adam({ lr: 1e-3 }),
    loss: crossEntropy,
    train: data,
    batchSize: 10,
    progress: false,
    threads: 2,
  });
  assert.equal(history.info.threads, 1);
  assert.match(history.info.threadsNote ?? "", /examples are computed independently/);
  const dense = mlp({ sizes: [784, 16, CLASSES], seed: 1 });
  const closure = planFit(dense, {
    optimizer: new SGD({ lr: 0.1 }),
    loss: (p, t) => crossEntropy(p, t, { labelSmoothing: 0.1 }),
    train: data,
    threads: 2,
  });
  assert.match(planDataParallel(dense, closure).why ?? "", /loss/);
  const metric = planFit(dense, {
    optimizer: new SGD({ lr: 0.1 }),
    loss: mse,
    train: data,
    metrics: [{ mine: (p) => tf.mean(p) as tf.Scalar }],
    threads: 2,
  });
  assert.match(planDataParallel(dense, metric).why ?? "", /metric/);
  tf.dispose([data.x, data.y]);
  dropout.dispose();
  dense.dispose();
});

test("threads: bad values are refused before anything runs", async () => {
  await setUpWasm();
  const model = mlp({ sizes: [784, 4, CLASSES], seed: 1 });
  const data = images(4, 3);
  for (const bad of [0, 1.5, 9, -1, Number.NaN]) {
    await assert.rejects(
      fit(model, { optimizer: new SGD({ lr: 0.1 }), loss: crossEntropy, train: data, threads: bad, progress: false }),
      { message: invalidFitThreadsMessage(bad) },
    );
  }
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test("threads: an error on either thread's rows is the fit's error, and the next fit runs", async () => {
  await setUpWasm();
  const model = mlp({ sizes: [784, 8, CLASSES], seed: 1 });
  const x = tf.tensor2d(uniform(8 * 784, 4, 0, 1), [8, 784]);
  const run = (y: tf.Tensor) =>
    fit(model, {
      optimizer: new SGD({ lr: 0.1 }),
      loss: crossEntropy,
      train: { x, y },
      batchSize: 8,
      shuffle: false,
      threads: 2,
      progress: false,
    });
  // A label out of range in the replica's rows only (rows 4–7).
  const replicaRows = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 12], "int32");
  await assert.rejects(run(replicaRows), {
    message: replicaFailedMessage(
      "crossEntropy: Target 12 is out of bounds (class indices must be in [0, 10) or equal ignoreIndex -100)",
    ),
  });
  // Targets of the wrong width: the trainer's own part fails first, while the replica still works
  // on its part; the fit must wait for it before it ends, or the replica would miss the release
  // and the next fit would hang.
  const wide = tf.ones([8, CLASSES + 1]);
  for (let i = 0; i < 3; i++) await assert.rejects(run(wide), /probability targets must have the logits' shape/);
  const good = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32");
  const history = await run(good);
  assert.equal(history.info.threads, 2);
  tf.dispose([x, replicaRows, wide, good]);
  model.dispose();
});

test("threads: a replica thread that stops during a fit fails the fit with a message instead of hanging", async () => {
  await setUpWasm();
  const model = mlp({ sizes: [784, 8, CLASSES], seed: 1 });
  const data = images(64, 6);
  const run = (callbacks?: FitOptions["callbacks"]) =>
    fit(model, {
      optimizer: new SGD({ lr: 0.1 }),
      loss: crossEntropy,
      train: data,
      batchSize: 8,
      threads: 2,
      progress: false,
      callbacks,
    });
  await assert.rejects(run({ onStepEnd: ({ step }) => void (step === 2 && stopReplicaThreads()) }), (error: Error) =>
    error.message.startsWith(replicaStoppedMessage("").split("(")[0]),
  );
  // A new thread is started for the next fit.
  const history = await run();
  assert.equal(history.info.threads, 2);
  assert.equal(history.steps.length, 8);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test("threads: fits that run at the same time each get their own replica thread", { timeout: 120_000 }, async () => {
  await setUpWasm();
  const build = () => mlp({ sizes: [784, 16, CLASSES], seed: 4 });
  const one = async () => (await train(build, 2)).weights;
  const sequential = [await one(), await one()];
  // Before, both fits took the pool's first thread: the second fit's setup took the replica from
  // the first, whose next step then waited forever.
  const together = await Promise.all([one(), one()]);
  assert.deepEqual(together, sequential);
});

test("a script that trained on 2 threads ends by itself (the replica threads do not keep it alive)", () => {
  const source = path.join(__dirname, "../../src");
  const code = `
    const tf = require("@tensorflow/tfjs");
    const { fit } = require(${JSON.stringify(path.join(source, "train/fit"))});
    const { lenet } = require(${JSON.stringify(path.join(source, "models/builders"))});
    const { crossEntropy } = require(${JSON.stringify(path.join(source, "losses"))});
    const { SGD } = require(${JSON.stringify(path.join(source, "optim/sgd"))});
    const x = tf.randomUniform([256, 784], 0, 1, "float32", 1);
    const y = tf.tensor1d(Array.from({ length: 256 }, (_, i) => i % 10), "int32");
    fit(lenet({ seed: 1 }), { optimizer: new SGD({ lr: 0.1 }), loss: crossEntropy, train: { x, y }, batchSize: 128, threads: 2, progress: false })
      .then((history) => console.log("threads", history.info.threads));`;
  const run = spawnSync(process.execPath, [...process.execArgv, "-e", code], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, OPTIMLAB_THREADS: "" },
  });
  assert.equal(run.status, 0, `exit ${run.status} (null: still running when killed)\n${run.stderr.slice(-2000)}`);
  assert.match(run.stdout, /threads 2/);
});

test("warmUp() starts fit's replica threads when OPTIMLAB_THREADS asks for them, and the script still ends", () => {
  const warmUpPath = path.join(__dirname, "../../src/warmUp");
  const code = `require(${JSON.stringify(warmUpPath)}).warmUp({ steps: 4, tapeSteps: 0 }).then((r) => console.log("replicas", r.replicaThreads))`;
  const runs = ["2", "1"].map((threads) =>
    spawnSync(process.execPath, [...process.execArgv, "-e", code], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, OPTIMLAB_THREADS: threads },
    }),
  );
  for (const run of runs) assert.equal(run.status, 0, `exit ${run.status}\n${run.stderr.slice(-2000)}`);
  assert.match(runs[0].stdout, /replicas 1/);
  assert.match(runs[1].stdout, /replicas 0/);
});
