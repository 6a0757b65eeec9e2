import { test } from "node:test";
import assert from "node:assert/strict";
import {
  History,
  invalidHistoryJSONMessage,
  invalidHistoryNumberMessage,
  type HistoryJSON,
} from "../../src/train/history";
import { DivergenceError } from "../../src/train/divergence";
import { fit } from "../../src/train/fit";
import { linearRegression } from "../../src/data/synthetic";
import { linear } from "../../src/models/builders";
import { mse } from "../../src/losses";
import { SGD } from "../../src/optim/sgd";

const roundTrip = (history: History) => History.fromJSON(JSON.parse(JSON.stringify(history.toJSON())) as HistoryJSON);

/** A history holding every non-finite value in every kind of number field it has. */
function nonFinite(): History {
  return new History({
    name: "diverged",
    info: {
      optimizer: "SGD",
      batchSize: 16,
      stoppedEarly: { epoch: 2, monitor: "valLoss", best: Number.NaN, bestEpoch: 1 },
      diverged: { epoch: 2, step: 3 },
    },
    steps: [
      { step: 1, epoch: 1, loss: 0.5, lr: 10, gradNorm: 1e308, weightNorm: -0.25, size: 16, time: 0.1, accuracy: 0.5 },
      {
        step: 2,
        epoch: 1,
        loss: Number.POSITIVE_INFINITY,
        penalty: Number.NEGATIVE_INFINITY,
        gradNorm: Number.NaN,
        gradNorms: { dense: Number.POSITIVE_INFINITY, bias: Number.NaN, out: 2 },
        time: 0.2,
        accuracy: Number.NaN,
      },
      { step: 3, epoch: 2, loss: Number.NaN, weightNorm: Number.NEGATIVE_INFINITY, time: 0.3 },
    ],
    epochs: [
      {
        epoch: 1,
        step: 2,
        loss: Number.POSITIVE_INFINITY,
        valLoss: Number.NaN,
        gradNorm: Number.NEGATIVE_INFINITY,
        time: 0.2,
        samplesPerSecond: 160,
        valAccuracy: Number.NaN,
      },
    ],
  });
}

test("History's JSON round trip keeps Infinity, -Infinity and NaN in every number field", () => {
  const history = nonFinite();
  const json = JSON.parse(JSON.stringify(history.toJSON())) as HistoryJSON;
  // Non-finite values are strings in the JSON (JSON has no such numbers); finite ones stay numbers.
  assert.equal(json.steps[1].loss, "Infinity");
  assert.equal(json.steps[1].penalty, "-Infinity");
  assert.deepEqual(json.steps[1].gradNorms, { dense: "Infinity", bias: "NaN", out: 2 });
  assert.equal(json.epochs[0].valLoss, "NaN");
  assert.equal(json.info.stoppedEarly?.best, "NaN");
  assert.equal(json.steps[0].loss, 0.5);
  assert.equal(json.steps[0].gradNorm, 1e308);
  const copy = roundTrip(history);
  assert.deepEqual(copy.steps, history.steps);
  assert.deepEqual(copy.epochs, history.epochs);
  assert.deepEqual(copy.info, history.info);
  assert.equal(copy.name, "diverged");
  assert.equal(copy.steps[1].loss, Number.POSITIVE_INFINITY);
  assert.equal(copy.steps[1].penalty, Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(copy.steps[2].loss));
  assert.deepEqual(copy.toJSON(), history.toJSON());
  // toJSON copies: the History's own records keep their numbers.
  assert.equal(history.steps[1].loss, Number.POSITIVE_INFINITY);
  assert.equal(copy.summary("en"), history.summary("en"));
});

test("a diverged fit's history (a too-large learning rate) reads back from JSON as it was", async () => {
  const regression = linearRegression({ n: 64, features: 3, weights: [1, -2, 0.5], bias: 0.3, noise: 0.01, seed: 1 });
  const error = await fit(linear({ inputs: 3, seed: 1 }), {
    optimizer: new SGD({ lr: 10 }),
    loss: mse,
    train: regression,
    epochs: 500,
    batchSize: 16,
    progress: false,
    syncEvery: 4,
  }).then(
    () => assert.fail("SGD at lr 10 should diverge"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DivergenceError);
  const history = error.history;
  const last = history.steps[history.steps.length - 1];
  assert.ok(!Number.isFinite(last.loss), `last loss ${last.loss}`);
  const copy = roundTrip(history);
  assert.deepEqual(copy.toJSON(), history.toJSON());
  assert.deepEqual(copy.steps, history.steps);
  assert.deepEqual(copy.epochs, history.epochs);
});

test("old History JSON still loads: plain numbers as they are, null (a value JSON lost) as NaN", () => {
  const old = {
    name: "old",
    info: { optimizer: "SGD", batchSize: 32, stoppedEarly: { epoch: 3, monitor: "loss", best: null, bestEpoch: 1 } },
    steps: [
      { step: 1, epoch: 1, loss: 2.5, gradNorm: 1.5, time: 0.1, size: 32 },
      { step: 2, epoch: 1, loss: null, gradNorm: null, gradNorms: { dense: null, out: 1 }, time: 0.2, size: 32 },
    ],
    epochs: [{ epoch: 1, step: 2, loss: null, valLoss: 0.5, time: 0.2, samplesPerSecond: 320 }],
  };
  const history = History.fromJSON(JSON.parse(JSON.stringify(old)) as HistoryJSON);
  assert.equal(history.steps[0].loss, 2.5);
  assert.ok(Number.isNaN(history.steps[1].loss));
  assert.ok(Number.isNaN(history.steps[1].gradNorm));
  assert.deepEqual(history.steps[1].gradNorms, { dense: Number.NaN, out: 1 });
  assert.ok(Number.isNaN(history.epochs[0].loss));
  assert.ok(Number.isNaN(history.info.stoppedEarly?.best));
  assert.equal(history.final("valLoss"), 0.5);
  assert.equal(history.info.batchSize, 32);
  // A file of plain numbers loads to the same records.
  const plain = { info: {}, steps: [{ step: 1, epoch: 1, loss: 1, time: 0 }], epochs: [] };
  assert.deepEqual(History.fromJSON(plain).steps, plain.steps);
});

test("History.fromJSON rejects a number field that holds something else, saying where", () => {
  const bad = { info: {}, steps: [{ step: 1, epoch: 1, loss: "inf", time: 0 }], epochs: [] };
  assert.throws(() => History.fromJSON(bad as unknown as HistoryJSON), {
    message: invalidHistoryNumberMessage("steps[0].loss", "inf"),
  });
  assert.match(invalidHistoryNumberMessage("steps[0].loss", "inf"), /^History: steps\[0\]\.loss is "inf" \(expected/);
  const notList = { info: {}, steps: {}, epochs: [] };
  assert.throws(() => History.fromJSON(notList as unknown as HistoryJSON), {
    message: invalidHistoryJSONMessage("steps", {}, "an array of records"),
  });
});
