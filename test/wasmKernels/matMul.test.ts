import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { installWasmKernels, uninstallWasmKernels } from "../../src/backend/wasmKernels";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { assertClose, compareWithCpu, runOn, setUpWasm, uniform } from "./helpers";

/** [m, k, n] products, from degenerate (a dim of 1) to MLP-sized. */
const SIZES: Array<[number, number, number]> = [
  [5, 7, 3],
  [1, 9, 4],
  [6, 1, 5],
  [7, 8, 1],
  [64, 33, 17],
  [64, 784, 128],
  [8, 40, 100], // few rows, wide b: a·bᵀ runs as (b·aᵀ)ᵀ
  // our unpacked SIMD product: 4-row tiles and a (m mod 4)-row tile; 8-wide, 4-wide and single columns
  [5, 7, 8],
  [67, 13, 16],
  [1, 9, 8],
  [3, 1, 24],
  [64, 128, 16],
  [4, 0, 8], // k = 0: zeros
];

function operand(batch: number[], rows: number, cols: number, seed: number): tf.Tensor {
  const shape = [...batch, rows, cols];
  return tf.tensor(uniform(tf.util.sizeFromShape(shape), seed), shape);
}

function operands(
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
  batchA: number[],
  batchB: number[],
  seed: number,
) {
  const a = () => (tA ? operand(batchA, k, m, seed) : operand(batchA, m, k, seed));
  const b = () => (tB ? operand(batchB, n, k, seed + 1) : operand(batchB, k, n, seed + 1));
  return { a, b };
}

test("BatchMatMul matches cpu for every transpose combination (2-D)", async () => {
  let seed = 1;
  for (const [m, k, n] of SIZES) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const { a, b } = operands(m, k, n, tA, tB, [], [], seed++);
        await compareWithCpu(
          `matMul ${m}×${k}×${n} tA=${tA} tB=${tB}`,
          () => tf.tidy(() => tf.matMul(a(), b(), tA, tB)),
          1e-5,
        );
      }
    }
  }
});

test("BatchMatMul matches cpu with batch dims, broadcasting and transposes", async () => {
  const cases: Array<{ batchA: number[]; batchB: number[]; mkn: [number, number, number] }> = [
    { batchA: [3], batchB: [3], mkn: [20, 16, 24] }, // per-batch XNNPACK
    { batchA: [2, 3], batchB: [2, 3], mkn: [17, 16, 18] },
    { batchA: [4], batchB: [], mkn: [9, 12, 7] }, // b shared: one [batch·m, k] product
    { batchA: [4], batchB: [], mkn: [9, 12, 16] }, // the same on our SIMD product (untransposed a)
    { batchA: [], batchB: [4], mkn: [24, 16, 20] }, // a shared across b's batches
    { batchA: [2, 1], batchB: [1], mkn: [30, 20, 10] },
    { batchA: [3], batchB: [3], mkn: [2, 3, 4] }, // tiny: original kernel
    { batchA: [2, 1], batchB: [1, 3], mkn: [20, 20, 20] }, // true broadcasting: original kernel
  ];
  let seed = 100;
  for (const { batchA, batchB, mkn } of cases) {
    const [m, k, n] = mkn;
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const { a, b } = operands(m, k, n, tA, tB, batchA, batchB, seed++);
        await compareWithCpu(
          `matMul [${batchA}]×[${batchB}] ${m}×${k}×${n} tA=${tA} tB=${tB}`,
          () => tf.tidy(() => tf.matMul(a(), b(), tA, tB)),
          1e-5,
        );
      }
    }
  }
});

test("_FusedMatMul (bias + activation) matches cpu, including transposes and batches", async () => {
  const activations: tf.fused.Activation[] = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu", "prelu"];
  let seed = 500;
  for (const activation of activations) {
    for (const [batch, tA, tB] of [
      [[], false, false],
      [[], true, false],
      [[], false, true],
      [[3], true, true],
    ] as Array<[number[], boolean, boolean]>) {
      const [m, k, n] = [33, 40, 24];
      const { a, b } = operands(m, k, n, tA, tB, batch, batch, seed++);
      const s = seed++;
      await compareWithCpu(
        `fused ${activation} [${batch}] tA=${tA} tB=${tB}`,
        () =>
          tf.tidy(() =>
            tf.fused.matMul({
              a: a(),
              b: b(),
              transposeA: tA,
              transposeB: tB,
              bias: tf.tensor1d(uniform(n, s)),
              activation,
              preluActivationWeights: activation === "prelu" ? tf.tensor1d(uniform(n, s + 1, 0, 0.5)) : undefined,
              leakyreluAlpha: 0.1,
            }),
          ),
        1e-5,
      );
    }
  }
});

test("matMul gradients (the transposed products of backprop) match cpu", async () => {
  const x = () => tf.tensor2d(uniform(64 * 50, 7), [64, 50]);
  const w = () => tf.tensor2d(uniform(50 * 30, 8), [50, 30]);
  const dy = () => tf.tensor2d(uniform(64 * 30, 9), [64, 30]);
  const grads = () =>
    tf.tidy(() => {
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b))([x(), w()], dy());
      return tf.concat([dx.flatten(), dw.flatten()]);
    });
  await compareWithCpu("matMul grads", grads, 1e-5);
});

test("one tensor as XNNPACK's packed operand in two products of different shapes (batch size 1 backprop)", async () => {
  // dZ [1, 2] is packed as [1, 2] in hᵀ·dZ, then needed as [2, 1] in dZ·Wᵀ = (W·dZᵀ)ᵀ. XNNPACK
  // caches packed operands by tensor id, not shape: reusing dZ's id would reuse the wrong packing.
  const products = () =>
    tf.tidy(() => {
      const h = tf.tensor2d(uniform(8, 21), [1, 8]);
      const dz = tf.tensor2d(uniform(2, 22), [1, 2]);
      const w = tf.tensor2d(uniform(16, 23), [8, 2]);
      const dw = tf.matMul(h, dz, true, false);
      const dh = tf.matMul(dz, w, false, true);
      const again = tf.matMul(dz.reshape([2, 1]), tf.tensor2d(uniform(3, 24), [1, 3])); // dz's id as [2, 1] on the left
      const packedAsColumn = tf.matMul(tf.tensor2d(uniform(4, 25), [2, 2]), dz.reshape([2, 1])); // dz's id packed as [2, 1]
      return tf.concat([dw.flatten(), dh.flatten(), again.flatten(), packedAsColumn.flatten()]);
    });
  await compareWithCpu("shared packed operand", products, 1e-6);
});

test("without WebAssembly SIMD, products go to XNNPACK and still match cpu", async () => {
  const { a, b } = operands(64, 33, 16, true, false, [], [], 7);
  const cpu = await runOn("cpu", () => tf.tidy(() => tf.matMul(a(), b(), true, false)));
  const wasm = await runOn("wasm", () => withoutWasmSimd(() => tf.tidy(() => tf.matMul(a(), b(), true, false))));
  assertClose(wasm, cpu, 1e-5, "matMul 64×33×16 tA without SIMD");
});

test("our unpacked SIMD product gives XNNPACK's floats exactly (same float32 accumulation order)", async () => {
  await setUpWasm();
  for (const [m, k, n] of [
    [64, 784, 128],
    [67, 13, 16],
    [1, 300, 8],
    [130, 64, 32],
    [64, 128, 10],
    [9, 7, 3],
    [5, 20, 13],
  ]) {
    for (const tA of [false, true]) {
      const a = tA ? tf.tensor2d(uniform(k * m, m + k), [k, m]) : tf.tensor2d(uniform(m * k, m + k), [m, k]);
      const b = tf.tensor2d(uniform(k * n, n), [k, n]);
      const ours = tf.matMul(a, b, tA, false);
      // Stock tfjs sends an untransposed product to XNNPACK; give it one.
      uninstallWasmKernels();
      const plainA = tA ? tf.transpose(a) : tf.clone(a);
      const xnn = tf.matMul(plainA, b);
      installWasmKernels();
      const [o, x] = [new Uint32Array(ours.dataSync().buffer), new Uint32Array(xnn.dataSync().buffer)];
      for (let i = 0; i < o.length; i++) assert.equal(o[i], x[i], `${m}×${k}×${n} tA=${tA}: element ${i}`);
      tf.dispose([a, b, ours, plainA, xnn]);
    }
  }
});
