/**
 * Σ x² over a float32 tensor on tfjs-backend-wasm's heap, with WebAssembly SIMD: pairs of floats
 * are widened to doubles (`f64x2.promote_low_f32x4`) and summed in two double accumulators, so the
 * sum is far more accurate than a float32 running sum and costs about one pass over memory.
 *
 * Function signature: (pointer i32, n i32) → f64.
 */
import { F64, I32, OP, V128, moduleBytes, signed, unsigned } from "../wasmCode/encoding";

const SIMD = { load64Zero: 0x5d, promoteLow: 0x5f, extractLane: 0x21, add: 0xf0, mul: 0xf2 } as const;

export function sumOfSquaresModuleBytes(): Uint8Array {
  const [ptr, n, end4, endAll, acc0, acc1, wide, sum, narrow] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const code: number[] = [];
  const get = (local: number) => code.push(OP.localGet, ...unsigned(local));
  const set = (local: number) => code.push(OP.localSet, ...unsigned(local));
  const tee = (local: number) => code.push(OP.localTee, ...unsigned(local));
  const simd = (opcode: number, ...immediates: number[]) => code.push(OP.simdPrefix, ...unsigned(opcode), ...immediates);
  const i32 = (value: number) => code.push(OP.i32Const, ...signed(value));

  // endAll = ptr + 4n; end4 = ptr + 4·(n & ~3).
  get(ptr), get(n), i32(2), code.push(OP.i32Shl, OP.i32Add), set(endAll);
  get(ptr), get(n), i32(-4), code.push(OP.i32And), i32(2), code.push(OP.i32Shl, OP.i32Add), set(end4);
  // Four floats per iteration: two pairs, each widened to f64x2, squared and accumulated.
  code.push(OP.block, OP.void, OP.loop, OP.void);
  get(ptr), get(end4), code.push(OP.i32GeU, OP.brIf, 1);
  for (const [offset, acc] of [[0, acc0], [8, acc1]]) {
    get(ptr), simd(SIMD.load64Zero, 2, offset), simd(SIMD.promoteLow), tee(wide), get(wide), simd(SIMD.mul), get(acc), simd(SIMD.add), set(acc);
  }
  get(ptr), i32(16), code.push(OP.i32Add), set(ptr);
  code.push(OP.br, 0, OP.end, OP.end);
  // sum = the four lanes.
  get(acc0), get(acc1), simd(SIMD.add), tee(acc0), simd(SIMD.extractLane, 0), get(acc0), simd(SIMD.extractLane, 1), code.push(OP.f64Add), set(sum);
  // The last n mod 4 floats.
  code.push(OP.block, OP.void, OP.loop, OP.void);
  get(ptr), get(endAll), code.push(OP.i32GeU, OP.brIf, 1);
  get(ptr), code.push(OP.f32Load, 2, 0, OP.f64PromoteF32), tee(narrow), get(narrow), code.push(OP.f64Mul), get(sum), code.push(OP.f64Add), set(sum);
  get(ptr), i32(4), code.push(OP.i32Add), set(ptr);
  code.push(OP.br, 0, OP.end, OP.end);
  get(sum), code.push(OP.end);

  return moduleBytes({
    params: [I32, I32],
    results: [F64],
    locals: [
      [2, I32],
      [3, V128],
      [2, F64],
    ],
    body: code,
    exportName: "sumOfSquares",
  });
}

export type SumOfSquares = (pointer: number, n: number) => number;

let compiled: WebAssembly.Module | undefined;
const bound = new WeakMap<WebAssembly.Memory, SumOfSquares>();

/** The SIMD Σx² function on `memory` (compiled once). */
export function sumOfSquaresOn(memory: WebAssembly.Memory): SumOfSquares {
  let fn = bound.get(memory);
  if (fn === undefined) {
    compiled ??= new WebAssembly.Module(sumOfSquaresModuleBytes());
    fn = new WebAssembly.Instance(compiled, { env: { memory } }).exports.sumOfSquares as SumOfSquares;
    bound.set(memory, fn);
  }
  return fn;
}
