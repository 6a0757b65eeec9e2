import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { randomAffine, invalidAugmentOptionMessage, augmentShapeMessage } from "../../src/data/augment";
import { AugmentedLoader, missingAugmentMessage } from "../../src/data/augmentedLoader";
import { use } from "../../src/backend";

/** A 5×5 image with one bright pixel at (row, col). */
function dot(row: number, col: number): number[] {
  const image = new Array(25).fill(0);
  image[row * 5 + col] = 1;
  return image;
}
const brightest = (values: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return [Math.floor(best / 5), best % 5];
};

test("randomAffine: whole-pixel shifts move the content exactly, within ±maxShift, and keep the shape", () => {
  const images = tf.tensor2d(
    Array.from({ length: 50 }, () => dot(2, 2)),
    [50, 25],
  );
  const moved = randomAffine(images, { maxShift: 1, height: 5, width: 5, seed: 3 });
  assert.deepEqual(moved.shape, [50, 25]);
  const rows = moved.arraySync() as number[][];
  const offsets = new Set<string>();
  for (const row of rows) {
    const [r, c] = brightest(row);
    assert.ok(Math.abs(r - 2) <= 1 && Math.abs(c - 2) <= 1, `moved to ${r}, ${c}`);
    assert.equal(Math.max(...row), 1); // an exact shift: the pixel is moved, not blurred
    assert.equal(
      row.reduce((s, v) => s + v, 0),
      1,
    );
    offsets.add(`${r - 2},${c - 2}`);
  }
  assert.equal(offsets.size, 9, "all nine shifts in [−1, 1]² occur over 50 images");
  tf.dispose([images, moved]);
});

test("randomAffine: rotations turn the image about its centre; maxShift 0 and maxRotation 0 is the identity", () => {
  const image = tf.tensor4d(dot(0, 2), [1, 5, 5, 1]); // one pixel at distance 2 above the centre (2, 2)
  const identity = randomAffine(image, { maxShift: 0, maxRotation: 0, seed: 1 });
  assert.deepEqual(Array.from(identity.dataSync()), dot(0, 2));
  let largestTurn = 0;
  for (let s = 0; s < 20; s++) {
    const values = randomAffine(image, { maxShift: 0, maxRotation: 60, seed: s }).dataSync();
    let mass = 0,
      row = 0,
      col = 0;
    values.forEach((v, i) => {
      mass += v;
      row += v * Math.floor(i / 5);
      col += v * (i % 5);
    });
    row /= mass;
    col /= mass;
    // A rotation keeps the distance to the centre (bilinear interpolation blurs it a little) and the turn stays within ±60°.
    assert.ok(Math.abs(Math.hypot(row - 2, col - 2) - 2) < 0.25, `seed ${s}: centroid (${row}, ${col})`);
    const turn = Math.abs(Math.atan2(col - 2, 2 - row)) * (180 / Math.PI);
    assert.ok(turn <= 62, `seed ${s}: turned ${turn}°`);
    largestTurn = Math.max(largestTurn, turn);
  }
  assert.ok(largestTurn > 30, `20 draws in [−60°, 60°] should include a turn beyond 30° (largest ${largestTurn}°)`);
  tf.dispose([image, identity]);
});

test("randomAffine: the same seed gives the same images, another seed other images", () => {
  const images = tf.randomUniform([8, 784], 0, 1, "float32", 2);
  const a = randomAffine(images, { maxShift: 2, maxRotation: 15, seed: 5 }).dataSync();
  const b = randomAffine(images, { maxShift: 2, maxRotation: 15, seed: 5 }).dataSync();
  const c = randomAffine(images, { maxShift: 2, maxRotation: 15, seed: 6 }).dataSync();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  images.dispose();
});

test("randomAffine: bad options and shapes say what was wrong", () => {
  const images = tf.zeros([2, 30]);
  assert.throws(() => randomAffine(images), { message: augmentShapeMessage([2, 30], 28, 28) });
  assert.throws(() => randomAffine(tf.zeros([2, 784]), { maxShift: -1 }), {
    message: invalidAugmentOptionMessage("maxShift", -1),
  });
  assert.throws(() => randomAffine(tf.zeros([2, 784]), { maxRotation: NaN }), {
    message: invalidAugmentOptionMessage("maxRotation", NaN),
  });
  images.dispose();
});

test("AugmentedLoader: fresh augmentation per epoch, labels untouched, no leaked tensors", () => {
  const x = tf.tensor2d(
    Array.from({ length: 6 }, (_, i) => dot(2, i % 5)),
    [6, 25],
  );
  const y = tf.tensor1d([0, 1, 2, 3, 4, 5], "int32");
  const loader = new AugmentedLoader(
    { x, y },
    {
      batchSize: 3,
      shuffle: false,
      seed: 9,
      augment: (batch, seed) => randomAffine(batch, { maxShift: 1, height: 5, width: 5, seed }),
    },
  );
  const before = tf.memory().numTensors;
  const epochs: number[][][] = [];
  const labels: number[][] = [];
  for (let e = 0; e < 2; e++) {
    const xs: number[][] = [];
    const ys: number[] = [];
    for (const batch of loader) {
      xs.push(...(batch.x.arraySync() as number[][]));
      ys.push(...Array.from(batch.y.dataSync()));
      batch.dispose();
    }
    epochs.push(xs);
    labels.push(ys);
  }
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(labels, [
    [0, 1, 2, 3, 4, 5],
    [0, 1, 2, 3, 4, 5],
  ]);
  assert.notDeepEqual(epochs[0], epochs[1], "epoch 2 sees other random versions");
  assert.notDeepEqual(epochs[0], x.arraySync());
  assert.throws(() => new AugmentedLoader({ x, y }, {} as never), { message: missingAugmentMessage() });
  tf.dispose([x, y]);
});

test("randomAffine: the batched path (wasm) gives the per-image results of the cpu path", async () => {
  const images = tf.randomUniform([6, 784], 0, 1, "float32", 7);
  const values = images.arraySync() as number[][];
  const onCpu = randomAffine(images, { maxShift: 2, maxRotation: 20, seed: 4 }).dataSync();
  await use("wasm");
  const onWasm = randomAffine(tf.tensor2d(values), { maxShift: 2, maxRotation: 20, seed: 4 }).dataSync();
  assert.equal(tf.getBackend(), "wasm");
  onCpu.forEach((v, i) => assert.ok(Math.abs(v - onWasm[i]) < 1e-5, `element ${i}: cpu ${v}, wasm ${onWasm[i]}`));
});
