/**
 * Σ x² over a float32 tensor on tfjs-backend-wasm's heap, with WebAssembly SIMD: pairs of floats
 * are widened to doubles (`f64x2.promote_low_f32x4`) and summed in four independent double
 * accumulators (eight floats per iteration, so the adds do not wait on each other), so the sum is
 * far more accurate than a float32 running sum and costs about one pass over memory.
 *
 * Function signature: (pointer i32, n i32) → f64.
 */
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { F64, I32, OP, V128, moduleBytes, signed, unsigned } from "../wasmCode/encoding";

const SIMD = { load64Zero: 0x5d, promoteLow: 0x5f, extractLane: 0x21, add: 0xf0, mul: 0xf2 } as const;

export function sumOfSquaresModuleBytes(): Uint8Array {
  const [ptr, n, end8, endAll, wide, sum, narrow] = [0, 1, 2, 3, 4, 5, 6];
  const accs = [7, 8, 9, 10];
  const code: number[] = [];
  const get = (local: number) => code.push(OP.localGet, ...unsigned(local));
  const set = (local: number) => code.push(OP.localSet, ...unsigned(local));
  const tee = (local: number) => code.push(OP.localTee, ...unsigned(local));
  const simd = (opcode: number, ...immediates: number[]) =>
    code.push(OP.simdPrefix, ...unsigned(opcode), ...immediates);
  const i32 = (value: number) => code.push(OP.i32Const, ...signed(value));

  // endAll = ptr + 4n; end8 = ptr + 4·(n & ~7).
  (get(ptr), get(n), i32(2), code.push(OP.i32Shl, OP.i32Add), set(endAll));
  (get(ptr), get(n), i32(-8), code.push(OP.i32And), i32(2), code.push(OP.i32Shl, OP.i32Add), set(end8));
  // Eight floats per iteration: four pairs, each widened to f64x2, squared and accumulated.
  code.push(OP.block, OP.void, OP.loop, OP.void);
  (get(ptr), get(end8), code.push(OP.i32GeU, OP.brIf, 1));
  accs.forEach((acc, i) => {
    (get(ptr),
      simd(SIMD.load64Zero, 2, 8 * i),
      simd(SIMD.promoteLow),
      tee(wide),
      get(wide),
      simd(SIMD.mul),
      get(acc),
      simd(SIMD.add),
      set(acc));
  });
  (get(ptr), i32(32), code.push(OP.i32Add), set(ptr));
  code.push(OP.br, 0, OP.end, OP.end);
  // sum = the eight lanes.
  (get(accs[0]), get(accs[1]), simd(SIMD.add), get(accs[2]), get(accs[3]), simd(SIMD.add), simd(SIMD.add), tee(wide));
  (simd(SIMD.extractLane, 0), get(wide), simd(SIMD.extractLane, 1), code.push(OP.f64Add), set(sum));
  // The last n mod 8 floats.
  code.push(OP.block, OP.void, OP.loop, OP.void);
  (get(ptr), get(endAll), code.push(OP.i32GeU, OP.brIf, 1));
  (get(ptr),
    code.push(OP.f32Load, 2, 0, OP.f64PromoteF32),
    tee(narrow),
    get(narrow),
    code.push(OP.f64Mul),
    get(sum),
    code.push(OP.f64Add),
    set(sum));
  (get(ptr), i32(4), code.push(OP.i32Add), set(ptr));
  code.push(OP.br, 0, OP.end, OP.end);
  (get(sum), code.push(OP.end));

  return moduleBytes({
    params: [I32, I32],
    results: [F64],
    locals: [
      [2, I32],
      [1, V128],
      [2, F64],
      [4, V128],
    ],
    body: code,
    exportName: "sumOfSquares",
  });
}

export type SumOfSquares = (pointer: number, n: number) => number;

const sums = new BoundFunctions<SumOfSquares>("sumOfSquares");

/** The SIMD Σx² function on `memory` (compiled once). */
export function sumOfSquaresOn(memory: WebAssembly.Memory): SumOfSquares {
  return sums.get(memory, "sumOfSquares", sumOfSquaresModuleBytes);
}
