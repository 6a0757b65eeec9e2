/**
 * Float32 vector arithmetic on the host for `LBFGS`: every result is stored in a Float32Array,
 * so each operation rounds to float32 as torch's float32 tensors do, in torch 1.13's order on the
 * CPU (measured against Debian's build): `dot` accumulates in float32 from the first element on,
 * and `a.add(b, alpha=c)` is one fused multiply-add (rounded once); `sumAbs` follows the order of
 * torch's vectorized (AVX2, 8-lane) cascade sum.
 */
import * as tf from "@tensorflow/tfjs";

/** Σ aᵢbᵢ as torch's `dot`: each product and each partial sum rounded to float32, in order. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum = Math.fround(sum + Math.fround(a[i] * b[i]));
  return sum;
}

/**
 * Σ |aᵢ| in the order of torch 1.13's CPU sum of a contiguous float32 vector with AVX2
 * (`vectorized_inner_sum` in SumKernel.cpp): whole 8-float vectors are summed lane by lane by
 * `row_sum` (4 interleaved accumulators, cascaded every 16 rows); the leftover elements are summed
 * first, then the 8 lanes are added to them in order. Every addition rounds to float32. Checked
 * bit for bit against Debian's torch 1.13 for lengths 1 to 70,000.
 */
export function sumAbs(a: Float32Array): number {
  const lanes = 8;
  // Shorter than one vector: torch's scalar path, the same row_sum on single floats.
  if (a.length < lanes) return rowSum(a.length, (i) => Float32Array.of(Math.abs(a[i])), 1)[0];
  const vectors = Math.floor(a.length / lanes);
  const vector = (i: number): Float32Array => a.subarray(i * lanes, (i + 1) * lanes).map(Math.abs);
  const partial = rowSum(vectors, vector, lanes);
  let sum = 0;
  for (let k = vectors * lanes; k < a.length; k++) sum = Math.fround(sum + Math.abs(a[k]));
  for (let k = 0; k < lanes; k++) sum = Math.fround(sum + partial[k]);
  return sum;
}

/** torch's `row_sum`: `size` vectors viewed as rows of 4 (`multi_row_sum`), leftovers into the first. */
function rowSum(size: number, load: (i: number) => Float32Array, lanes: number): Float32Array {
  const ilp = 4;
  const rows = Math.floor(size / ilp);
  const partial = multiRowSum(rows, ilp, (row, k) => load(row * ilp + k), lanes);
  for (let i = rows * ilp; i < size; i++) addInto(partial[0], load(i));
  for (let k = 1; k < ilp; k++) addInto(partial[0], partial[k]);
  return partial[0];
}

/** torch's `multi_row_sum`: four levels of accumulators, each level folded into the next every 16ᵏ rows. */
function multiRowSum(
  size: number,
  nrows: number,
  load: (row: number, k: number) => Float32Array,
  lanes: number,
): Float32Array[] {
  const levels = 4;
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / levels));
  const levelStep = 2 ** levelPower;
  const levelMask = levelStep - 1;
  const acc = Array.from({ length: levels }, () => Array.from({ length: nrows }, () => new Float32Array(lanes)));
  let i = 0;
  while (i + levelStep <= size) {
    for (let j = 0; j < levelStep; j++, i++) for (let k = 0; k < nrows; k++) addInto(acc[0][k], load(i, k));
    for (let j = 1; j < levels; j++) {
      for (let k = 0; k < nrows; k++) {
        addInto(acc[j][k], acc[j - 1][k]);
        acc[j - 1][k].fill(0);
      }
      if ((i & (levelMask * 2 ** (j * levelPower))) !== 0) break;
    }
  }
  for (; i < size; i++) for (let k = 0; k < nrows; k++) addInto(acc[0][k], load(i, k));
  for (let j = 1; j < levels; j++) for (let k = 0; k < nrows; k++) addInto(acc[0][k], acc[j][k]);
  return acc[0];
}

/** c10's `CeilLog2`: 0 for 0 and 1. */
function ceilLog2(x: number): number {
  return x <= 1 ? 0 : Math.ceil(Math.log2(x));
}

/** target += values, lane by lane, in float32 (Float32Array stores round). */
function addInto(target: Float32Array, values: Float32Array): void {
  for (let k = 0; k < target.length; k++) target[k] = target[k] + values[k];
}

/** max |aᵢ| (0 for an empty vector). */
export function maxAbs(a: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

/** c·a, in float32 (c rounded to float32 first, as torch does with a scalar). */
export function scale(a: Float32Array, c: number): Float32Array {
  const out = new Float32Array(a.length);
  const k = Math.fround(c);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * k;
  return out;
}

/**
 * a + c·b, in float32 as torch's `a.add(b, alpha=c)`: a fused multiply-add, rounded once. (The
 * product of two float32 values is exact in a double, so one double addition and the float32
 * store round like an FMA, except in rare double-rounding ties.)
 */
export function addScaled(a: Float32Array, c: number, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  const k = Math.fround(c);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + k * b[i];
  return out;
}

/** The variables' values, concatenated in order. */
export function flatParams(vars: readonly tf.Variable[]): Float32Array {
  const out = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
  let offset = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

/** Assigns consecutive slices of `flat` to the variables. */
export function setFlatParams(vars: readonly tf.Variable[], flat: Float32Array): void {
  let offset = 0;
  for (const v of vars) {
    const values = flat.slice(offset, offset + v.size);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, "float32")));
    offset += v.size;
  }
}
