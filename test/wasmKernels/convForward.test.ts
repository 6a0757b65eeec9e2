import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { installWasmKernels, uninstallWasmKernels } from "../../src/backend/wasmKernels";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { compareWithCpu, runOn, setUpWasm, uniform } from "./helpers";

type Activation = "relu" | "linear";

interface ForwardCase {
  x: [number, number, number, number]; // NHWC
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number;
}

const CASES: ForwardCase[] = [
  { x: [4, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: "same" }, // LeNet conv1
  { x: [2, 32, 32, 3], filter: [5, 5, 3, 6], strides: 1, pad: "valid" }, // LeNet on colour images
  { x: [3, 9, 11, 3], filter: [3, 3, 3, 10], strides: 1, pad: "valid" }, // 2 columns past the last 4
  { x: [2, 7, 6, 2], filter: [3, 2, 2, 17], strides: 1, pad: "same" }, // blocks of 8, 8 and 1 channels
  { x: [1, 5, 3, 4], filter: [5, 5, 4, 3], strides: 1, pad: 1 }, // 3 columns: only a partial quad
  { x: [2, 6, 9, 1], filter: [1, 1, 1, 4], strides: 1, pad: "valid" },
  { x: [3, 7, 10, 1], filter: [3, 4, 1, 5], strides: 1, pad: "same" }, // 1 channel: rows copied by SIMD code, 2-float tail
  // ≥ 8 output channels: the tiled kernel (2×2 blocks of positions × 8 channels).
  { x: [4, 14, 14, 6], filter: [5, 5, 6, 16], strides: 1, pad: "valid" }, // LeNet conv2
  { x: [3, 9, 11, 5], filter: [3, 3, 5, 12], strides: 2, pad: "same" }, // odd rows and columns, overlapping channel tile
  { x: [2, 7, 6, 7], filter: [3, 2, 7, 17], strides: [1, 2], pad: "same" },
  { x: [1, 5, 5, 8], filter: [5, 5, 8, 8], strides: 1, pad: 1 },
  { x: [2, 9, 8, 3], filter: [2, 2, 3, 9], strides: 1, pad: "valid" },
  // Neither (stride 2 with < 8 channels; a single output column): tfjs's XNNPACK kernel.
  { x: [2, 9, 11, 3], filter: [3, 3, 3, 5], strides: 2, pad: "same" },
  { x: [2, 6, 5, 6], filter: [3, 5, 6, 8], strides: 1, pad: "valid" },
];

function convolve(
  c: ForwardCase,
  seed: number,
  fused: { activation: Activation; bias: boolean } | undefined,
): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.tensor(uniform(tf.util.sizeFromShape(c.x), seed), c.x) as tf.Tensor4D;
    const filter = tf.tensor(uniform(tf.util.sizeFromShape(c.filter), seed + 1), c.filter) as tf.Tensor4D;
    if (fused === undefined) return tf.conv2d(x, filter, c.strides, c.pad);
    const bias = fused.bias ? tf.tensor1d(uniform(c.filter[3], seed + 2)) : undefined;
    return tf.fused.conv2d({ x, filter, bias, strides: c.strides, pad: c.pad, activation: fused.activation });
  });
}

const VARIANTS = [
  undefined,
  { activation: "relu", bias: true },
  { activation: "linear", bias: true },
  { activation: "relu", bias: false },
] as const;

test("Conv2D and FusedConv2D (bias, ReLU) match cpu: few input channels on the SIMD kernel, others on XNNPACK", async () => {
  let seed = 1;
  for (const c of CASES) {
    for (const fused of VARIANTS) {
      for (const simd of [true, false]) {
        const s = seed++;
        await compareWithCpu(
          `${fused === undefined ? "conv2d" : `fused ${fused.activation} bias=${fused.bias}`} ${JSON.stringify(c)} simd=${simd}`,
          () => (simd ? convolve(c, s, fused) : withoutWasmSimd(() => convolve(c, s, fused))),
          1e-5,
        );
      }
    }
  }
});

test("the SIMD convolutions give XNNPACK's floats exactly (bias first, then the taps in order)", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  let seed = 50;
  for (const c of CASES) {
    for (const fused of VARIANTS) {
      const s = seed++;
      const ours = convolve(c, s, fused);
      uninstallWasmKernels();
      const xnn = convolve(c, s, fused);
      installWasmKernels();
      const [o, x] = [new Uint32Array(ours.dataSync().buffer), new Uint32Array(xnn.dataSync().buffer)];
      assert.equal(o.length, x.length);
      for (let i = 0; i < o.length; i++)
        assert.equal(o[i], x[i], `${JSON.stringify(c)} ${JSON.stringify(fused)}: ${i}`);
      tf.dispose([ours, xnn]);
    }
  }
});

test("FusedConv2D's ReLU keeps NaN as cpu does (XNNPACK's clamp turns it into 0)", async () => {
  const run = () =>
    tf.tidy(() => {
      const values = uniform(2 * 6 * 7, 7);
      values[3] = NaN;
      // ∞ − ∞ in the windows over both: the CPU's default NaN, which XNNPACK's ReLU clamps to 0
      values[50] = Infinity;
      values[51] = -Infinity;
      const x = tf.tensor4d(values, [2, 6, 7, 1]);
      const filter = tf.tensor4d(uniform(9 * 2, 8, 0.5, 1), [3, 3, 1, 2]);
      return tf.fused.conv2d({
        x,
        filter,
        bias: tf.tensor1d([0.5, -0.25]),
        strides: 1,
        pad: "same",
        activation: "relu",
      });
    });
  const cpu = await runOn("cpu", run);
  const ours = await runOn("wasm", run);
  const nanAt = (v: ArrayLike<number>) => Array.from(v, (e, i) => (Number.isNaN(e) ? i : -1)).filter((i) => i >= 0);
  assert.ok(nanAt(cpu.values).length > 0, "the case has NaN outputs");
  assert.deepEqual(nanAt(ours.values), nanAt(cpu.values));
});

test("FusedConv2D with a bias of the wrong size keeps tfjs's error", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D;
  const filter = tf.ones([3, 3, 1, 4]) as tf.Tensor4D;
  const bias = tf.ones([3]);
  const before = tf.memory().numTensors;
  assert.throws(
    () =>
      tf.engine().runKernel(tf.FusedConv2D, { x, filter, bias }, {
        strides: 1,
        pad: "same",
        dataFormat: "NHWC",
        dilations: 1,
        activation: "relu",
      } as unknown as tf.NamedAttrMap),
    { message: "FusedConv2D bias shape (3) does not match the number of output channels (4)" },
  );
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, filter, bias]);
});

/** MNIST-like images: zero top and bottom rows and left columns around random values. */
function mostlyZero(shape: [number, number, number, number], seed: number): Float32Array {
  const [, H, W] = shape;
  const values = uniform(tf.util.sizeFromShape(shape), seed);
  return values.map((v, i) => {
    const pixel = Math.floor(i / shape[3]);
    const [r, c] = [Math.floor(pixel / W) % H, pixel % W];
    return r < 6 || r >= H - 5 || c < 7 ? 0 : v;
  });
}

test("first-layer convolution: input rows of zeros are skipped with XNNPACK's bits (−0 bias and ∞ filter: no skip)", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const xShape: [number, number, number, number] = [3, 28, 28, 1];
  const filterShape: [number, number, number, number] = [5, 5, 1, 6];
  const biases = [
    undefined,
    uniform(6, 3),
    [-0, 0.5, -0, -0.25, 0, -0], // a sum that starts at −0 must see the +0 terms
  ];
  for (const bias of biases)
    for (const activation of ["relu", "linear"] as const) {
      const run = () =>
        tf.tidy(() =>
          tf.fused.conv2d({
            x: tf.tensor4d(mostlyZero(xShape, 11), xShape),
            filter: tf.tensor4d(uniform(150, 12), filterShape),
            bias: bias === undefined ? undefined : tf.tensor1d(bias),
            strides: 1,
            pad: "same",
            activation,
          }),
        );
      const ours = run();
      uninstallWasmKernels();
      const xnn = run();
      installWasmKernels();
      const [o, x] = [new Uint32Array(ours.dataSync().buffer), new Uint32Array(xnn.dataSync().buffer)];
      for (let i = 0; i < o.length; i++) assert.equal(o[i], x[i], `bias ${String(bias)} ${activation}: value ${i}`);
      tf.dispose([ours, xnn]);
    }
  // An infinite weight: 0 · ∞ is NaN in every window that reads it, zero rows and padding included
  // (as XNNPACK, which pads with zeros; the cpu backend skips padding).
  const infinite = () =>
    tf.tidy(() => {
      const weights = uniform(150, 13);
      weights[7] = Infinity;
      return tf.conv2d(tf.tensor4d(mostlyZero(xShape, 14), xShape), tf.tensor4d(weights, filterShape), 1, "same");
    });
  const ours = infinite();
  uninstallWasmKernels();
  const xnn = infinite();
  installWasmKernels();
  const nanAt = (t: tf.Tensor) => Array.from(t.dataSync(), (e, i) => (Number.isNaN(e) ? i : -1)).filter((i) => i >= 0);
  assert.ok(nanAt(xnn).length > 1000, "zero windows give NaN too");
  assert.deepEqual(nanAt(ours), nanAt(xnn));
  tf.dispose([ours, xnn]);
});
