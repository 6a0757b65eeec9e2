import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { reluBiasGrad } from "../../src/backend/wasmKernels/reluBiasGrad";
import { runOn, setUpWasm, uniform } from "./helpers";

// LeNet's two maps, odd channel counts (chunks of 4, 2 and 1 lanes), batch 1, one channel, and
// more channels than the generated code unrolls (the scalar loop).
const SHAPES: number[][] = [
  [64, 28, 28, 6],
  [64, 10, 10, 16],
  [1, 5, 7, 7],
  [3, 4, 4, 3],
  [2, 3, 3, 1],
  [2, 2, 300],
];

/** y with zeros, −0, and (with `specials`) NaN and ±∞; dy with negatives (dy·0 = −0 must stay −0). */
function inputs(shape: number[], seed: number, specials: boolean): { dy: Float32Array; y: Float32Array } {
  const size = tf.util.sizeFromShape(shape);
  const y = uniform(size, seed, -1, 1);
  for (let i = 0; i < size; i += 5) y[i] = i % 2 ? -0 : 0;
  if (specials) for (let i = 3; i < size; i += 11) y[i] = [NaN, Infinity, -Infinity][i % 3];
  return { dy: uniform(size, seed + 1, -2, 2), y };
}

function bits(values: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(values).buffer));
}

test("ReLU + bias gradient matches tfjs ops on cpu: dz bit for bit, bias sums to 1e-5 of the largest", async () => {
  await setUpWasm();
  let seed = 1;
  for (const shape of SHAPES) {
    for (const specials of [false, true]) {
      for (const simd of [true, false]) {
        const { dy, y } = inputs(shape, seed++, specials);
        const what = `${JSON.stringify(shape)} specials=${specials} simd=${simd}`;
        const parts = (backend: "cpu" | "wasm") => {
          const one = (pick: (r: { dz: tf.Tensor; biasGrad: () => tf.Tensor }) => tf.Tensor) =>
            runOn(backend, () => {
              const run = () => tf.tidy(() => pick(reluBiasGrad(tf.tensor(dy, shape), tf.tensor(y, shape))));
              return simd ? run() : withoutWasmSimd(run);
            });
          return Promise.all([one((r) => r.dz), one((r) => r.biasGrad())]);
        };
        const [cpuDz, cpuDb] = await parts("cpu");
        const [ourDz, ourDb] = await parts("wasm");
        assert.deepEqual(ourDz.shape, shape, `${what}: dz shape`);
        assert.deepEqual(bits(ourDz.values), bits(cpuDz.values), `${what}: dz bits`);
        assert.deepEqual(ourDb.shape, [shape[shape.length - 1]], `${what}: bias shape`);
        let scale = 1;
        for (const v of cpuDb.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        cpuDb.values.forEach((expected, c) => {
          const got = ourDb.values[c];
          if (Number.isNaN(expected)) assert.ok(Number.isNaN(got), `${what}: bias[${c}] ${got}, cpu NaN`);
          else assert.ok(Math.abs(got - expected) <= 1e-5 * scale, `${what}: bias[${c}] ${got} vs cpu ${expected}`);
        });
      }
    }
  }
});

test("the ReLU + bias gradient kernel leaves no tensors behind", async () => {
  await setUpWasm();
  await tf.setBackend("wasm");
  const before = tf.memory().numTensors;
  const dy = tf.ones([2, 3, 3, 4]);
  const y = tf.ones([2, 3, 3, 4]);
  const { dz, biasGrad } = reluBiasGrad(dy, y);
  const db = biasGrad();
  assert.deepEqual(Array.from(db.dataSync()), [18, 18, 18, 18]);
  tf.dispose([dy, y, dz, db]);
  assert.equal(tf.memory().numTensors, before);
});
