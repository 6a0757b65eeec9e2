import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { biasReluModuleBytes } from "../../src/backend/wasmKernels/biasRelu";
import { setUpWasm, uniform } from "./helpers";

function bits(values: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(values).buffer));
}

test("bias + ReLU on columns of wider rows: tfjs's Add then Relu, bit for bit (NaN kept, −0 and negatives to 0, ±∞)", async () => {
  await setUpWasm();
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true });
  const f32 = new Float32Array(memory.buffer);
  let seed = 7;
  // chunks of 4, 2 and 1 lanes; a block of columns inside wider rows (the split's case) and whole rows
  for (const [rows, channels, stride, from] of [
    [5, 1, 3, 1],
    [3, 2, 2, 0],
    [4, 7, 20, 5],
    [64, 64, 128, 64],
    [2, 9, 9, 0],
  ]) {
    const h = uniform(rows * stride, seed++, -2, 2);
    const b = uniform(channels, seed++, -1, 1);
    for (let i = 0; i < h.length; i += 7) h[i] = [NaN, Infinity, -Infinity, -0, 0][i % 5];
    b[0] = -0;
    // tfjs on cpu: the same values through Add and Relu
    const block = tf.tidy(() => {
      const rowsOf = tf.tensor2d(h, [rows, stride]).slice([0, from], [rows, channels]);
      return tf.relu(tf.add(rowsOf, tf.tensor1d(b))).dataSync() as Float32Array;
    });
    const hAt = 1024;
    const bAt = hAt + 4 * h.length + 64;
    f32.set(h, hAt / 4);
    f32.set(b, bAt / 4);
    const run = new WebAssembly.Instance(new WebAssembly.Module(biasReluModuleBytes(channels, stride, true)), {
      env: { memory },
    }).exports.run as (h: number, b: number, rows: number) => void;
    run(hAt + 4 * from, bAt, rows);
    const out = f32.slice(hAt / 4, hAt / 4 + h.length);
    const got: number[] = [];
    for (let r = 0; r < rows; r++) got.push(...out.subarray(r * stride + from, r * stride + from + channels));
    assert.deepEqual(bits(got), bits(block), `${rows}×${channels} of ${stride}`);
    // Columns outside the block are untouched.
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < stride; c++)
        if (c < from || c >= from + channels) assert.ok(Object.is(out[r * stride + c], h[r * stride + c]));
  }
});
