/**
 * The SIMD product split over two threads (src/backend/wasmCode/gemmThreads.ts): bit-identical to
 * the one-thread product for both layouts and ragged shapes, and only on a shared memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gemmOn, type ALayout } from "../../src/backend/wasmCode/gemm";
import { runGemm, setGemmSplit, splitProducts } from "../../src/backend/wasmCode/gemmThreads";

function fill(memory: WebAssembly.Memory, offset: number, count: number, seed: number): void {
  const view = new Float32Array(memory.buffer, offset, count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    view[i] = state / 2 ** 32 - 0.5;
  }
}

test("split product: bit-identical to one thread (rows and columns layouts, ragged m and n)", () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
  setGemmSplit(true);
  try {
    const cases: Array<[number, number, number, ALayout]> = [
      [64, 784, 128, "rows"],
      [784, 64, 128, "columns"],
      [61, 300, 77, "rows"],
      [203, 130, 45, "columns"],
    ];
    for (const [m, k, n, layout] of cases) {
      const [a, b] = [0, 4 * m * k];
      const [c1, c2] = [4 * (m * k + k * n), 4 * (m * k + k * n + m * n)];
      fill(memory, a, m * k, m);
      fill(memory, b, k * n, n);
      new Float32Array(memory.buffer, c2, m * n).fill(0);
      gemmOn(memory, m, k, n, layout)(a, b, c1);
      const before = splitProducts();
      runGemm(memory, m, k, n, layout, a, b, c2);
      assert.equal(splitProducts(), before + 1, `${m}×${k}×${n} ${layout}: the worker computed its rows`);
      const one = new Uint32Array(memory.buffer, c1, m * n);
      const two = new Uint32Array(memory.buffer, c2, m * n);
      assert.deepEqual(two, one, `${m}×${k}×${n} ${layout}`);
    }
  } finally {
    setGemmSplit(false);
  }
});

test("split product: not on an unshared memory, nor below the size threshold", () => {
  setGemmSplit(true);
  try {
    const before = splitProducts();
    const unshared = new WebAssembly.Memory({ initial: 64 });
    runGemm(unshared, 64, 784, 128, "rows", 0, 4 * 64 * 784, 4 * (64 * 784 + 784 * 128));
    const shared = new WebAssembly.Memory({ initial: 8, maximum: 16, shared: true });
    runGemm(shared, 64, 128, 10, "rows", 0, 4 * 64 * 128, 4 * (64 * 128 + 128 * 10));
    assert.equal(splitProducts(), before);
  } finally {
    setGemmSplit(false);
  }
});
