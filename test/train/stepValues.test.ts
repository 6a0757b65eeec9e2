/**
 * StepValueLayout.row (a step's values computed off tfjs, as the hidden-unit split's) and
 * StepReader reading such rows among packed tensors: the same records, and a non-finite loss in a
 * row throws DivergenceError as one in a tensor does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { StepValueLayout } from "../../src/train/stepValues";
import { StepReader } from "../../src/train/stepReader";
import { DivergenceError } from "../../src/train/divergence";
import { History } from "../../src/train/history";
import type { StepRecord } from "../../src/train/records";

const step = (packed: tf.Tensor | Float32Array, n: number) => ({
  packed,
  step: n,
  epoch: 1,
  lr: 0.1,
  time: n,
  size: 8,
});

test("StepValueLayout.row: the values in the packed order, as float32, read back by unpack", () => {
  const layout = new StepValueLayout({ penalty: true, gradNorm: true, weightNorm: true }, ["accuracy", "top5"]);
  const row = layout.row({ loss: 0.1, penalty: 0.2, gradNorm: 0.3, weightNorm: 0.4, metrics: [0.5, 0.6] });
  assert.ok(row instanceof Float32Array);
  assert.equal(row.length, layout.width);
  assert.deepEqual(layout.unpack(row), {
    loss: Math.fround(0.1),
    penalty: Math.fround(0.2),
    gradNorm: Math.fround(0.3),
    weightNorm: Math.fround(0.4),
    metrics: [Math.fround(0.5), Math.fround(0.6)],
  });
  // The same bits as pack's tensor for the same values.
  const packed = layout.pack({
    loss: tf.scalar(0.1),
    penalty: tf.scalar(0.2),
    gradNorm: tf.scalar(0.3),
    weightNorm: tf.scalar(0.4),
    metrics: [tf.scalar(0.5), tf.scalar(0.6)],
  });
  assert.deepEqual(new Uint32Array(row.buffer), new Uint32Array(Float32Array.from(packed.dataSync()).buffer));
  packed.dispose();
  // Only what the layout records.
  const bare = new StepValueLayout({ penalty: false, gradNorm: false, weightNorm: false }, []);
  assert.deepEqual([...bare.row({ loss: 2.5, metrics: [] })], [2.5]);
  assert.throws(() => layout.row({ loss: 1, penalty: 0, gradNorm: 1, metrics: [0, 0] }), /missing weightNorm/);
  assert.throws(() => layout.row({ loss: 1, penalty: 0, gradNorm: 1, weightNorm: 1, metrics: [0] }), /metric count/);
});

test("StepReader: Float32Array rows among packed tensors give the same records, in order", () => {
  const layout = new StepValueLayout({ penalty: false, gradNorm: true, weightNorm: true }, ["accuracy"]);
  const values = [
    { loss: 2.3, gradNorm: 1.5, weightNorm: 10, metrics: [0.125] },
    { loss: 2.1, gradNorm: 1.25, weightNorm: 10.5, metrics: [0.25] },
    { loss: 1.7, gradNorm: 1.0, weightNorm: 11, metrics: [0.375] },
  ];
  const asTensor = (v: (typeof values)[number]) =>
    layout.pack({
      loss: tf.scalar(v.loss),
      gradNorm: tf.scalar(v.gradNorm),
      weightNorm: tf.scalar(v.weightNorm),
      metrics: [tf.scalar(v.metrics[0])],
    });
  const read = (kinds: ("row" | "tensor")[]) => {
    const history = new History();
    const reader = new StepReader(layout, history);
    kinds.forEach((kind, i) => reader.push(step(kind === "row" ? layout.row(values[i]) : asTensor(values[i]), i + 1)));
    const epochSteps: StepRecord[] = [];
    reader.read(epochSteps);
    assert.equal(reader.count, 0);
    assert.deepEqual(epochSteps, history.steps);
    return history.steps;
  };
  const tensors = read(["tensor", "tensor", "tensor"]);
  assert.equal(tensors[2].loss, Math.fround(1.7));
  assert.equal(tensors[2].accuracy, 0.375);
  assert.deepStrictEqual(read(["row", "row", "row"]), tensors);
  assert.deepStrictEqual(read(["row", "tensor", "row"]), tensors);
  assert.deepStrictEqual(read(["tensor", "row", "tensor"]), tensors);
});

test("StepReader: a non-finite loss in a Float32Array row throws DivergenceError as one in a tensor does", () => {
  const layout = new StepValueLayout({ penalty: false, gradNorm: false, weightNorm: false }, ["accuracy"]);
  for (const bad of [NaN, Infinity, -Infinity]) {
    const errors = (["row", "tensor"] as const).map((kind) => {
      const history = new History();
      const reader = new StepReader(layout, history, () => ["train.x"]);
      const pack = (loss: number) =>
        kind === "row"
          ? layout.row({ loss, metrics: [0.5] })
          : layout.pack({ loss: tf.scalar(loss), metrics: [tf.scalar(0.5)] });
      reader.push(step(pack(1.5), 1));
      reader.push(step(pack(bad), 2));
      reader.push(step(pack(0.5), 3));
      let error: unknown;
      try {
        reader.read([]);
      } catch (thrown) {
        error = thrown;
      }
      assert.ok(error instanceof DivergenceError, `${kind} ${bad}: ${String(error)}`);
      assert.equal(error.step, 2);
      assert.deepEqual(history.info.diverged, { epoch: 1, step: 2 });
      assert.equal(history.steps.length, 2, "the steps up to the one that diverged");
      reader.dispose();
      return { message: error.message, steps: history.steps };
    });
    assert.deepStrictEqual(errors[0], errors[1], `${bad}: the row's error is the tensor's`);
  }
  // At the first step, the suspects are named for a row too.
  const history = new History();
  const reader = new StepReader(layout, history, () => ["train.x"]);
  reader.push(step(layout.row({ loss: NaN, metrics: [0] }), 1));
  assert.throws(
    () => reader.read([]),
    (error: Error) => error instanceof DivergenceError && /train\.x/.test(error.message),
  );
});
