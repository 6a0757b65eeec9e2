/**
 * The arithmetic of optimlab's fused softmax cross-entropy on plain arrays, without tfjs: the
 * kernels of softmaxCrossEntropy.ts run it on a backend's tensors, and `fit`'s hidden-unit split
 * (train/unitSplitStep.ts) on threads' shared memory, so both give the same bits. What each
 * operation repeats of the op path is said in softmaxCrossEntropy.ts's header.
 */

/** A running sum's step: float32 (wasm's Sum kernel) or double, rounded once at the end (cpu's). */
export type Accumulate = (sum: number, x: number) => number;

export function accumulator(float32Sums: boolean): Accumulate {
  return float32Sums ? (sum, x) => Math.fround(sum + x) : (sum, x) => sum + x;
}

/**
 * The loss of rows `n` rows of `c` logits starting at `logits[from]` against the class
 * `labelOf(i)` of row i (in [0, c)), divided by `divisor` (0: the sum). Writes each row's softmax
 * to `out[outFrom + i·c …]`, or with `gradient`, d loss/d logits for an upstream gradient of 1.
 * `out` may not overlap the logits. With `rowLosses`, each row's term of the sum is also written
 * there (from `rowLossesFrom`): `fit`'s convolution split computes rows on several threads and
 * adds the terms in row order afterwards ({@link addRowLosses}), as this loop does.
 */
export function softmaxCrossEntropyRows(
  float32Sums: boolean,
  logits: Float32Array,
  from: number,
  n: number,
  c: number,
  labelOf: (row: number) => number,
  divisor: number,
  out: Float32Array,
  outFrom: number,
  gradient: boolean,
  rowLosses?: Float32Array,
  rowLossesFrom = 0,
): number {
  const add = accumulator(float32Sums);
  const f = Math.fround;
  const logp = new Float32Array(c);
  const s = divisor === 0 ? 1 : f(1 / divisor); // the backward's dy/N for dy = 1
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = from + i * c;
    const outRow = outFrom + i * c;
    const label = labelOf(i);
    let max = logits[row];
    for (let j = 1; j < c; j++) if (logits[row + j] > max || Number.isNaN(logits[row + j])) max = logits[row + j];
    let sumExp = 0;
    for (let j = 0; j < c; j++) sumExp = add(sumExp, f(Math.exp(f(logits[row + j] - max))));
    const logSum = f(Math.log(f(sumExp)));
    // Σ_j onehot_j·logp_j in the row-sum order: 0·logp is ±0 (NaN for an infinite logp), as the op path.
    let picked = 0;
    for (let j = 0; j < c; j++) {
      logp[j] = f(f(logits[row + j] - max) - logSum);
      out[outRow + j] = Math.exp(logp[j]);
      picked = add(picked, f((j === label ? 1 : 0) * logp[j]));
    }
    total = add(total, -f(picked));
    if (rowLosses) rowLosses[rowLossesFrom + i] = -f(picked);
    if (gradient) rowGradient(add, label, out, outRow, c, s);
  }
  total = f(total);
  return divisor === 0 ? total : total / divisor;
}

/** The loss of {@link softmaxCrossEntropyRows} from its `n` row terms at `rowLosses[from…]`: the same sum in the same order. */
export function addRowLosses(
  float32Sums: boolean,
  rowLosses: Float32Array,
  from: number,
  n: number,
  divisor: number,
): number {
  const add = accumulator(float32Sums);
  let total = 0;
  for (let i = 0; i < n; i++) total = add(total, rowLosses[from + i]);
  total = Math.fround(total);
  return divisor === 0 ? total : total / divisor;
}

/**
 * One row of the backward, in place: `values[row…row+c)` holds softmax and becomes d loss/d logits
 * for the scaled upstream gradient `s` (dy/N, or dy for "sum"); `label` is the row's class.
 */
export function rowGradient(
  add: Accumulate,
  label: number,
  values: Float32Array,
  row: number,
  c: number,
  s: number,
): void {
  const f = Math.fround;
  const negS = -s;
  let rowSum = 0;
  for (let j = 0; j < c; j++) rowSum = add(rowSum, f(negS * (j === label ? 1 : 0)));
  rowSum = f(rowSum);
  for (let j = 0; j < c; j++) {
    const dlogp = f(negS * (j === label ? 1 : 0));
    values[row + j] = dlogp - f(rowSum * values[row + j]);
  }
}
