import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  DataLoader,
  disposedDatasetMessage,
  invalidBatchSizeMessage,
  invalidLoaderSeedMessage,
} from "../../src/data/loader";
import { AugmentedLoader } from "../../src/data/augmentedLoader";
import { emptyDatasetMessage, mismatchedLengthsMessage, scalarDatasetMessage } from "../../src/data/dataset";
import { seed } from "../../src/backend/random";

function dataset(n: number) {
  return {
    x: tf.tensor2d(
      Float32Array.from({ length: 2 * n }, (_, i) => i),
      [n, 2],
    ),
    y: tf.tensor1d(
      Int32Array.from({ length: n }, (_, i) => i),
      "int32",
    ),
  };
}

function epochLabels(loader: DataLoader): number[][] {
  const out: number[][] = [];
  for (const batch of loader) {
    out.push(Array.from(batch.y.dataSync()));
    batch.dispose();
  }
  return out;
}

test("DataLoader yields ordered batches with a short last batch, or drops it", () => {
  const data = dataset(5);
  assert.deepEqual(epochLabels(new DataLoader(data, { batchSize: 2 })), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(epochLabels(new DataLoader(data, { batchSize: 2, dropLast: true })), [
    [0, 1],
    [2, 3],
  ]);
  const step = new DataLoader(data, { batchSize: 2 })[Symbol.iterator]().next();
  assert.ok(step.done !== true);
  const first = step.value;
  assert.deepEqual(Array.from(first.x.dataSync()), [0, 1, 2, 3]);
  first.dispose();
  tf.dispose([data.x, data.y]);
});

test("shuffling is a permutation, differs per epoch and is reproducible from the seed", () => {
  const data = dataset(20);
  const a = new DataLoader(data, { batchSize: 20 - 1, shuffle: true, seed: 7 });
  const b = new DataLoader(data, { batchSize: 20 - 1, shuffle: true, seed: 7 });
  const e0 = epochLabels(a).flat();
  const e1 = epochLabels(a).flat();
  assert.deepEqual(
    [...e0].sort((p, q) => p - q),
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.notDeepEqual(e0, e1);
  assert.deepEqual(epochLabels(b).flat(), e0);
  assert.deepEqual(epochLabels(b).flat(), e1);
  seed(3);
  const c = epochLabels(new DataLoader(data, { batchSize: 4, shuffle: true })).flat();
  seed(3);
  assert.deepEqual(epochLabels(new DataLoader(data, { batchSize: 4, shuffle: true })).flat(), c);
  tf.dispose([data.x, data.y]);
});

test("full batch yields the dataset itself (no copy) and batches do not leak", () => {
  const data = dataset(6);
  const before = tf.memory().numTensors;
  const loader = new DataLoader(data, { batchSize: "full" });
  const batches = [...loader];
  assert.equal(batches.length, 1);
  assert.equal(batches[0].x, data.x);
  batches[0].dispose();
  for (const batch of new DataLoader(data, { batchSize: 4, shuffle: true, seed: 1 })) batch.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.equal(data.x.isDisposed, false);
  tf.dispose([data.x, data.y]);
});

test("DataLoader rejects bad batch sizes, empty and mismatched datasets", () => {
  const data = dataset(3);
  for (const bad of [0, -1, 1.5])
    assert.throws(() => new DataLoader(data, { batchSize: bad }), { message: invalidBatchSizeMessage(bad) });
  const empty = { x: tf.zeros([0, 2]), y: tf.zeros([0]) };
  assert.throws(() => new DataLoader(empty), { message: emptyDatasetMessage("DataLoader") });
  const mismatched = { x: data.x, y: tf.zeros([2]) };
  assert.throws(() => new DataLoader(mismatched), { message: mismatchedLengthsMessage(3, 2) });
  tf.dispose([data.x, data.y, empty.x, empty.y, mismatched.y]);
});

test("batchSize above the dataset size: one batch of every row, or none with dropLast (as torch's DataLoader)", () => {
  const data = dataset(5);
  const kept = new DataLoader(data, { batchSize: 8 });
  assert.equal(kept.batchSize, 8, "batchSize is what was asked for (torch's loader.batch_size)");
  assert.equal(kept.maxBatchSize, 5);
  assert.equal(kept.length, 1);
  assert.equal(kept.isFullBatch, true);
  assert.deepEqual(epochLabels(kept), [[0, 1, 2, 3, 4]]);
  // torch: len(DataLoader(range(5), batch_size=8, drop_last=True)) == 0, and iterating yields nothing.
  const dropped = new DataLoader(data, { batchSize: 8, dropLast: true });
  assert.equal(dropped.batchSize, 8);
  assert.equal(dropped.length, 0);
  assert.equal(dropped.isFullBatch, false);
  assert.deepEqual(epochLabels(dropped), []);
  assert.deepEqual(epochLabels(dropped), [], "every epoch");
  // A batch of exactly the dataset's size is full, so dropLast keeps it.
  const exact = new DataLoader(data, { batchSize: 5, dropLast: true });
  assert.equal(exact.length, 1);
  assert.deepEqual(epochLabels(exact), [[0, 1, 2, 3, 4]]);
  const full = new DataLoader(data, { batchSize: "full", dropLast: true });
  assert.equal(full.batchSize, 5);
  assert.equal(full.length, 1);
  tf.dispose([data.x, data.y]);
});

test("DataLoader rejects unknown options (torch's batch_size included), naming the valid ones", () => {
  const data = dataset(4);
  assert.throws(() => new DataLoader(data, { batch_size: 2 } as never), {
    name: "TypeError",
    message:
      "DataLoader got an unexpected option 'batch_size' (did you mean 'batchSize'?); its options are batchSize, shuffle, dropLast, seed",
  });
  assert.throws(() => new AugmentedLoader(data, { augment: (x: tf.Tensor) => x.clone(), drop_last: true } as never), {
    message:
      "AugmentedLoader got an unexpected option 'drop_last' (did you mean 'dropLast'?); its options are batchSize, shuffle, dropLast, seed, augment",
  });
  assert.equal(new AugmentedLoader(data, { augment: (x) => x.clone(), batchSize: 2 }).batchSize, 2);
  // A learner's subclass with an option of its own, not listed in an optionNames of its own: not checked.
  class EveryOther extends DataLoader {
    readonly stride: number;
    constructor(d: typeof data, options: ConstructorParameters<typeof DataLoader>[1] & { stride?: number }) {
      super(d, options);
      this.stride = options.stride ?? 1;
    }
  }
  assert.equal(new EveryOther(data, { batchSize: 2, stride: 2 }).stride, 2);
  tf.dispose([data.x, data.y]);
});

test("a DataLoader over a disposed tensor says so, at construction and when a batch is read", () => {
  const data = dataset(4);
  data.x.dispose();
  assert.throws(() => new DataLoader(data, { batchSize: 2 }), { message: disposedDatasetMessage("DataLoader", "x") });
  const later = dataset(4);
  const loader = new DataLoader(later, { batchSize: 2 });
  later.y.dispose();
  const before = tf.memory().numTensors;
  assert.throws(() => [...loader], { message: disposedDatasetMessage("DataLoader", "y") });
  assert.equal(tf.memory().numTensors, before);
  assert.match(disposedDatasetMessage("DataLoader", "x"), /^DataLoader: the dataset's x tensor is disposed; /);
  later.x.dispose();
});

test('DataLoader seeds must be integers: NaN, 1.5 (which shuffled as 1) and "3" are refused', () => {
  const data = dataset(4);
  for (const bad of [Number.NaN, 1.5, Number.POSITIVE_INFINITY, "3"])
    assert.throws(() => new DataLoader(data, { shuffle: true, seed: bad as number }), {
      message: invalidLoaderSeedMessage(bad),
    });
  assert.equal(
    invalidLoaderSeedMessage("3"),
    'Invalid seed: "3" (expected an integer, e.g. seed: 0; the same seed gives the same shuffles)',
  );
  assert.equal(new DataLoader(data, { shuffle: true, seed: -1 }).seed, -1);
  tf.dispose([data.x, data.y]);
});

test("a rank-0 x or y is reported as a scalar, not as an empty dataset", () => {
  const x = tf.scalar(1);
  const y = tf.scalar(1);
  const rows = tf.ones([3, 2]);
  assert.throws(() => new DataLoader({ x, y }, { batchSize: 2 }), { message: scalarDatasetMessage("x") });
  assert.throws(() => new DataLoader({ x: rows, y }, { batchSize: 2 }), { message: scalarDatasetMessage("y") });
  assert.match(scalarDatasetMessage("x"), /^Dataset x is a scalar \(rank 0\): /);
  tf.dispose([x, y, rows]);
});

test("batchOrder is the order batches() takes: the shuffled order, but a full batch in dataset order", () => {
  const data = dataset(10);
  const shuffled = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 3 });
  assert.deepEqual(shuffled.batchOrder(2), shuffled.order(2));
  assert.notDeepEqual(Array.from(shuffled.batchOrder(2)), [...Array(10).keys()], "shuffled");
  const full = new DataLoader(data, { batchSize: "full", shuffle: true, seed: 3 });
  assert.deepEqual(Array.from(full.batchOrder(2)), [...Array(10).keys()]);
  assert.notDeepEqual(Array.from(full.order(2)), [...Array(10).keys()], "order() itself is shuffled");
  const [batch] = [...full.batches(2)];
  assert.deepEqual(
    Array.from(batch.x.dataSync()),
    Array.from(data.x.dataSync()),
    "the full batch is the dataset in order",
  );
  tf.dispose([data.x, data.y]);
});
