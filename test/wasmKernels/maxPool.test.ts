import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { integers, runOn, uniform } from "./helpers";

interface PoolCase {
  x: [number, number, number, number];
  size: number;
  strides: number;
  pad: "same" | "valid";
}

const CASES: PoolCase[] = [
  { x: [4, 28, 28, 6], size: 2, strides: 2, pad: "valid" }, // LeNet pool1: chunks of 4 and 2 lanes
  { x: [4, 10, 10, 16], size: 2, strides: 2, pad: "valid" }, // LeNet pool2
  { x: [2, 7, 9, 5], size: 2, strides: 2, pad: "valid" }, // odd rows and columns left out; 4 + 1 lanes
  { x: [3, 6, 8, 3], size: 2, strides: 2, pad: "same" }, // even sizes: no padding, the SIMD pass
  { x: [1, 4, 4, 1], size: 2, strides: 2, pad: "valid" },
  // Not 2×2/2 without padding: tfjs's XNNPACK kernel.
  { x: [2, 7, 9, 5], size: 2, strides: 2, pad: "same" },
  { x: [2, 8, 8, 3], size: 3, strides: 2, pad: "valid" },
];

const bits = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer));

test("MaxPool 2×2 at stride 2 gives the cpu backend's bits: ties, ±0, NaN and −∞ cells", async () => {
  let seed = 1;
  for (const c of CASES) {
    const n = tf.util.sizeFromShape(c.x);
    for (const [kind, values] of [
      ["uniform", uniform(n, seed++)],
      ["ties", integers(n, seed++, 3)],
      ["special", uniform(n, seed++).map((v, i) => [NaN, -Infinity, -0, 0, v][i % 7 < 5 ? i % 7 : 4] ?? v)],
    ] as const) {
      const run = () => tf.maxPool(tf.tensor4d(values, c.x), c.size, c.strides, c.pad);
      const cpu = await runOn("cpu", run);
      for (const simd of [true, false]) {
        const ours = await runOn("wasm", () => (simd ? run() : withoutWasmSimd(run)));
        assert.deepEqual(ours.shape, cpu.shape);
        const what = `${JSON.stringify(c)} ${kind} simd=${simd}`;
        // XNNPACK (the other windows, and without SIMD) has its own NaN rule; compare its finite cases only.
        if (kind === "special" && (!simd || c.pad === "same" || c.size !== 2)) continue;
        assert.deepEqual(bits(ours.values), bits(cpu.values), what);
      }
    }
  }
});

test("MaxPool passes NaN cells over as cpu does (a window of NaNs gives −∞)", async () => {
  const values = Float32Array.from([NaN, 1, NaN, NaN, -0, 0, NaN, NaN, NaN, NaN, 0, 0]);
  const run = () => tf.maxPool(tf.tensor4d(values, [1, 2, 6, 1]), 2, 2, "valid");
  const cpu = await runOn("cpu", run);
  const ours = await runOn("wasm", run);
  assert.deepEqual(Array.from(cpu.values), [1, -Infinity, -0]);
  assert.deepEqual(bits(ours.values), bits(cpu.values));
});
