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
 * multiple of 8 a 4-wide tile and then single columns (scalar floats), so any shape works.
 *
 * Products accumulate over p in order with separate multiply and add, in float32.
 * Function signature: (a i32, b i32, c i32) → (), pointers into the imported memory.
 */
import { BoundFunctions } from "./boundFunctions";
import { F32, I32, OP, V128, moduleBytes, signed, unsigned } from "./encoding";

const SIMD = { load: 0x00, load32Splat: 0x09, store: 0x0b, const: 0x0c, add: 0xe4, mul: 0xe6 } as const;

/** How A is stored: [m×k] ("rows") or [k×m] ("columns"). */
export type ALayout = "rows" | "columns";

export function gemmModuleBytes(m: number, k: number, n: number, layout: ALayout): Uint8Array {
  if (!(n > 0 && m > 0 && k >= 0))
    throw new Error(`gemm: m and n must be positive and k ≥ 0 (got m=${m}, k=${k}, n=${n})`);
  const [a, b, c] = [0, 1, 2];
  const [ap, bp, end, cp, i, j] = [3, 4, 5, 6, 7, 8];
  // Bytes from one row of A to the next, and from one step p to the next.
  const rowStep = layout === "rows" ? 4 * k : 4;
  const pStep = layout === "rows" ? 4 : 4 * m;
  const acc = (r: number, h: number) => 9 + r * 2 + h; // 8 vector accumulators
  const [w0, w1, s] = [17, 18, 19];
  const scalarAcc = (r: number) => 20 + r; // 4 float accumulators, for single columns
  const [fw, fs] = [24, 25];

  const code: number[] = [];
  const get = (l: number) => code.push(OP.localGet, ...unsigned(l));
  const set = (l: number) => code.push(OP.localSet, ...unsigned(l));
  const simd = (op: number, ...imm: number[]) => code.push(OP.simdPrefix, ...unsigned(op), ...imm);
  const i32 = (v: number) => code.push(OP.i32Const, ...signed(v));
  const add = () => code.push(OP.i32Add);
  const mem = (offset: number) => [2, ...unsigned(offset)];

  /**
   * C[i…i+rows, j…j+width] for width 8 (two vectors), 4 (one vector) or 1 (scalar floats, the
   * last n mod 4 columns); each element is the same float32 sum over p in order.
   */
  const tile = (rows: number, width: 8 | 4 | 1) => {
    const halves = width === 8 ? 2 : 1;
    // ap = A's first value of row i, bp = B[0, j], end = ap + k steps
    (get(a), get(i), i32(rowStep), code.push(OP.i32Mul), add(), set(ap));
    (get(b), get(j), i32(2), code.push(OP.i32Shl), add(), set(bp));
    (get(ap), i32(pStep * k), add(), set(end));
    for (let r = 0; r < rows; r++) {
      if (width === 1) (code.push(OP.f32Const, 0, 0, 0, 0), set(scalarAcc(r)));
      else for (let h = 0; h < halves; h++) (simd(SIMD.const, ...new Array<number>(16).fill(0)), set(acc(r, h)));
    }
    code.push(OP.block, OP.void);
    (get(ap), get(end), code.push(OP.i32GeU, OP.brIf, 0));
    code.push(OP.loop, OP.void);
    if (width === 1) {
      (get(bp), code.push(OP.f32Load, ...mem(0)), set(fw));
      for (let r = 0; r < rows; r++) {
        (get(ap), code.push(OP.f32Load, ...mem(rowStep * r)), set(fs));
        (get(scalarAcc(r)), get(fs), get(fw), code.push(OP.f32Mul, OP.f32Add), set(scalarAcc(r)));
      }
    } else {
      for (let h = 0; h < halves; h++) (get(bp), simd(SIMD.load, ...mem(16 * h)), set(h === 0 ? w0 : w1));
      for (let r = 0; r < rows; r++) {
        (get(ap), simd(SIMD.load32Splat, ...mem(rowStep * r)), set(s));
        for (let h = 0; h < halves; h++)
          (get(acc(r, h)), get(s), get(h === 0 ? w0 : w1), simd(SIMD.mul), simd(SIMD.add), set(acc(r, h)));
      }
    }
    (get(ap), i32(pStep), add(), set(ap));
    (get(bp), i32(4 * n), add(), set(bp));
    (get(ap), get(end), code.push(OP.i32LtU, OP.brIf, 0));
    code.push(OP.end, OP.end);
    // C[i + r, j…]
    (get(c), get(i), i32(4 * n), code.push(OP.i32Mul), add(), get(j), i32(2), code.push(OP.i32Shl), add(), set(cp));
    for (let r = 0; r < rows; r++) {
      if (width === 1) (get(cp), get(scalarAcc(r)), code.push(OP.f32Store, ...mem(4 * n * r)));
      else for (let h = 0; h < halves; h++) (get(cp), get(acc(r, h)), simd(SIMD.store, ...mem(4 * n * r + 16 * h)));
    }
  };

  /** All column tiles of one block of rows: 8-wide ones, then a 4-wide one, then single columns. */
  const columns = (rows: number) => {
    const n8 = n - (n % 8);
    if (n8 > 0) {
      (i32(0), set(j));
      code.push(OP.block, OP.void, OP.loop, OP.void);
      tile(rows, 8);
      (get(j), i32(8), add(), set(j));
      (get(j), i32(n8), code.push(OP.i32LtU, OP.brIf, 0));
      code.push(OP.end, OP.end);
    }
    let col = n8;
    if (n - col >= 4) (i32(col), set(j), tile(rows, 4), (col += 4));
    for (; col < n; col++) (i32(col), set(j), tile(rows, 1));
  };

  const rowLoop = (from: number, to: number, rows: number) => {
    if (to <= from) return;
    (i32(from), set(i));
    code.push(OP.block, OP.void, OP.loop, OP.void);
    columns(rows);
    (get(i), i32(rows), add(), set(i));
    (get(i), i32(to), code.push(OP.i32LtU, OP.brIf, 0));
    code.push(OP.end, OP.end);
  };
  // Full 4-row tiles, then one pass of a (m mod 4)-row tile. (6-row tiles and unrolling p by 2
  // or 4 were measured slower in V8: more live vectors than it keeps in registers.)
  const m4 = m - (m % 4);
  rowLoop(0, m4, 4);
  rowLoop(m4, m, m - m4);
  code.push(OP.end);

  return moduleBytes({
    params: [I32, I32, I32],
    results: [],
    locals: [
      [6, I32],
      [11, V128],
      [6, F32],
    ],
    body: code,
    exportName: "gemm",
  });
}

export type Gemm = (a: number, b: number, c: number) => void;

const products = new BoundFunctions<Gemm>("gemm");

/** The product for this shape and layout on `memory`, compiled once per shape. */
export function gemmOn(memory: WebAssembly.Memory, m: number, k: number, n: number, layout: ALayout): Gemm {
  return products.get(memory, `${m}x${k}x${n}/${layout}`, () => gemmModuleBytes(m, k, n, layout));
}
