import type { ALayout } from "../../src/backend/wasmCode/gemm";

/** C = A·B in float32, summing over p in order (A is [m×k] or, for "columns", [k×lda] read at column i). */
export function referenceProduct(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  lda = m,
): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = layout === "rows" ? a[i * k + p] : a[p * lda + i];
        sum = Math.fround(sum + Math.fround(av * b[p * n + j]));
      }
      c[i * n + j] = sum;
    }
  return c;
}
