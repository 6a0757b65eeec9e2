import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { compareWithCpu, integers, uniform } from "./helpers";

type Pad = "same" | "valid" | number;

interface ConvCase {
  x: [number, number, number, number]; // NHWC
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

const CONV_CASES: ConvCase[] = [
  { x: [4, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: "same" }, // LeNet conv1
  { x: [4, 14, 14, 6], filter: [5, 5, 6, 16], strides: 1, pad: "valid" }, // LeNet conv2
  { x: [2, 9, 11, 3], filter: [3, 3, 3, 5], strides: 2, pad: "same" },
  { x: [2, 10, 7, 2], filter: [3, 2, 2, 4], strides: [2, 3], pad: "valid" },
  { x: [3, 8, 8, 4], filter: [4, 4, 4, 2], strides: 2, pad: "same" }, // even filter: uneven padding
  { x: [1, 7, 9, 2], filter: [3, 3, 2, 3], strides: 1, pad: 1 },
  { x: [2, 8, 8, 5], filter: [3, 3, 5, 2], strides: 1, pad: "same" }, // more in- than out-channels
  { x: [3, 9, 7, 4], filter: [2, 4, 4, 1], strides: 1, pad: "valid" },
  { x: [2, 9, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: 2, dimRoundingMode: "ceil" },
  // Stride 1 with ≤ 4 input channels: the filter gradient's SIMD kernel (blocks of 2 output
  // channels, an odd last one, rows padded to 4 columns, filters too wide for 2-channel blocks).
  { x: [1, 11, 13, 3], filter: [4, 4, 3, 16], strides: 1, pad: "same" },
  { x: [3, 9, 12, 1], filter: [3, 7, 1, 5], strides: 1, pad: "same" },
  { x: [2, 6, 5, 4], filter: [2, 2, 4, 3], strides: 1, pad: "valid" },
  // ≥ 8 output channels and window rows of ≥ 4 values: the filter gradient's tiled kernel, with
  // overlapping last row and column tiles (15 window values, 12 channels).
  { x: [2, 9, 11, 5], filter: [3, 3, 5, 12], strides: 2, pad: "same" },
  // 7 input channels: the input gradient's col2im in chunks of 4, 2 and 1 lanes.
  { x: [2, 6, 7, 7], filter: [3, 3, 7, 4], strides: 1, pad: "same" },
];

function nhwcToNchw(shape: number[]): [number, number, number, number] {
  return [shape[0], shape[3], shape[1], shape[2]];
}

function outShape(c: ConvCase, format: "NHWC" | "NCHW"): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
  return format === "NHWC" ? info.outShape : nhwcToNchw(info.outShape);
}

test("Conv2DBackpropFilter (missing on stock wasm) matches cpu: strides, paddings, NHWC and NCHW", async () => {
  let seed = 1;
  for (const c of CONV_CASES) {
    // With wasm SIMD (generated kernels) and without (XNNPACK and JavaScript routes).
    for (const [dataFormat, simd] of [
      ["NHWC", true],
      ["NCHW", true],
      ["NHWC", false],
    ] as const) {
      const xShape = dataFormat === "NHWC" ? c.x : nhwcToNchw(c.x);
      const dyShape = outShape(c, dataFormat);
      const s = seed++;
      await compareWithCpu(
        `backpropFilter ${JSON.stringify(c)} ${dataFormat} simd=${simd}`,
        () =>
          (simd ? (f: () => tf.Tensor) => f() : withoutWasmSimd)(() =>
            tf.tidy(() => {
              const x = tf.tensor(uniform(tf.util.sizeFromShape(xShape), s), xShape);
              const dy = tf.tensor(uniform(tf.util.sizeFromShape(dyShape), s + 1), dyShape);
              const attrs = {
                strides: c.strides,
                pad: c.pad,
                dataFormat,
                dimRoundingMode: c.dimRoundingMode,
                filterShape: c.filter,
              };
              return tf
                .engine()
                .runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
            }),
          ),
        1e-5,
      );
    }
  }
});

test("Conv2DBackpropInput matches cpu: strides, paddings, NHWC and NCHW", async () => {
  let seed = 100;
  for (const c of CONV_CASES) {
    // With wasm SIMD (generated kernels) and without (XNNPACK and JavaScript routes).
    for (const [dataFormat, simd] of [
      ["NHWC", true],
      ["NCHW", true],
      ["NHWC", false],
    ] as const) {
      const inputShape = dataFormat === "NHWC" ? c.x : nhwcToNchw(c.x);
      const dyShape = outShape(c, dataFormat);
      const s = seed++;
      await compareWithCpu(
        `backpropInput ${JSON.stringify(c)} ${dataFormat} simd=${simd}`,
        () =>
          (simd ? (f: () => tf.Tensor) => f() : withoutWasmSimd)(() =>
            tf.tidy(() => {
              const dy = tf.tensor(uniform(tf.util.sizeFromShape(dyShape), s), dyShape);
              const filter = tf.tensor(uniform(tf.util.sizeFromShape(c.filter), s + 1), c.filter);
              const attrs = {
                strides: c.strides,
                pad: c.pad,
                dataFormat,
                dimRoundingMode: c.dimRoundingMode,
                inputShape,
              };
              // Leave non-zero values where dx will be allocated: cells no window covers must be zeroed.
              tf.fill(inputShape, 7).dispose();
              return tf
                .engine()
                .runKernel(tf.Conv2DBackpropInput, { dy, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
            }),
          ),
        1e-5,
      );
    }
  }
});

interface PoolCase {
  x: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
}

const POOL_CASES: PoolCase[] = [
  { x: [4, 28, 28, 6], filterSize: 2, strides: 2, pad: "valid" }, // LeNet pool1
  { x: [2, 9, 9, 3], filterSize: 3, strides: 2, pad: "same" }, // overlapping windows
  { x: [2, 7, 8, 2], filterSize: [3, 2], strides: [1, 2], pad: "valid" },
  { x: [1, 6, 6, 5], filterSize: 3, strides: 1, pad: "same" },
  { x: [2, 5, 7, 1], filterSize: 2, strides: 3, pad: 1 },
  // 2×2 at stride 2 (a specialised loop): odd sizes leave a last row/column no window covers.
  { x: [3, 7, 9, 6], filterSize: 2, strides: 2, pad: "valid" },
  { x: [1, 10, 10, 16], filterSize: 2, strides: 2, pad: "valid" }, // LeNet pool2
  { x: [2, 5, 6, 3], filterSize: 2, strides: 2, pad: "same" }, // padded: the general loop
];

function overlapping(c: PoolCase): boolean {
  const [fh, fw] = typeof c.filterSize === "number" ? [c.filterSize, c.filterSize] : c.filterSize;
  const [sh, sw] = typeof c.strides === "number" ? [c.strides, c.strides] : c.strides;
  return fh > sh || fw > sw;
}

/** Pool inputs: distinct values, ties, or NaN and −∞ sprinkled in (windows of those pass no gradient). */
function poolInput(kind: "plain" | "ties" | "specials", size: number, seed: number): Float32Array {
  if (kind === "ties") return integers(size, seed, 3);
  const values = uniform(size, seed);
  if (kind === "specials") for (let i = 0; i < size; i++) if (i % 7 === 3) values[i] = i % 2 ? NaN : -Infinity;
  return values;
}

test("MaxPoolGrad matches cpu, ties included (gradient goes to the first maximum)", async () => {
  let seed = 200;
  for (const c of POOL_CASES) {
    for (const kind of ["plain", "ties", "specials"] as const) {
      // With and without wasm SIMD: 2×2 windows at stride 2 have a generated kernel and a loop.
      for (const simd of [true, false]) {
        const s = seed++;
        const run = () =>
          tf.tidy(() => {
            const size = tf.util.sizeFromShape(c.x);
            const input = tf.tensor(poolInput(kind, size, s), c.x) as tf.Tensor4D;
            const output = tf.maxPool(input, c.filterSize, c.strides, c.pad);
            const dy = tf.tensor(uniform(output.size, s + 1), output.shape);
            // Leave non-zero values where dx will be allocated: cells no window covers must be zeroed.
            tf.fill(c.x, 7).dispose();
            const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad, dimRoundingMode: undefined };
            return tf
              .engine()
              .runKernel(tf.MaxPoolGrad, { dy, input, output }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
          });
        await compareWithCpu(
          `maxPoolGrad ${JSON.stringify(c)} ${kind} simd=${simd}`,
          simd ? run : () => withoutWasmSimd(run),
          // Windows that do not overlap copy one gradient per cell: the same bits. Overlapping ones
          // add several gradients per cell, in another order than cpu's.
          overlapping(c) ? 1e-6 : 0,
        );
      }
    }
  }
});

test("AvgPoolGrad matches cpu", async () => {
  let seed = 300;
  for (const c of POOL_CASES) {
    const s = seed++;
    await compareWithCpu(
      `avgPoolGrad ${JSON.stringify(c)}`,
      () =>
        tf.tidy(() => {
          const input = tf.tensor(uniform(tf.util.sizeFromShape(c.x), s), c.x) as tf.Tensor4D;
          const output = tf.avgPool(input, c.filterSize, c.strides, c.pad);
          const dy = tf.tensor(uniform(output.size, s + 1), output.shape);
          const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
          return tf.engine().runKernel(tf.AvgPoolGrad, { dy, input }, attrs) as tf.Tensor;
        }),
      1e-6,
    );
  }
});
