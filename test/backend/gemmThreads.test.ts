/**
 * The SIMD product split over threads (src/backend/wasmCode/gemmThreads.ts): bit-identical to the
 * one-thread product whichever thread computes which chunk (workers alone, and workers with the
 * caller), for both layouts and ragged shapes; only on a shared memory and above the size
 * threshold; and a process that used it ends by itself (no orphan worker).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { gemmOn, type ALayout } from "../../src/backend/wasmCode/gemm";
import {
  chunkRows,
  runGemm,
  setCallerTakesChunks,
  setGemmThreads,
  SplitPolicy,
  splitProducts,
  stopGemmWorkers,
  workerChunkCount,
} from "../../src/backend/wasmCode/gemmThreads";
import { fillRandom } from "./randomFloats";

const CASES: Array<[number, number, number, ALayout]> = [
  [64, 784, 128, "rows"],
  [784, 64, 128, "columns"],
  [61, 300, 77, "rows"], // last chunk shorter, last tile 1 row, ragged columns
  [203, 130, 45, "columns"],
  [18, 1000, 60, "rows"], // few rows: chunks of 4
];

/** Where the tests' step lists live (see gemm.ts, "Zeros in A"): 3 MiB, past every case's A, B and C. */
const LIST = 3 << 20;

/** One product per case, split, compared bit for bit with the one-thread product. */
function checkCases(memory: WebAssembly.Memory, what: string): void {
  for (const [m, k, n, layout] of CASES) {
    const [a, b] = [0, 4 * m * k];
    const [c1, c2] = [4 * (m * k + k * n), 4 * (m * k + k * n + m * n)];
    fillRandom(memory, a, m * k, m);
    fillRandom(memory, b, k * n, n);
    new Float32Array(memory.buffer, c2, m * n + 64).fill(NaN); // and a guard after C
    gemmOn(memory, m, k, n, layout)(a, b, c1, LIST);
    const before = workerChunkCount();
    runGemm(memory, m, k, n, layout, a, b, c2, LIST);
    const guard = new Float32Array(memory.buffer, c2 + 4 * m * n, 64);
    assert.ok(guard.every(Number.isNaN), `${m}×${k}×${n} ${layout}: nothing written past C (${what})`);
    assert.ok(workerChunkCount() > before, `${m}×${k}×${n} ${layout}: a worker computed chunks (${what})`);
    const one = new Uint32Array(memory.buffer, c1, m * n);
    const split = new Uint32Array(memory.buffer, c2, m * n);
    assert.deepEqual(split, one, `${m}×${k}×${n} ${layout} (${what})`);
  }
}

test("split product: chunks are whole tiles, about four per thread", () => {
  assert.equal(chunkRows(64, 2), 8);
  assert.equal(chunkRows(784, 2), 100);
  assert.equal(chunkRows(18, 2), 4);
  assert.equal(chunkRows(61, 3), 8);
});

test("split policy: after 8 unshared products in a row only every 16th is split, until one is shared", () => {
  const policy = new SplitPolicy();
  for (let i = 0; i < 7; i++) {
    assert.equal(policy.wantsSplit(), true);
    policy.record(8, 0); // the caller did every chunk
  }
  assert.equal(policy.wantsSplit(), true);
  policy.record(0, 8); // the worker did every chunk: 8 in a row
  const decisions = Array.from({ length: 32 }, () => policy.wantsSplit());
  assert.deepEqual(
    decisions.map((d, i) => (d ? i : -1)).filter((i) => i >= 0),
    [15, 31],
    "one probe per 16 products",
  );
  policy.record(3, 5); // the probe was shared: split every product again
  assert.deepEqual(
    Array.from({ length: 4 }, () => policy.wantsSplit()),
    [true, true, true, true],
  );
});

test("split product: bit-identical to one thread when the workers compute every chunk", async () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
  setGemmThreads(3);
  setCallerTakesChunks(false);
  try {
    checkCases(memory, "workers only");
  } finally {
    setCallerTakesChunks(true);
    setGemmThreads(1);
    await stopGemmWorkers();
  }
});

test("split product: bit-identical with the caller and a worker sharing the chunks", async () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
  setGemmThreads(2);
  try {
    // The worker takes chunks once it runs: repeat until it has (it starts in ~50 ms).
    setCallerTakesChunks(false);
    runGemm(memory, 64, 784, 128, "rows", 0, 4 * 64 * 784, 4 * (64 * 784 + 784 * 128), LIST);
    setCallerTakesChunks(true);
    const before = splitProducts();
    for (let round = 0; round < 400; round++) {
      checkCasesLoosely(memory);
      if (splitProducts() > before + CASES.length) break;
    }
    assert.ok(splitProducts() > before, "some products were shared");
  } finally {
    setGemmThreads(1);
    await stopGemmWorkers();
  }
});

/** Like checkCases, without requiring the worker to take part in every product (the OS decides). */
function checkCasesLoosely(memory: WebAssembly.Memory): void {
  for (const [m, k, n, layout] of CASES) {
    const [a, b] = [0, 4 * m * k];
    const [c1, c2] = [4 * (m * k + k * n), 4 * (m * k + k * n + m * n)];
    fillRandom(memory, a, m * k, m + 1);
    fillRandom(memory, b, k * n, n + 1);
    new Float32Array(memory.buffer, c2, m * n).fill(NaN);
    gemmOn(memory, m, k, n, layout)(a, b, c1, LIST);
    runGemm(memory, m, k, n, layout, a, b, c2, LIST);
    assert.deepEqual(new Uint32Array(memory.buffer, c2, m * n), new Uint32Array(memory.buffer, c1, m * n));
  }
}

test("split product: a chunk that traps (pointer past the memory) throws as on one thread, on the caller or a worker", async () => {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 128, shared: true });
  const [m, k, n] = [64, 784, 128];
  const pastEnd = memory.buffer.byteLength - 4 * 8 * n; // C's first chunk fits, the rest does not
  setGemmThreads(2);
  try {
    for (const callerWorks of [true, false]) {
      setCallerTakesChunks(callerWorks);
      assert.throws(() => runGemm(memory, m, k, n, "rows", 0, 4 * m * k, pastEnd, LIST), WebAssembly.RuntimeError);
    }
    // The pool has stopped splitting; products are still right (on the calling thread).
    setCallerTakesChunks(true);
    const [a, b, c1, c2] = [0, 4 * m * k, 4 * (m * k + k * n), 4 * (m * k + k * n + m * n)];
    fillRandom(memory, a, m * k, 3);
    fillRandom(memory, b, k * n, 4);
    gemmOn(memory, m, k, n, "rows")(a, b, c1, LIST);
    runGemm(memory, m, k, n, "rows", a, b, c2, LIST);
    assert.deepEqual(new Uint32Array(memory.buffer, c2, m * n), new Uint32Array(memory.buffer, c1, m * n));
  } finally {
    setCallerTakesChunks(true);
    setGemmThreads(1);
    await stopGemmWorkers();
  }
});

test("split product: not on an unshared memory, nor below the size threshold, nor with 1 thread", async () => {
  setGemmThreads(2);
  setCallerTakesChunks(false); // a split would have to go through the workers
  try {
    const before = workerChunkCount();
    const unshared = new WebAssembly.Memory({ initial: 64 });
    runGemm(unshared, 64, 784, 128, "rows", 0, 4 * 64 * 784, 4 * (64 * 784 + 784 * 128), LIST);
    const shared = new WebAssembly.Memory({ initial: 64, maximum: 128, shared: true });
    runGemm(shared, 64, 128, 10, "rows", 0, 4 * 64 * 128, 4 * (64 * 128 + 128 * 10), LIST);
    setGemmThreads(1);
    runGemm(shared, 64, 784, 128, "rows", 0, 4 * 64 * 784, 4 * (64 * 784 + 784 * 128), LIST);
    assert.equal(workerChunkCount(), before);
  } finally {
    setCallerTakesChunks(true);
    setGemmThreads(1);
    await stopGemmWorkers();
  }
});

test("a process that split products ends by itself (workers are unreferenced, no orphans)", () => {
  const module = path.join(__dirname, "../../src/backend/wasmCode/gemmThreads");
  const code = `
    const { runGemm, setGemmThreads, workerChunkCount } = require(${JSON.stringify(module)});
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 128, shared: true });
    setGemmThreads(2);
    const t = Date.now();
    while (workerChunkCount() === 0 && Date.now() - t < 20000)
      runGemm(memory, 64, 784, 128, "rows", 0, 4 * 64 * 784, 4 * (64 * 784 + 784 * 128), 3 << 20);
    console.log(workerChunkCount() > 0);`;
  const child = spawnSync(process.execPath, [...process.execArgv, "-e", code], { encoding: "utf8", timeout: 60_000 });
  assert.equal(child.signal, null, "still running after 60 s: a worker kept it alive");
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), "true", "the worker computed chunks before the script ended");
});
