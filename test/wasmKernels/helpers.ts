/** Shared set-up for the wasm kernel tests: backends, seeded data, comparison with the cpu backend. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { use } from "../../src/backend";
import { installWasmKernels } from "../../src/backend/wasmKernels";

let wasmReady: Promise<void> | undefined;

/**
 * Activates the wasm backend, initialised once through optimlab's own backend choice (as the
 * library does: a second, separate `tf.setBackend("wasm")` racing the choice that importing
 * src/backend starts makes one of the two initialisations fail), with the overrides installed.
 * Later calls switch back to it: a test file that shares the process may have switched to cpu.
 */
export async function setUpWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const info = await use("wasm");
    assert.equal(info.name, "wasm", `the wasm backend must initialise: ${info.reason}`);
    installWasmKernels();
  })();
  await wasmReady;
  if (tf.getBackend() !== "wasm") assert.ok(await tf.setBackend("wasm"), "the wasm backend must be active again");
}

/** Deterministic uniform values in [lo, hi) (a small LCG: tests must not depend on tfjs's RNG per backend). */
export function uniform(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

/** Small integers (ties on purpose, for max-pool routing). */
export function integers(count: number, seed: number, levels: number): Float32Array {
  return uniform(count, seed, 0, levels).map(Math.floor);
}

export type Values = Float32Array | Int32Array | Uint8Array;

/** Runs `fn` on `backend` and returns its result's values and shape (tensors are disposed). */
export async function runOn(
  backend: "cpu" | "wasm",
  fn: () => tf.Tensor,
): Promise<{ values: Values; shape: number[] }> {
  if (backend === "wasm") await setUpWasm();
  assert.ok(await tf.setBackend(backend), `backend ${backend} must initialise`);
  const t = fn();
  const values = t.dataSync() as Values;
  const shape = t.shape;
  t.dispose();
  return { values, shape };
}

/** Asserts ours ≈ cpu elementwise: |ours − cpu| ≤ tol · max(1, max|cpu|). */
export function assertClose(
  ours: { values: Values; shape: number[] },
  cpu: { values: Values; shape: number[] },
  tol: number,
  what: string,
): void {
  assert.deepEqual(ours.shape, cpu.shape, `${what}: shape`);
  let scale = 1;
  for (const v of cpu.values) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < cpu.values.length; i++) {
    const d = Math.abs(ours.values[i] - cpu.values[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(
    worst <= tol * scale,
    `${what}: max |diff| ${worst} at ${at} (ours ${ours.values[at]}, cpu ${cpu.values[at]}) > ${tol}·${scale}`,
  );
}

/** Runs the same computation on cpu and on wasm (with the overrides) and compares. */
export async function compareWithCpu(what: string, fn: () => tf.Tensor, tol = 1e-5): Promise<void> {
  const cpu = await runOn("cpu", fn);
  const ours = await runOn("wasm", fn);
  assertClose(ours, cpu, tol, what);
}

/** Counts dispatches of `kernelName` on the current backend while `run` runs (the kernel's function wrapped meanwhile). */
export function countKernel(kernelName: string, run: () => void): number {
  const config = tf.getKernel(kernelName, tf.getBackend());
  assert.ok(config);
  const original = config.kernelFunc;
  let count = 0;
  (config as { kernelFunc: typeof original }).kernelFunc = (args) => {
    count++;
    return original(args);
  };
  try {
    run();
  } finally {
    (config as { kernelFunc: typeof original }).kernelFunc = original;
  }
  return count;
}
