import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { fusedGlobalNorm } from "../../src/backend/fused";
import { sumOfSquaresModuleBytes } from "../../src/backend/fused/wasmSumOfSquares";
import { installWasmKernels, uninstallWasmKernels } from "../../src/backend/wasmKernels";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

test("fusedGlobalNorm is the float64 norm rounded once, on cpu, wasm (SIMD and not) and the ops fallback", async () => {
  await setUpWasm();
  // Sizes around the SIMD width, so both the 4-wide loop and the tail are used.
  const parts = [uniform(784 * 128, 1, -2, 2), uniform(127, 2), uniform(3, 3), uniform(1, 4, 5, 6), uniform(1280, 5)];
  let exact = 0;
  for (const p of parts) for (const v of p) exact += v * v;
  exact = Math.sqrt(exact);
  for (const [backend, kernels, simd] of [
    ["cpu", true, true],
    ["wasm", true, true],
    ["wasm", true, false],
    ["wasm", false, true],
  ] as const) {
    assert.ok(await tf.setBackend(backend));
    if (!kernels) uninstallWasmKernels();
    try {
      const tensors = parts.map((p) => tf.tensor1d(p));
      const norm = simd ? fusedGlobalNorm(tensors) : withoutWasmSimd(() => fusedGlobalNorm(tensors));
      const got = norm.dataSync()[0];
      // Summing in doubles leaves only the final float32 rounding; tfjs's float32 sums (the
      // fallback) are within a few float32 ulps per addition.
      const tol = kernels ? 2 ** -24 : 1e-5;
      assert.ok(Math.abs(got - exact) <= tol * exact, `${backend}${kernels ? "" : " (ops)"}: ${got} vs ${exact}`);
      assert.deepEqual(norm.shape, []);
      tf.dispose([...tensors, norm]);
    } finally {
      installWasmKernels();
    }
  }
});

test("fusedGlobalNorm of nothing is 0; int32 tensors take the ops path", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const zero = fusedGlobalNorm([]);
    assert.equal(zero.dataSync()[0], 0);
    const ints = tf.tensor1d([3, 4], "int32");
    const norm = fusedGlobalNorm([ints]);
    assert.equal(norm.dataSync()[0], 5);
    tf.dispose([zero, ints, norm]);
  }
});

test("the Σx² module is valid WebAssembly", () => {
  assert.ok(WebAssembly.validate(sumOfSquaresModuleBytes()));
});

test("fusedGlobalNorm is differentiable inside tf.grad (d‖x‖/dx = x/‖x‖)", async () => {
  await setUpWasm();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const x = tf.tensor1d([3, 4]);
    const g = tf.grad((t: tf.Tensor) => fusedGlobalNorm([t]))(x);
    const values = Array.from(g.dataSync());
    assert.ok(Math.abs(values[0] - 0.6) < 1e-6 && Math.abs(values[1] - 0.8) < 1e-6, `${backend}: ${values}`);
    tf.dispose([x, g]);
  }
});
