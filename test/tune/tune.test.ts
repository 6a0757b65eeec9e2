import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  choice,
  emptySpaceMessage,
  emptyAxisMessage,
  invalidRangeMessage,
  logUniform,
  uniform,
} from "../../src/tune/space";
import {
  badResultMessage,
  gridSearch,
  invalidTrialsMessage,
  metricCollisionMessage,
  nonFiniteGridMessage,
  randomSearch,
  reservedParamMessage,
  TrialError,
  trialFailedMessage,
  type TrialResult,
} from "../../src/tune/search";
import {
  invalidBetaMessage,
  invalidDivergeFactorMessage,
  invalidLrRangeMessage,
  invalidStepsMessage,
  lrRangeTest,
  noWritableLrMessage,
} from "../../src/tune/lrRangeTest";
import { fit } from "../../src/train/fit";
import { linearRegression, twoMoons } from "../../src/data/synthetic";
import { DataLoader, noBatchesMessage } from "../../src/data/loader";
import { linear, mlp } from "../../src/models/builders";
import { crossEntropy, mse } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";
import { Adam } from "../../src/optim/adam";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";

const regression = linearRegression({ n: 32, features: 2, seed: 1 });

test("gridSearch tries every combination in order and returns a DataFrame", async () => {
  const seen: unknown[] = [];
  const frame = await gridSearch({ a: [1, 2], b: choice(["x", "y", "z"]) }, (params, trial) => {
    seen.push([trial, params.a, params.b]);
    return { score: Number(params.a) * 10 + trial };
  });
  assert.deepEqual(
    seen.map((s) => (s as unknown[]).slice(1)),
    [
      [1, "x"],
      [1, "y"],
      [1, "z"],
      [2, "x"],
      [2, "y"],
      [2, "z"],
    ],
  );
  assert.deepEqual(frame.columns, ["trial", "a", "b", "score", "status"]);
  assert.deepEqual(frame.shape, [6, 5]);
  assert.deepEqual(frame.column("score").values, [10, 11, 12, 23, 24, 25]);
});

test("gridSearch over fits: History results give final-epoch columns; divergence is a row, not a crash", async () => {
  const frame = await gridSearch({ lr: [0.1, 100] }, ({ lr }) =>
    fit(linear({ inputs: 2, seed: 1 }), {
      optimizer: new SGD({ lr: Number(lr) }),
      loss: mse,
      train: regression,
      validation: regression,
      epochs: 30,
      batchSize: "full",
      progress: false,
    }),
  );
  assert.deepEqual(frame.columns, ["trial", "lr", "loss", "gradNorm", "weightNorm", "valLoss", "status"]);
  assert.deepEqual(frame.column("status").values, ["ok", "diverged"]);
  const losses = frame.column("loss").values as number[];
  assert.ok(losses[0] < 0.1);
  assert.ok(Number.isNaN(losses[1]));
});

test("randomSearch draws seeded values inside the axes (log-uniform spans decades)", async () => {
  const space = { lr: logUniform(1e-4, 1), momentum: uniform(0, 0.99), batch: [16, 32] };
  const objective = (params: { [k: string]: unknown }) => Number(params.lr);
  const a = await randomSearch(space, objective, { trials: 40, seed: 3 });
  const b = await randomSearch(space, objective, { trials: 40, seed: 3 });
  assert.deepEqual(a.values, b.values);
  const lrs = a.column("lr").values as number[];
  assert.ok(lrs.every((lr) => lr >= 1e-4 && lr <= 1));
  // Log-uniform: about a quarter of the draws per decade, so some below 1e-3.
  assert.ok(lrs.filter((lr) => lr < 1e-3).length >= 4);
  assert.ok((a.column("momentum").values as number[]).every((m) => m >= 0 && m <= 0.99));
  assert.ok((a.column("batch").values as number[]).every((v) => v === 16 || v === 32));
});

test("search inputs are validated with exact messages", async () => {
  await assert.rejects(
    gridSearch({}, () => 1),
    { message: emptySpaceMessage() },
  );
  await assert.rejects(
    gridSearch({ lr: [] }, () => 1),
    { message: emptyAxisMessage("lr") },
  );
  await assert.rejects(
    gridSearch({ lr: logUniform(1e-3, 1) }, () => 1),
    { message: nonFiniteGridMessage("lr") },
  );
  await assert.rejects(
    randomSearch({ lr: [1] }, () => 1, { trials: 0 }),
    { message: invalidTrialsMessage(0) },
  );
  await assert.rejects(
    gridSearch({ lr: [1] }, () => "good" as unknown as number),
    { message: trialFailedMessage("gridSearch", 0, { lr: 1 }, new Error(badResultMessage("good"))) },
  );
  assert.throws(() => logUniform(0, 1), { message: invalidRangeMessage("logUniform", 0, 1) });
  assert.throws(() => uniform(1, 1), { message: invalidRangeMessage("uniform", 1, 1) });
});

test("lrRangeTest: exponential lrs, stops on divergence, suggests an lr below the blow-up and restores weights", async () => {
  const moons = twoMoons({ n: 128, seed: 2 });
  const model = mlp({ sizes: [2, 16, 2], seed: 3 });
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const tensorsBefore = tf.memory().numTensors;
  const result = await lrRangeTest(model, {
    optimizer: new SGD({ lr: 1e-7 }),
    loss: crossEntropy,
    train: moons,
    batchSize: 32,
    seed: 1,
    end: 1e4,
  });
  assert.deepEqual(result.frame.columns, ["step", "lr", "loss", "smoothedLoss"]);
  const lrs = result.frame.column("lr").values as number[];
  assert.equal(lrs[0], 1e-7);
  for (let i = 1; i < lrs.length; i++) assert.ok(Math.abs(lrs[i] / lrs[i - 1] - 1e11 ** (1 / 99)) < 1e-9);
  assert.equal(result.stoppedEarly, true);
  assert.ok(lrs.length < 100);
  assert.ok(result.suggestedLr > 1e-5 && result.suggestedLr < lrs[lrs.length - 1], `${result.suggestedLr}`);
  assert.ok(result.minLossLr >= result.suggestedLr);
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.dataSync())),
    before,
  );
  result.frame.dispose?.();
  assert.ok(tf.memory().numTensors <= tensorsBefore + 8);
  assert.match(
    String((result as unknown as { [JUPYTER_DISPLAY](): { "text/plain": string } })[JUPYTER_DISPLAY]()["text/plain"]),
    /suggested lr \d\.\d\de[+-]\d+ \(steepest descent\)/,
  );
});

test("lrRangeTest rejects a bad range and an optimizer without a writable lr", async () => {
  const model = linear({ inputs: 2, seed: 1 });
  await assert.rejects(
    lrRangeTest(model, { optimizer: new SGD({ lr: 1 }), loss: mse, train: regression, start: 1, end: 0.1 }),
    { message: invalidLrRangeMessage(1, 0.1) },
  );
  await assert.rejects(lrRangeTest(model, { optimizer: tf.train.adam(0.1), loss: mse, train: regression }), {
    message: noWritableLrMessage(),
  });
  // A loader whose only batch dropLast drops yields nothing to test on.
  const dropped = new DataLoader(regression, { batchSize: regression.x.shape[0] + 1, dropLast: true });
  await assert.rejects(lrRangeTest(model, { optimizer: new SGD({ lr: 1 }), loss: mse, train: dropped }), {
    message: noBatchesMessage("lrRangeTest", dropped),
  });
});

test("randomSearch and lrRangeTest refuse an unknown option (a typo was silently ignored)", async () => {
  await assert.rejects(
    randomSearch({ lr: [0.1] }, () => 1, { trails: 3 } as never),
    {
      name: "TypeError",
      message: "randomSearch got an unexpected option 'trails' (did you mean 'trials'?); its options are trials, seed",
    },
  );
  const model = linear({ inputs: 2, seed: 1 });
  await assert.rejects(
    lrRangeTest(model, { optimizer: new SGD({ lr: 1 }), loss: mse, train: regression, stpes: 3 } as never),
    { name: "TypeError", message: /^lrRangeTest got an unexpected option 'stpes' \(did you mean 'steps'\?\)/ },
  );
});

test("danfojs shares optimlab's @tensorflow/tfjs (no second engine, backend unchanged)", async () => {
  const path = await import("node:path");
  const danfoDir = path.dirname(require.resolve("danfojs"));
  assert.equal(require.resolve("@tensorflow/tfjs", { paths: [danfoDir] }), require.resolve("@tensorflow/tfjs"));
  const backendBefore = tf.getBackend();
  const { danfo } = await import("../../src/plot/danfo");
  const frame = new (danfo().DataFrame)([[1, 2]], { columns: ["a", "b"] });
  assert.equal(tf.getBackend(), backendBefore);
  assert.deepEqual(frame.values, [[1, 2]]);
});

test("lrRangeTest frees its batch and snapshot when the loss throws", async () => {
  const model = linear({ inputs: 2, seed: 1 });
  const optimizer = new SGD({ lr: 1e-3 });
  const tensorsBefore = tf.memory().numTensors;
  const boom = (): tf.Scalar => {
    throw new Error("loss boom");
  };
  await assert.rejects(lrRangeTest(model, { optimizer, loss: boom, train: regression, batchSize: 8, steps: 10 }), {
    message: "loss boom",
  });
  assert.equal(tf.memory().numTensors, tensorsBefore);
  optimizer.dispose();
});

test("lrRangeTest gives the optimizer back as it was: lr and state (step count, moments), as fastai's lr_find", async () => {
  const model = linear({ inputs: 2, seed: 1 });
  const fresh = new Adam({ lr: 1e-3 });
  await lrRangeTest(model, { optimizer: fresh, loss: mse, train: regression, batchSize: 8, steps: 30 });
  assert.equal(fresh.lr, 1e-3);
  assert.equal(fresh.step, 0);
  assert.equal(fresh.state, undefined);
  // An optimizer that has already stepped keeps its step count and moments.
  const used = new Adam({ lr: 1e-2 });
  const grads = tf.tidy(() =>
    Object.fromEntries(model.trainableWeights.map((w) => [(w.read() as tf.Variable).name, tf.onesLike(w.read())])),
  );
  used.applyGradients(grads);
  tf.dispose(grads);
  const snapshot = async (): Promise<[string, number[]][]> =>
    Promise.all(
      (await used.getWeights()).map(async (w) => [w.name, Array.from(await w.tensor.data())] as [string, number[]]),
    );
  const before = await snapshot();
  const tensorsBefore = tf.memory().numTensors;
  await lrRangeTest(model, { optimizer: used, loss: mse, train: regression, batchSize: 8, steps: 30 });
  assert.equal(used.lr, 1e-2);
  assert.equal(used.step, 1);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.deepEqual(await snapshot(), before);
  fresh.dispose();
  used.dispose();
});

test("lrRangeTest checks steps, beta and divergeFactor before training, naming the bad value", async () => {
  const model = linear({ inputs: 2, seed: 1 });
  const run = (options: Record<string, unknown>) =>
    lrRangeTest(model, { optimizer: new SGD({ lr: 1e-3 }), loss: mse, train: regression, ...options });
  const cases: [Record<string, unknown>, string][] = [
    [{ steps: 0 }, invalidStepsMessage(0)],
    [{ steps: 2 }, invalidStepsMessage(2)],
    [{ steps: 10.5 }, invalidStepsMessage(10.5)],
    [{ beta: 1 }, invalidBetaMessage(1)],
    [{ beta: 1.5 }, invalidBetaMessage(1.5)],
    [{ beta: -0.1 }, invalidBetaMessage(-0.1)],
    [{ beta: Number.NaN }, invalidBetaMessage(Number.NaN)],
    [{ divergeFactor: 0 }, invalidDivergeFactorMessage(0)],
    [{ divergeFactor: 1 }, invalidDivergeFactorMessage(1)],
    [{ divergeFactor: "4" }, invalidDivergeFactorMessage("4")],
    [{ start: "1e-7" }, invalidLrRangeMessage("1e-7", 10)],
  ];
  for (const [options, message] of cases) await assert.rejects(run(options), { message }, JSON.stringify(options));
  assert.equal(invalidBetaMessage(1.5), "Invalid beta: 1.5 (expected 0 ≤ beta < 1; 0 is no smoothing)");
  assert.match(invalidDivergeFactorMessage("4"), /^Invalid divergeFactor: "4" /);
  assert.match(invalidLrRangeMessage("1e-7", 10), /^Invalid lr range: start "1e-7", end 10 /);
});

test("search columns never overwrite each other: parameters named trial/status and metrics named like a column are refused", async () => {
  let calls = 0;
  const objective = () => {
    calls++;
    return 1;
  };
  await assert.rejects(gridSearch({ status: [1, 2] }, objective), {
    message: reservedParamMessage("gridSearch", "status"),
  });
  await assert.rejects(randomSearch({ trial: [5, 6] }, objective, { trials: 2 }), {
    message: reservedParamMessage("randomSearch", "trial"),
  });
  assert.equal(calls, 0);
  const causeIs = (message: string) => (error: unknown) => {
    assert.equal(((error as TrialError).cause as Error).message, message);
    return true;
  };
  await assert.rejects(
    gridSearch({ lr: [0.1, 0.01] }, () => ({ lr: 99 })),
    causeIs(metricCollisionMessage("gridSearch", "lr", 0)),
  );
  await assert.rejects(
    gridSearch({ lr: [0.1] }, () => ({ status: 1 })),
    causeIs(metricCollisionMessage("gridSearch", "status", 0)),
  );
  assert.equal(
    reservedParamMessage("gridSearch", "status"),
    'gridSearch: the parameter "status" has the name of a result column (trial, status); rename the parameter, e.g. "statusParam"',
  );
  // A metric that is a parameter of another name's prefix is fine.
  const frame = await gridSearch({ lr: [0.1] }, () => ({ finalLr: 1 }));
  assert.deepEqual(frame.columns, ["trial", "lr", "finalLr", "status"]);
});

test("a trial that throws (not a divergence) stops the search with a TrialError that keeps the completed trials", async () => {
  const boom = new TypeError("p.lr.toFixed is not a function");
  const objective = (params: { [k: string]: unknown }, trial: number) => {
    if (trial === 2) throw boom;
    return Number(params.lr) * 10;
  };
  const error = await gridSearch({ lr: [1, 2, 3, 4] }, objective).then(
    () => assert.fail("expected a TrialError"),
    (e: unknown) => e as TrialError,
  );
  assert.ok(error instanceof TrialError);
  assert.equal(error.name, "TrialError");
  assert.equal(error.trial, 2);
  assert.deepEqual(error.params, { lr: 3 });
  assert.equal(error.cause, boom);
  assert.equal(
    error.message,
    'gridSearch: trial 2 ({"lr":3}) failed: p.lr.toFixed is not a function. The 2 completed trials are in error.results (a DataFrame); the original error is error.cause.',
  );
  assert.equal(error.message, trialFailedMessage("gridSearch", 2, { lr: 3 }, boom));
  assert.deepEqual(error.results.columns, ["trial", "lr", "score", "status"]);
  assert.deepEqual(error.results.values, [
    [0, 1, 10, "ok"],
    [1, 2, 20, "ok"],
  ]);
  // The first trial failing: an empty frame with the parameter columns.
  const first = await randomSearch({ lr: logUniform(1e-3, 1) }, () => Promise.reject(new Error("no data")), {
    trials: 3,
  }).then(
    () => assert.fail("expected a TrialError"),
    (e: unknown) => e as TrialError,
  );
  assert.match(
    first.message,
    /^randomSearch: trial 0 \(\{"lr":[\d.e-]+\}\) failed: no data\. The 0 completed trials are in error.results/,
  );
  assert.deepEqual(first.results.columns, ["trial", "lr", "status"]);
  assert.deepEqual(first.results.shape, [0, 3]);
});

test('a trial whose result is NaN or infinite has status "not finite", not "ok"', async () => {
  const results: TrialResult[] = [Number.NaN, { loss: 0.5, valLoss: Number.POSITIVE_INFINITY }, { loss: 0.1 }];
  const frame = await gridSearch({ lr: [1, 2, 3] }, (_params, trial) => results[trial]);
  assert.deepEqual(frame.column("status").values, ["not finite", "not finite", "ok"]);
});
