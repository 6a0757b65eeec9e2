import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { runProduct } from "../../src/backend/wasmKernels/product";
import { geometryOf } from "../../src/backend/wasmKernels/conv2dBackpropFilter";
import { filterGradTiled, filterGradTiledApplies } from "../../src/backend/wasmKernels/conv2dBackpropFilterTiled";
import { im2colSimd, padInput } from "../../src/backend/wasmKernels/im2colSimd";
import { paddedInputSize } from "../../src/backend/wasmKernels/patchWalk";
import { f32View, tensorData, wasmMemory, type WasmBackend } from "../../src/backend/wasmKernels/wasmBackend";
import { setUpWasm, uniform } from "./helpers";

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number;
}

const CASES: Case[] = [
  { x: [4, 14, 14, 6], filter: [5, 5, 6, 16], strides: 1, pad: "valid" }, // LeNet conv2: 30-value window rows
  { x: [2, 9, 11, 5], filter: [3, 3, 5, 12], strides: 2, pad: "same" }, // overlapping last row and column tiles
  { x: [3, 8, 7, 2], filter: [2, 2, 2, 8], strides: [1, 2], pad: 1 }, // window row of exactly 4
  { x: [1, 6, 6, 9], filter: [1, 1, 9, 20], strides: 1, pad: "valid" },
];

test("the tiled filter gradient gives im2col + product's floats exactly (same sums in the same order)", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const backend = tf.backend() as unknown as WasmBackend;
  const memory = wasmMemory(backend);
  assert.ok(memory);
  let seed = 1;
  for (const c of CASES) {
    const conv = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
    const g = geometryOf(conv);
    const CO = c.filter[3];
    assert.ok(filterGradTiledApplies(g, CO), JSON.stringify(c));
    const { rows, columns } = paddedInputSize(g);
    const P = g.batch * g.outHeight * g.outWidth;
    const K = g.filterHeight * g.filterWidth * g.inChannels;
    const x = tf.tensor(uniform(tf.util.sizeFromShape(c.x), seed++), c.x);
    // ReLU-like zeros in x and dy, so the product's zero skipping is exercised too.
    const dy = tf.relu(tf.tensor(uniform(P * CO, seed++), [P, CO]));
    const xp = tf.zeros([g.batch * rows * columns * g.inChannels]);
    const cols = tf.zeros([P, K]);
    const viaCols = tf.zeros(c.filter);
    const tiled = tf.fill(c.filter, NaN); // every value must be written
    const at = (t: tf.Tensor) => tensorData(backend, t).memoryOffset;
    padInput(f32View(backend, x), g, f32View(backend, xp));
    im2colSimd(memory, g, at(xp), at(cols));
    runProduct(backend, memory, K, P, CO, "columns", at(cols), at(dy), at(viaCols));
    filterGradTiled(memory, g, CO, at(xp), at(dy), at(tiled));
    const [a, b] = [new Uint32Array(viaCols.dataSync().buffer), new Uint32Array(tiled.dataSync().buffer)];
    for (let i = 0; i < a.length; i++) assert.equal(b[i], a[i], `${JSON.stringify(c)}: dW value ${i}`);
    tf.dispose([x, dy, xp, cols, viaCols, tiled]);
  }
});

test("the tiled filter gradient leaves narrow layers to im2col + product", () => {
  const g = geometryOf(tf.backend_util.computeConv2DInfo([2, 8, 8, 1], [3, 3, 1, 16], 1, 1, "same"));
  assert.equal(filterGradTiledApplies(g, 16), false); // a window row of 3 values
  const h = geometryOf(tf.backend_util.computeConv2DInfo([2, 8, 8, 4], [3, 3, 4, 6], 1, 1, "same"));
  assert.equal(filterGradTiledApplies(h, 6), false); // 6 output channels
});
