/**
 * A float32 matrix product that needs no packing, generated as WebAssembly SIMD for one shape:
 *
 *   C[m×n] = A · B   with B stored as [k×n] and A stored either as [m×k] ("rows") or as its
 *                    transpose [k×m] ("columns", e.g. x in dW = xᵀ·dy),
 *
 * i.e. a sum over p of outer products A[:, p] · B[p, :]. Per step p, four A values are splatted
 * and two four-float vectors of B are read, into a 4×8 tile of accumulators
 * (XNNPACK's "loadsplat" micro-kernel shape). XNNPACK's own matmul first re-packs B into its
 * blocked layout and caches the packed copy per tensor; weights that change at every optimizer
 * step are re-packed at every step, which costs as much as the product. This kernel reads B where
 * it lies. Rows beyond the last multiple of 4 use one smaller tile; columns beyond the last
 * multiple of 8 a 4-wide tile and then one 4-wide tile ending at column n, which overlaps the one
 * before (recomputing the same sums: same bits); only n < 4 uses single columns (scalar floats).
 * Any shape works. B and C may be blocks of columns of wider row-major matrices (row strides
 * `ldb`, `ldc`): one thread's share of a layer's units (train/unitSplitStep.ts).
 *
 * Speed: ~52 GFLOP/s on the MLP's large products on the reference machine (AMD Zen 5 at ~3.2 GHz,
 * 1 thread), which is the ceiling of 128-bit SIMD there: 2 multiply + 2 add pipes, 16 flops per
 * cycle; the loop issues per step 6 loads, 8 multiplies, 8 adds into 8 accumulators (11 of the
 * 16 xmm registers V8 allocates), so multiplies and adds, not loads, bound it.
 *
 * Zeros in A: with m ≥ 32 rows (SKIP_ZEROS_MIN_ROWS), a block of 4 rows skips the steps p whose
 * (up to four) A values are all ±0 — MNIST's background pixels in x·W and xᵀ·dy, ReLU's zeros in
 * hᵀ·dy — with the same bits: each product is then ±0, and adding ±0 leaves a float32 sum as it
 * is (the sums start at +0, and in round-to-nearest no sum becomes −0). That holds only for finite
 * B (0·∞ and 0·NaN are NaN), so the function scans B once (k·n floats, four at a time, when the
 * first block would skip) and skips nothing when any value is ±∞ or NaN. Per block of 4 rows, a
 * sample of every 4th step decides whether skipping pays (at least a third of them zero); if so,
 * the block first writes the byte offsets 4p of its non-zero steps, in order, to a step list (the
 * 4th argument: k int32 of scratch memory the caller owns), and every column tile of the block
 * then runs over that list only. The zero test is paid once per block of rows instead of once per
 * step of every tile (16 tiles for the MLP's 128 columns): x·W and xᵀ·dy on MNIST batches took
 * 1.7× and 2.0× less time than with the per-tile test, the same bits.
 *
 * Products accumulate over p in order with separate multiply and add, in float32 — or, with `fma`
 * (OPTIMLAB_FMA=1 on an engine with relaxed SIMD, see simd.ts), with `f32x4.relaxed_madd` in the
 * vector tiles (the scalar last columns keep multiply and add: WebAssembly has no scalar FMA).
 * Function signature: (a i32, b i32, c i32, list i32) → (), pointers into the imported memory;
 * `list` is read only when the module skips zeros (see {@link stepListBytes}).
 */
import { WasmFunction, memarg } from "./assembler";
import { BoundFunctions } from "./boundFunctions";
import { F32, I32, OP, V128 } from "./encoding";
import { gemmFmaEnabled } from "./simd";

/** How A is stored: [m×k] ("rows") or [k×m] ("columns"). */
export type ALayout = "rows" | "columns";

export function gemmModuleBytes(
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  sharedMemory = false,
  fma = false,
  /** Floats from one step p of A to the next in "columns" layout (a block of rows of a wider A). */
  lda = m,
  /** Skip the steps p where a tile's A values are all zero (see "Zeros in A" above); used from m ≥ 32. */
  skipZeros = true,
  /** Floats from one row of B to the next (a block of columns of a wider B). */
  ldb = n,
  /** Floats from one row of C to the next (C a block of columns of a wider matrix). */
  ldc = n,
): Uint8Array {
  if (!(n > 0 && m > 0 && k >= 0))
    throw new Error(`gemm: m and n must be positive and k ≥ 0 (got m=${m}, k=${k}, n=${n})`);
  if (!(ldb >= n && ldc >= n))
    throw new Error(`gemm: ldb and ldc must be at least n (got n=${n}, ldb=${ldb}, ldc=${ldc})`);
  const f = new WasmFunction();
  const [a, b, c, list] = [f.param(I32), f.param(I32), f.param(I32), f.param(I32)];
  // ap, bp: the current A value of the tile's first row and B[p, j]; end: ap after k steps;
  // cp: C[i, j]; i, j: the tile's first row and column. a0, b0: ap and bp at p = 0; lp: the
  // current entry of the step list, listEnd: past its last; q: a listed step's byte offset 4p.
  const [ap, bp, end, cp, i, j] = f.localArray(I32, 6);
  const [a0, b0, lp, listEnd, q] = f.localArray(I32, 5);
  const accumulators = f.localArray(V128, 8); // 4 rows × 2 vectors
  const [w0, w1, splatA] = f.localArray(V128, 3);
  const scalarAccumulators = f.localArray(F32, 4); // 4 rows, for single columns
  const [bValue, aValue] = f.localArray(F32, 2);
  // 1 when every value of B is finite: only then may a step with zero A values be skipped.
  const [finite, zeros, wanted] = f.localArray(I32, 3);
  const [nonFinite] = f.localArray(V128, 1);
  const skipping = skipZeros && m >= SKIP_ZEROS_MIN_ROWS;
  const acc = (r: number, h: number) => accumulators[r * 2 + h];
  const bVector = (h: number) => (h === 0 ? w0 : w1);
  // Bytes from one row of A to the next, and from one step p to the next.
  const rowStep = layout === "rows" ? 4 * k : 4;
  const pStep = layout === "rows" ? 4 : 4 * lda;

  /** Pushes 1 when the `rows` A values at `ap` (one step p) are all ±0 (their bits without the sign are 0), else 0. */
  const allZeroA = (rows: number) => {
    for (let r = 0; r < rows; r++) {
      f.get(ap).op(OP.i32Load, ...memarg(rowStep * r));
      if (r > 0) f.op(OP.i32Or);
    }
    f.i32(0x7fffffff).op(OP.i32And, OP.i32Eqz);
  };

  /**
   * C[i…i+rows, j…j+width] for width 8 (two vectors), 4 (one vector) or 1 (scalar floats, the
   * last n mod 4 columns); each element is the same float32 sum over p in order.
   */
  const tile = (rows: number, width: 8 | 4 | 1, listed: boolean) => {
    const halves = width === 8 ? 2 : 1;
    f.get(a).get(i).i32(rowStep).op(OP.i32Mul, OP.i32Add).set(ap);
    f.get(b).get(j).i32(2).op(OP.i32Shl, OP.i32Add).set(bp);
    if (listed) {
      f.get(ap).set(a0);
      f.get(bp).set(b0);
      f.get(list).set(lp);
    } else
      f.get(ap)
        .i32(pStep * k)
        .op(OP.i32Add)
        .set(end);
    for (let r = 0; r < rows; r++) {
      if (width === 1) f.f32Zero().set(scalarAccumulators[r]);
      else for (let h = 0; h < halves; h++) f.simd("v128Const", ...new Array<number>(16).fill(0)).set(acc(r, h));
    }
    f.block(() => {
      if (listed) f.get(lp).get(listEnd).op(OP.i32GeU, OP.brIf, 0);
      else f.get(ap).get(end).op(OP.i32GeU, OP.brIf, 0);
      f.loop(() => {
        if (listed) {
          // The next non-zero step: A at a0 + 4p (rows) or a0 + 4p·lda (columns), B at b0 + 4p·ldb.
          f.get(lp)
            .op(OP.i32Load, ...memarg(0))
            .set(q);
          f.get(a0).get(q);
          if (pStep !== 4) f.i32(pStep / 4).op(OP.i32Mul);
          f.op(OP.i32Add).set(ap);
          f.get(b0).get(q).i32(ldb).op(OP.i32Mul, OP.i32Add).set(bp);
        }
        if (width === 1) {
          f.get(bp)
            .op(OP.f32Load, ...memarg(0))
            .set(bValue);
          for (let r = 0; r < rows; r++) {
            f.get(ap)
              .op(OP.f32Load, ...memarg(rowStep * r))
              .set(aValue);
            f.get(scalarAccumulators[r]).get(aValue).get(bValue).op(OP.f32Mul, OP.f32Add).set(scalarAccumulators[r]);
          }
        } else {
          for (let h = 0; h < halves; h++)
            f.get(bp)
              .simd("v128Load", ...memarg(16 * h))
              .set(bVector(h));
          for (let r = 0; r < rows; r++) {
            f.get(ap)
              .simd("v128Load32Splat", ...memarg(rowStep * r))
              .set(splatA);
            for (let h = 0; h < halves; h++)
              if (fma) f.get(splatA).get(bVector(h)).get(acc(r, h)).simd("f32x4RelaxedMadd").set(acc(r, h));
              else f.get(acc(r, h)).get(splatA).get(bVector(h)).simd("f32x4Mul").simd("f32x4Add").set(acc(r, h));
          }
        }
        if (listed) {
          f.addTo(lp, 4);
          f.get(lp).get(listEnd).op(OP.i32LtU, OP.brIf, 0);
        } else {
          f.addTo(ap, pStep);
          f.get(bp)
            .i32(4 * ldb)
            .op(OP.i32Add)
            .set(bp);
          f.get(ap).get(end).op(OP.i32LtU, OP.brIf, 0);
        }
      });
    });
    // C[i + r, j…]
    f.get(c)
      .get(i)
      .i32(4 * ldc)
      .op(OP.i32Mul, OP.i32Add)
      .get(j)
      .i32(2)
      .op(OP.i32Shl, OP.i32Add)
      .set(cp);
    for (let r = 0; r < rows; r++) {
      if (width === 1)
        f.get(cp)
          .get(scalarAccumulators[r])
          .op(OP.f32Store, ...memarg(4 * ldc * r));
      else
        for (let h = 0; h < halves; h++)
          f.get(cp)
            .get(acc(r, h))
            .simd("v128Store", ...memarg(4 * ldc * r + 16 * h));
    }
  };

  /**
   * All column tiles of one block of rows: 8-wide ones, then a 4-wide one, then a 4-wide one that
   * ends at column n (overlapping), or single columns when n < 4.
   */
  const columns = (rows: number, listed: boolean) => {
    const n8 = n - (n % 8);
    if (n8 > 0) {
      f.i32(0).set(j);
      f.block(() =>
        f.loop(() => {
          tile(rows, 8, listed);
          f.addTo(j, 8);
          f.get(j).i32(n8).op(OP.i32LtU, OP.brIf, 0);
        }),
      );
    }
    let col = n8;
    if (n - col >= 4) {
      f.i32(col).set(j);
      tile(rows, 4, listed);
      col += 4;
    }
    if (col < n && n >= 4) {
      // The last n mod 4 columns as a 4-wide tile ending at column n: it recomputes a few columns
      // of the previous tile, each the same float32 sum in the same order, so the same bits
      // (the 10-class layer's products: 1.36× faster than scalar columns).
      f.i32(n - 4).set(j);
      tile(rows, 4, listed);
      return;
    }
    for (; col < n; col++) {
      f.i32(col).set(j);
      tile(rows, 1, listed);
    }
  };

  /** `zeros` = of every ZERO_SAMPLE_STRIDE-th step p, those at which this block's `rows` A values are all ±0. */
  const zeroSteps = (rows: number) => {
    f.i32(0).set(zeros);
    f.get(a).get(i).i32(rowStep).op(OP.i32Mul, OP.i32Add).set(ap);
    f.get(ap)
      .i32(pStep * k)
      .op(OP.i32Add)
      .set(end);
    f.block(() => {
      f.get(ap).get(end).op(OP.i32GeU, OP.brIf, 0);
      f.loop(() => {
        f.get(zeros);
        allZeroA(rows);
        f.op(OP.i32Add).set(zeros);
        f.get(ap)
          .i32(pStep * ZERO_SAMPLE_STRIDE)
          .op(OP.i32Add)
          .tee(ap)
          .get(end)
          .op(OP.i32LtU, OP.brIf, 0);
      });
    });
  };

  /**
   * Writes the byte offsets 4p of this block's steps whose `rows` A values are not all ±0 to the
   * step list, in order, and sets `listEnd` past the last. Every step writes its entry; only a
   * non-zero step moves the list on (no branch to mispredict).
   */
  const buildStepList = (rows: number) => {
    f.get(a).get(i).i32(rowStep).op(OP.i32Mul, OP.i32Add).set(ap);
    f.get(ap)
      .i32(pStep * k)
      .op(OP.i32Add)
      .set(end);
    f.get(list).set(lp);
    f.i32(0).set(q);
    f.block(() => {
      f.get(ap).get(end).op(OP.i32GeU, OP.brIf, 0);
      f.loop(() => {
        f.get(lp)
          .get(q)
          .op(OP.i32Store, ...memarg(0));
        // lp += 4 − 4·(all zero)
        f.get(lp).i32(4).op(OP.i32Add);
        allZeroA(rows);
        f.i32(2).op(OP.i32Shl, OP.i32Sub).set(lp);
        f.addTo(q, 4);
        f.addTo(ap, pStep);
        f.get(ap).get(end).op(OP.i32LtU, OP.brIf, 0);
      });
    });
    f.get(lp).set(listEnd);
  };

  const rowLoop = (from: number, to: number, rows: number) => {
    if (to <= from) return;
    f.i32(from).set(i);
    f.block(() =>
      f.loop(() => {
        if (skipping) {
          // The step list pays only where enough steps are zero: a sample of the steps decides
          // (either loop gives the same bits). B is scanned once, when the first block would skip.
          zeroSteps(rows);
          f.get(zeros)
            .i32(SKIP_ZEROS_MIN_SHARE_DENOMINATOR)
            .op(OP.i32Mul)
            .i32(Math.ceil(k / ZERO_SAMPLE_STRIDE))
            .op(OP.i32GeU)
            .tee(wanted);
          f.get(finite).i32(FINITE_UNKNOWN).op(OP.i32Eq, OP.i32And);
          // B's k rows (with ldb > n, the floats between them too: skipping then needs them finite as well).
          f.ifThen(() => finiteCheck(f, b, k === 0 ? 0 : (k - 1) * ldb + n, bp, end, nonFinite, finite));
          f.get(wanted).get(finite).op(OP.i32And);
          f.ifElse(
            () => {
              buildStepList(rows);
              columns(rows, true);
            },
            () => columns(rows, false),
          );
        } else columns(rows, false);
        f.addTo(i, rows);
        f.get(i).i32(to).op(OP.i32LtU, OP.brIf, 0);
      }),
    );
  };
  if (skipping) f.i32(FINITE_UNKNOWN).set(finite);
  // Full 4-row tiles, then one pass of a (m mod 4)-row tile. (6-row tiles and unrolling p by 2
  // or 4 were measured slower in V8: more live vectors than it keeps in registers.)
  const m4 = m - (m % 4);
  rowLoop(0, m4, 4);
  rowLoop(m4, m, m - m4);
  return f.moduleBytes("gemm", [], sharedMemory);
}

/**
 * Below this many rows the scan of B for non-finite values (k·n/4 vector steps) costs more than a
 * few percent of the product (m·k·n/8 multiply-add pairs per vector pipe): 2/m of it.
 */
export const SKIP_ZEROS_MIN_ROWS = 32;

/**
 * A block of rows takes its step list when at least 1/this of its sampled steps are zero. A listed
 * step costs more than a dense one (a load and a multiply for its offsets), and the list a zero
 * test per step of the block: the list broke even at 25–30% zero steps (measured:
 * docs/performance.md, "Zeros in A").
 */
export const SKIP_ZEROS_MIN_SHARE_DENOMINATOR = 3;

/**
 * Bytes of scratch memory the product of `m` rows over `k` steps reads as its step list (its 4th
 * argument): k int32 when it may skip zero steps, else 0 (the argument is then not read).
 */
export function stepListBytes(m: number, k: number): number {
  return m >= SKIP_ZEROS_MIN_ROWS ? 4 * k : 0;
}

/** Every how many steps the zero count looks (a sample: the count decides speed, never bits). */
const ZERO_SAMPLE_STRIDE = 4;

/** `finite` before B was scanned (then 1: all finite, 0: not). */
const FINITE_UNKNOWN = 2;

/**
 * Sets `finite` to 1 when none of the `count` floats at `b` is ±∞ or NaN (exponent bits all ones),
 * else 0: four floats per step, the last count mod 4 one by one.
 */
function finiteCheck(
  f: WasmFunction,
  b: number,
  count: number,
  ptr: number,
  end: number,
  nonFinite: number,
  finite: number,
): void {
  const exponent = [0x00, 0x00, 0x80, 0x7f]; // 0x7f800000, little-endian
  const exponents = () => f.simd("v128Const", ...exponent, ...exponent, ...exponent, ...exponent);
  const vectors = count - (count % 4);
  f.simd("v128Const", ...new Array<number>(16).fill(0)).set(nonFinite);
  f.get(b).set(ptr);
  f.get(b)
    .i32(4 * vectors)
    .op(OP.i32Add)
    .set(end);
  f.block(() => {
    f.get(ptr).get(end).op(OP.i32GeU, OP.brIf, 0);
    f.loop(() => {
      f.get(nonFinite)
        .get(ptr)
        .simd("v128Load", ...memarg(0));
      exponents().simd("v128And");
      exponents().simd("i32x4Eq").simd("v128Or").set(nonFinite);
      f.get(ptr).i32(16).op(OP.i32Add).tee(ptr).get(end).op(OP.i32LtU, OP.brIf, 0);
    });
  });
  f.get(nonFinite).simd("v128AnyTrue").op(OP.i32Eqz).set(finite);
  for (let t = vectors; t < count; t++) {
    f.get(b).op(OP.i32Load, ...memarg(4 * t));
    f.i32(0x7f800000).op(OP.i32And).i32(0x7f800000).op(OP.i32Ne).get(finite).op(OP.i32And).set(finite);
  }
}

export type Gemm = (a: number, b: number, c: number, list: number) => void;

const products = new BoundFunctions<Gemm>("gemm");

/** The product for this shape and layout on `memory`, compiled once per shape. */
export function gemmOn(memory: WebAssembly.Memory, m: number, k: number, n: number, layout: ALayout, lda = m): Gemm {
  return products.get(memory, gemmKey(m, k, n, layout, lda), (shared) =>
    gemmModuleBytes(m, k, n, layout, shared, gemmFmaEnabled(), lda),
  );
}

/** The compiled module behind {@link gemmOn} (for workers that instantiate it on the same memory). */
export function gemmModuleOn(
  memory: WebAssembly.Memory,
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  lda = m,
  ldb = n,
  ldc = n,
): WebAssembly.Module {
  return products.module(memory, gemmKey(m, k, n, layout, lda, ldb, ldc), (shared) =>
    gemmModuleBytes(m, k, n, layout, shared, gemmFmaEnabled(), lda, true, ldb, ldc),
  );
}

function gemmKey(m: number, k: number, n: number, layout: ALayout, lda: number, ldb = n, ldc = n): string {
  const stride = layout === "columns" && lda !== m ? `/lda${lda}` : ""; // lda only matters for columns
  const blocks = (ldb !== n ? `/ldb${ldb}` : "") + (ldc !== n ? `/ldc${ldc}` : "");
  return `${m}x${k}x${n}/${layout}${stride}${blocks}${gemmFmaEnabled() ? "/fma" : ""}`;
}
