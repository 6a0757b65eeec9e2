import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { gatherIndexMessage } from "../../src/backend/wasmKernels";
import { compareWithCpu, setUpWasm, uniform } from "./helpers";

function shaped(shape: number[], seed: number, dtype: "float32" | "int32" | "bool"): tf.Tensor {
  const values = uniform(tf.util.sizeFromShape(shape), seed, -50, 50);
  if (dtype === "float32") return tf.tensor(values, shape);
  if (dtype === "int32") return tf.tensor(Int32Array.from(values, Math.round), shape, "int32");
  return tf.tensor(
    Uint8Array.from(values, (v) => (v > 0 ? 1 : 0)),
    shape,
    "bool",
  );
}

test("Slice copies exactly what cpu copies (ranks 1–5, contiguous or not, all numeric dtypes)", async () => {
  const cases: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
    { shape: [10], begin: [3], size: [4] },
    { shape: [10000, 784], begin: [640, 0], size: [64, 784] }, // a batch of rows: one contiguous run
    { shape: [6, 7], begin: [1, 2], size: [3, 4] },
    { shape: [6, 7], begin: [0, 0], size: [-1, 1] },
    { shape: [4, 5, 6], begin: [1, 0, 2], size: [2, 5, 3] },
    { shape: [4, 5, 6], begin: [1, 2, 0], size: [2, 2, 6] },
    { shape: [3, 4, 5, 6], begin: [0, 1, 1, 1], size: [3, 2, 3, 4] },
    { shape: [2, 3, 4, 5, 6], begin: [1, 0, 1, 0, 2], size: [1, 3, 2, 5, 3] },
    { shape: [5, 0], begin: [1, 0], size: [2, 0] },
  ];
  let seed = 1;
  for (const { shape, begin, size } of cases) {
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const s = seed++;
      await compareWithCpu(
        `slice ${dtype} [${shape}] from [${begin}] size [${size}]`,
        () => tf.tidy(() => tf.slice(shaped(shape, s, dtype), begin, size)),
        0,
      );
    }
  }
});

test("GatherV2 matches cpu for axes, batch dims and dtypes", async () => {
  const cases: Array<{ shape: number[]; indices: number[]; indexShape: number[]; axis: number; batchDims: number }> = [
    { shape: [100, 784], indices: [5, 99, 0, 5, 42], indexShape: [5], axis: 0, batchDims: 0 },
    { shape: [4, 6, 3], indices: [5, 0, 2], indexShape: [3], axis: 1, batchDims: 0 },
    { shape: [4, 6, 3], indices: [2, 2, 1, 0], indexShape: [2, 2], axis: 2, batchDims: 0 },
    { shape: [3, 5, 2], indices: [0, 4, 1, 1, 2, 3], indexShape: [3, 2], axis: 1, batchDims: 1 },
    { shape: [7], indices: [6, 0, 3], indexShape: [3], axis: 0, batchDims: 0 },
  ];
  let seed = 50;
  for (const { shape, indices, indexShape, axis, batchDims } of cases) {
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const s = seed++;
      await compareWithCpu(
        `gather ${dtype} [${shape}] axis ${axis} batchDims ${batchDims}`,
        () =>
          tf.tidy(() => tf.gather(shaped(shape, s, dtype), tf.tensor(indices, indexShape, "int32"), axis, batchDims)),
        0,
      );
    }
  }
});

test("GatherV2 rejects an index out of range with the original message", async () => {
  await setUpWasm();
  const x = tf.zeros([4, 2]);
  const idx = tf.tensor1d([1, 4], "int32");
  assert.throws(() => tf.gather(x, idx), { message: gatherIndexMessage(4, 4) });
  tf.dispose([x, idx]);
});

test("Identity (tf.clone) shares the buffer: no new wasm memory, and the clone outlives the original", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const x = tf.tensor2d(uniform(12, 3), [3, 4]);
  const expected = Array.from(x.dataSync());
  const buffers = tf.engine().backend.numDataIds();
  const copy = tf.clone(x);
  assert.equal(tf.engine().backend.numDataIds(), buffers, "no new buffer");
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), expected);
  assert.deepEqual(copy.shape, [3, 4]);
  copy.dispose();
  assert.equal(tf.engine().backend.numDataIds(), buffers - 1, "the buffer is freed with its last tensor");
});
