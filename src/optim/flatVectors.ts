/**
 * Float32 vector arithmetic on the host for `LBFGS`: every result is stored in a Float32Array,
 * so each operation rounds to float32 as torch's float32 tensors do. Dot products and sums
 * accumulate in doubles and round once.
 */
import * as tf from "@tensorflow/tfjs";

/** Σ aᵢbᵢ, rounded to float32 (torch's 0-d float32 result). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return Math.fround(sum);
}

/** Σ |aᵢ|, rounded to float32. */
export function sumAbs(a: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]);
  return Math.fround(sum);
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

/** a + c·b, in float32 (torch's `a.add(b, alpha=c)`). */
export function addScaled(a: Float32Array, c: number, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  const k = Math.fround(c);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + Math.fround(k * b[i]);
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
