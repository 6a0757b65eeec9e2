import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { WASM_KERNEL_OVERRIDES } from "../../src/backend/wasmKernels";

/**
 * Where each kernel optimlab registers on wasm is compared with a reference (the cpu backend,
 * stock XNNPACK, or the same formula as tfjs ops), and a phrase that test file must contain.
 * Registering a new kernel without adding its comparison makes this test fail.
 */
const COMPARED: Readonly<Record<string, { file: string; mentions: string }>> = {
  BatchMatMul: { file: "matMul.test.js", mentions: "BatchMatMul matches cpu" },
  _FusedMatMul: { file: "matMul.test.js", mentions: "_FusedMatMul (bias + activation) matches cpu" },
  Slice: { file: "copies.test.js", mentions: "Slice copies exactly what cpu copies" },
  GatherV2: { file: "copies.test.js", mentions: "GatherV2 matches cpu" },
  Identity: { file: "copies.test.js", mentions: "Identity (tf.clone) shares the buffer" },
  Conv2D: { file: "convForward.test.js", mentions: "Conv2D and FusedConv2D (bias, ReLU) match cpu" },
  FusedConv2D: { file: "convForward.test.js", mentions: "give XNNPACK's floats exactly" },
  Conv2DBackpropFilter: {
    file: "convPool.test.js",
    mentions: "Conv2DBackpropFilter (missing on stock wasm) matches cpu",
  },
  Conv2DBackpropInput: { file: "convPool.test.js", mentions: "Conv2DBackpropInput matches cpu" },
  MaxPool: { file: "maxPool.test.js", mentions: "MaxPool 2×2 at stride 2 gives the cpu backend's bits" },
  MaxPoolGrad: { file: "convPool.test.js", mentions: "MaxPoolGrad matches cpu" },
  AvgPoolGrad: { file: "convPool.test.js", mentions: "AvgPoolGrad matches cpu" },
  OptimlabReluBiasGrad: { file: "reluBiasGrad.test.js", mentions: "ReLU + bias gradient matches tfjs ops on cpu" },
  OptimlabSoftmaxCrossEntropy: {
    file: "../fused/softmaxCrossEntropy.test.js",
    mentions: "fused softmax cross-entropy: the op path's loss and gradient bits on cpu",
  },
  OptimlabSoftmaxCrossEntropyGrad: {
    file: "../fused/softmaxCrossEntropy.test.js",
    mentions: "fused softmax cross-entropy: the op path's loss and gradient bits on cpu",
  },
  OptimlabPackValues: {
    file: "../fused/packValues.test.js",
    mentions: "fusedPackValues: one kernel, the bits of stacking the scalars",
  },
  OptimlabColumnSum: {
    file: "../fused/columnSum.test.js",
    mentions: "fusedColumnSum: one kernel, the bits of tf.sum(x, 0) on cpu and wasm",
  },
  OptimlabElementwise: { file: "../fused/elementwise.test.js", mentions: "bit for bit, on every path" },
  OptimlabGlobalNorm: {
    file: "../fused/globalNorm.test.js",
    mentions: "on cpu, wasm (SIMD and not) and the ops fallback",
  },
};

test("every kernel optimlab registers on wasm has a comparison test", () => {
  const registered = WASM_KERNEL_OVERRIDES.map((o) => o.kernelName);
  assert.deepEqual(
    [...registered].sort(),
    Object.keys(COMPARED).sort(),
    "registered kernels vs kernels with a comparison test",
  );
  for (const name of registered) {
    const { file, mentions } = COMPARED[name];
    // The same file next to this one: .ts under tsx (npm run test:unit), .js under dist/.
    const sibling = path.join(__dirname, path.extname(__filename) === ".ts" ? file.replace(/\.js$/, ".ts") : file);
    const text = fs.readFileSync(sibling, "utf8");
    assert.ok(text.includes(mentions), `${name}: ${file} should contain the test "${mentions}"`);
  }
});
