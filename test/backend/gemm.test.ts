/**
 * The generated SIMD product (src/backend/wasmCode/gemm.ts) against a reference written here:
 * every element is the float32 sum over p in order of float32 products, so results must be equal
 * bit for bit — for ragged shapes (rows past the 4-row tiles, columns past the 8- and 4-wide
 * tiles), both layouts of A, A read as a block of a wider matrix (lda), k = 0, and the MLP's shapes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SKIP_ZEROS_MIN_ROWS,
  gemmModuleBytes,
  stepListBytes,
  type ALayout,
  type Gemm,
} from "../../src/backend/wasmCode/gemm";
import { randomFloats } from "./randomFloats";
import { referenceProduct } from "./referenceProduct";

/** Runs the generated product for this shape on a fresh memory holding A, B and a C full of NaN. */
function generatedProduct(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  lda = m,
): Float32Array {
  const fill = new Float32Array(m * n).fill(NaN); // anything the product does not write stays NaN
  return blockProduct(a, b, m, k, n, layout, 0, n, 0, n, true, fill, lda);
}

test("SIMD product: bit-identical to the in-order float32 reference for ragged shapes and both layouts", () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [5, 9, 9],
    [7, 3, 12],
    [13, 17, 10],
    [9, 1, 15],
    [5, 4, 2],
    [8, 6, 3],
    [7, 7, 5],
    [4, 3, 6],
    [6, 33, 17],
    [64, 128, 10],
    [12, 40, 130],
  ];
  for (const [m, k, n] of shapes)
    for (const layout of ["rows", "columns"] as const) {
      const a = randomFloats(m * k, m * 31 + k);
      const b = randomFloats(k * n, n * 17 + k);
      const got = generatedProduct(a, b, m, k, n, layout);
      const want = referenceProduct(a, b, m, k, n, layout);
      assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${m}×${k}×${n} ${layout}`);
    }
});

test("SIMD product: the MLP's shapes (x·W, dW = xᵀ·dy, the 10-class layer) equal the reference bit for bit", () => {
  const shapes: Array<[number, number, number, ALayout]> = [
    [64, 784, 128, "rows"],
    [784, 64, 128, "columns"],
    [64, 128, 10, "rows"],
    [128, 64, 10, "columns"],
    [64, 10, 128, "rows"],
  ];
  for (const [m, k, n, layout] of shapes) {
    const a = randomFloats(m * k, m + 3 * k);
    const b = randomFloats(k * n, n + 5 * k);
    const got = generatedProduct(a, b, m, k, n, layout);
    const want = referenceProduct(a, b, m, k, n, layout);
    assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${m}×${k}×${n} ${layout}`);
  }
});

test("SIMD product: A as a block of columns of a wider [k×lda] matrix (how the threads split xᵀ·dy)", () => {
  const [m, k, n, lda] = [10, 23, 19, 37];
  const a = randomFloats(k * lda, 5);
  const b = randomFloats(k * n, 6);
  const got = generatedProduct(a, b, m, k, n, "columns", lda);
  const want = referenceProduct(a, b, m, k, n, "columns", lda);
  assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer));
});

test("SIMD product: k = 0 writes zeros", () => {
  const got = generatedProduct(new Float32Array(0), new Float32Array(0), 5, 0, 11, "rows");
  assert.deepEqual([...got], new Array<number>(55).fill(0));
});

/** `values` with about `fraction` of them set to +0 or −0 (a pattern, not random: reproducible), and some whole runs of zeros. */
function withZeros(values: Float32Array, fraction: number): Float32Array {
  const out = values.slice();
  for (let i = 0; i < out.length; i++) {
    const h = (Math.imul(i + 1, 2654435761) >>> 0) / 2 ** 32;
    if (h < fraction || i % 97 < 20) out[i] = h < fraction / 2 ? -0 : 0;
  }
  return out;
}

test("SIMD product: steps whose A values are all zero are skipped with the same bits (m ≥ 32), ±0 included", () => {
  const shapes: Array<[number, number, number, ALayout]> = [
    [64, 784, 128, "rows"], // x·W with MNIST-like zeros in x
    [784, 64, 128, "columns"], // dW = xᵀ·dy
    [35, 50, 13, "rows"], // ragged rows and columns
    [33, 21, 6, "columns"],
    [32, 9, 3, "rows"], // single columns (not skipped) next to no vector tile
  ];
  for (const fraction of [0.5, 0.9, 1]) {
    for (const [m, k, n, layout] of shapes) {
      const a = withZeros(randomFloats(m * k, m + 7 * k), fraction);
      const b = randomFloats(k * n, n + 11 * k); // negative values too: (±0)·b gives −0 terms
      const got = generatedProduct(a, b, m, k, n, layout);
      const want = referenceProduct(a, b, m, k, n, layout);
      assert.deepEqual(
        new Uint32Array(got.buffer),
        new Uint32Array(want.buffer),
        `${m}×${k}×${n} ${layout} ${fraction}`,
      );
    }
  }
  // The option changes the generated code (and only from SKIP_ZEROS_MIN_ROWS rows).
  const sizes = (m: number, skip: boolean) => gemmModuleBytes(m, 16, 16, "rows", false, false, m, skip).length;
  assert.notEqual(sizes(SKIP_ZEROS_MIN_ROWS, true), sizes(SKIP_ZEROS_MIN_ROWS, false));
  assert.equal(sizes(SKIP_ZEROS_MIN_ROWS - 1, true), sizes(SKIP_ZEROS_MIN_ROWS - 1, false));
});

test("SIMD product: with ±∞ or NaN anywhere in B no step is skipped (0·∞ is NaN, as in the reference)", () => {
  const [m, k, n] = [40, 30, 12];
  for (const bad of [Infinity, -Infinity, NaN])
    for (const at of [0, 5 * n + 3, k * n - 1]) {
      // the last position is in B's tail past its last multiple of 4 floats when k·n is not one
      const a = withZeros(randomFloats(m * k, 3), 0.9);
      const b = randomFloats(k * n, 4);
      b[at] = bad;
      for (const layout of ["rows", "columns"] as const) {
        const got = generatedProduct(a, b, m, k, n, layout);
        const want = referenceProduct(a, b, m, k, n, layout);
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${bad} at ${at} ${layout}`);
      }
    }
  // k·n = 3·13 = 39: a NaN in the last 3 floats, which the vector scan does not cover.
  const [k2, n2] = [3, 13];
  const a = new Float32Array(m * k2); // all zeros: every step would be skipped
  const b = randomFloats(k2 * n2, 9);
  b[k2 * n2 - 1] = NaN;
  const got = generatedProduct(a, b, m, k2, n2, "rows");
  const want = referenceProduct(a, b, m, k2, n2, "rows");
  assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer));
  assert.ok(Number.isNaN(got[n2 - 1]), "0·NaN reaches C");
});

test("SIMD product: a block that skips lists its non-zero steps in order in the scratch the caller passes", () => {
  // 32 rows (the first that skip), k = 12: the last block of 4 rows has zeros at steps 0, 3–7 and 11.
  const [m, k, n] = [32, 12, 16];
  const zeroSteps = new Set([0, 3, 4, 5, 6, 7, 11]);
  const a = randomFloats(m * k, 21);
  for (let i = 0; i < m; i++) for (const p of zeroSteps) a[i * k + p] = i % 2 === 0 ? 0 : -0;
  const b = randomFloats(k * n, 22);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const heap = new Float32Array(memory.buffer);
  heap.set(a, 0);
  heap.set(b, a.length);
  const c = a.length + b.length;
  const list = 4 * (c + m * n);
  new Int32Array(memory.buffer, list, k + 4).fill(-1);
  const gemm = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(m, k, n, "rows")), { env: { memory } })
    .exports.gemm as Gemm;
  gemm(0, 4 * a.length, 4 * c, list);
  const nonZero = [1, 2, 8, 9, 10];
  assert.deepEqual(
    [...new Int32Array(memory.buffer, list, nonZero.length)],
    nonZero.map((p) => 4 * p),
  );
  assert.deepEqual([...new Int32Array(memory.buffer, list + 4 * k, 4)], [-1, -1, -1, -1], "nothing past k entries");
  const got = new Uint32Array(memory.buffer, 4 * c, m * n);
  assert.deepEqual(got, new Uint32Array(referenceProduct(a, b, m, k, n, "rows").buffer));
});

/**
 * Runs the product of B's columns [j0, j0+n) of a [k×ldb] B into C's columns [c0, c0+n) of an
 * [m×ldc] C that holds `fill` elsewhere (ldb, ldc > n: one thread's share of a layer's units), on a
 * fresh memory; checks that nothing is written past C or past the step list.
 */
function blockProduct(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  j0: number,
  ldb: number,
  c0: number,
  ldc: number,
  skipZeros: boolean,
  fill: Float32Array,
  lda = m,
): Float32Array {
  // A, B, C, 16 guard floats, the step list (k int32, written only when zeros are skipped), 16 more.
  const bytes = 4 * (a.length + b.length + m * ldc + 32) + stepListBytes(m, k);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  const heap = new Float32Array(memory.buffer);
  heap.set(a, 0);
  heap.set(b, a.length);
  const c = a.length + b.length;
  heap.set(fill, c);
  heap.fill(NaN, c + m * ldc);
  const list = 4 * (c + m * ldc + 16);
  const module = new WebAssembly.Module(gemmModuleBytes(m, k, n, layout, false, false, lda, skipZeros, ldb, ldc));
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm as Gemm;
  gemm(0, 4 * (a.length + j0), 4 * (c + c0), list);
  assert.ok(heap.subarray(c + m * ldc, c + m * ldc + 16).every(Number.isNaN), "nothing written past C");
  const pastList = list / 4 + stepListBytes(m, k) / 4;
  assert.ok(heap.subarray(pastList, pastList + 16).every(Number.isNaN), "nothing written past the step list");
  return heap.slice(c, c + m * ldc);
}

test("SIMD product: B's column block (ldb > n) into C's column block (ldc > n) gives those columns of the full product, bit for bit, and leaves C's other columns", () => {
  // [m, k, full width of B, block start in B, block width n, C's width, block start in C]
  const shapes: Array<[number, number, number, number, number, number, number]> = [
    [5, 9, 37, 0, 18, 37, 0], // the first of two units' blocks, C as wide as B
    [5, 9, 37, 18, 19, 37, 18], // the second (ragged: 19 = 16 + 3)
    [13, 17, 30, 7, 3, 11, 8], // n < 4 (scalar columns), C narrower than B
    [4, 6, 64, 32, 32, 40, 4],
    [64, 128, 37, 12, 13, 50, 37], // m ≥ 32: zero skipping on (or off, below)
    [40, 50, 20, 4, 9, 9, 0], // ldc = n: C is plain
    [33, 21, 16, 0, 16, 24, 8], // ldb = n: B is plain
  ];
  for (const [m, k, ldb, j0, n, ldc, c0] of shapes)
    for (const layout of ["rows", "columns"] as const)
      for (const zeros of [0, 0.9])
        for (const skipZeros of [true, false]) {
          const what = `${m}×${k}×${n} of B[${k}×${ldb}] at ${j0} into C[${m}×${ldc}] at ${c0}, ${layout}, zeros ${zeros}, skip ${skipZeros}`;
          const plainA = randomFloats(m * k, m * 13 + k);
          const a = zeros > 0 ? withZeros(plainA, zeros) : plainA;
          const b = randomFloats(k * ldb, ldb * 7 + k);
          const fill = randomFloats(m * ldc, 99);
          const got = blockProduct(a, b, m, k, n, layout, j0, ldb, c0, ldc, skipZeros, fill);
          const full = referenceProduct(a, b, m, k, ldb, layout);
          const want = fill.slice();
          for (let i = 0; i < m; i++) want.set(full.subarray(i * ldb + j0, i * ldb + j0 + n), i * ldc + c0);
          assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), what);
        }
});

test("SIMD product: with zero skipping a non-finite value in B's block still reaches C (0·∞ = NaN); one outside the block changes nothing", () => {
  const [m, k, ldb, j0, n, ldc, c0] = [40, 30, 24, 8, 9, 20, 5];
  for (const layout of ["rows", "columns"] as const)
    for (const [at, inside] of [
      [3 * ldb + j0 + 4, true],
      [(k - 1) * ldb + j0 + n - 1, true], // B's last value in the block
      [3 * ldb + j0 + n + 2, false], // between two rows of the block
      [(k - 1) * ldb + ldb - 1, false], // past the block's last row
    ] as const) {
      const a = withZeros(randomFloats(m * k, 31), 0.95);
      const b = randomFloats(k * ldb, 32);
      b[at] = Infinity;
      const fill = randomFloats(m * ldc, 33);
      const got = blockProduct(a, b, m, k, n, layout, j0, ldb, c0, ldc, true, fill);
      const full = referenceProduct(a, b, m, k, ldb, layout);
      const want = fill.slice();
      for (let i = 0; i < m; i++) want.set(full.subarray(i * ldb + j0, i * ldb + j0 + n), i * ldc + c0);
      assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `∞ at ${at} ${layout}`);
      if (inside) assert.ok(got.some(Number.isNaN), "0·∞ reaches C");
      else assert.ok(!got.some(Number.isNaN), "a value outside the block is not multiplied");
    }
});

test("gemm: ldb or ldc below n is refused", () => {
  const expected = (ldb: number, ldc: number) => ({
    message: `gemm: ldb and ldc must be at least n (got n=8, ldb=${ldb}, ldc=${ldc})`,
  });
  assert.throws(() => gemmModuleBytes(4, 3, 8, "rows", false, false, 4, true, 7, 8), expected(7, 8));
  assert.throws(() => gemmModuleBytes(4, 3, 8, "rows", false, false, 4, true, 8, 7), expected(8, 7));
  assert.throws(() => gemmModuleBytes(4, 3, 8, "columns", false, false, 4, true, 0, 0), expected(0, 0));
  assert.ok(gemmModuleBytes(4, 3, 8, "rows", false, false, 4, true, 8, 8).length > 0);
});
