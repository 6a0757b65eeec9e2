/**
 * Σ x² over a float32 tensor on tfjs-backend-wasm's heap, with WebAssembly SIMD: pairs of floats
 * are widened to doubles (`f64x2.promote_low_f32x4`) and summed in four independent double
 * accumulators (eight floats per iteration, so the adds do not wait on each other), so the sum is
 * far more accurate than a float32 running sum and costs about one pass over memory.
 *
 * Function signature: (pointer i32, n i32) → f64.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { F64, I32, OP, V128 } from "../wasmCode/encoding";

export function sumOfSquaresModuleBytes(sharedMemory = false): Uint8Array {
  const f = new WasmFunction();
  const ptr = f.param(I32);
  const n = f.param(I32);
  // end8, endAll: where the 8-wide and the scalar loops stop; wide, narrow: the value being squared.
  const [end8, endAll] = f.localArray(I32, 2);
  const wide = f.local(V128);
  const [sum, narrow] = f.localArray(F64, 2);
  const accumulators = f.localArray(V128, 4);

  // endAll = ptr + 4n; end8 = ptr + 4·(n & ~7).
  f.get(ptr).get(n).i32(2).op(OP.i32Shl, OP.i32Add).set(endAll);
  f.get(ptr).get(n).i32(-8).op(OP.i32And).i32(2).op(OP.i32Shl, OP.i32Add).set(end8);
  // Eight floats per iteration: four pairs, each widened to f64x2, squared and accumulated.
  f.block(() =>
    f.loop(() => {
      f.get(ptr).get(end8).op(OP.i32GeU, OP.brIf, 1);
      accumulators.forEach((acc, i) => {
        f.get(ptr)
          .simd("v128Load64Zero", ...memarg(8 * i))
          .simd("f64x2PromoteLowF32x4")
          .tee(wide);
        f.get(wide).simd("f64x2Mul").get(acc).simd("f64x2Add").set(acc);
      });
      f.addTo(ptr, 32);
      f.op(OP.br, 0);
    }),
  );
  // sum = the eight lanes.
  const [a0, a1, a2, a3] = accumulators;
  f.get(a0).get(a1).simd("f64x2Add").get(a2).get(a3).simd("f64x2Add").simd("f64x2Add").tee(wide);
  f.simd("f64x2ExtractLane", 0).get(wide).simd("f64x2ExtractLane", 1).op(OP.f64Add).set(sum);
  // The last n mod 8 floats.
  f.block(() =>
    f.loop(() => {
      f.get(ptr).get(endAll).op(OP.i32GeU, OP.brIf, 1);
      f.get(ptr)
        .op(OP.f32Load, ...memarg(0), OP.f64PromoteF32)
        .tee(narrow);
      f.get(narrow).op(OP.f64Mul).get(sum).op(OP.f64Add).set(sum);
      f.addTo(ptr, 4);
      f.op(OP.br, 0);
    }),
  );
  f.get(sum);
  return f.moduleBytes("sumOfSquares", [F64], sharedMemory);
}

export type SumOfSquares = (pointer: number, n: number) => number;

const sums = new BoundFunctions<SumOfSquares>("sumOfSquares");

/** The SIMD Σx² function on `memory` (compiled once). */
export function sumOfSquaresOn(memory: WebAssembly.Memory): SumOfSquares {
  return sums.get(memory, "sumOfSquares", sumOfSquaresModuleBytes);
}

/** The compiled module behind {@link sumOfSquaresOn} (for threads that instantiate it on their shared memory). */
export function sumOfSquaresModuleOn(memory: WebAssembly.Memory): WebAssembly.Module {
  return sums.module(memory, "sumOfSquares", sumOfSquaresModuleBytes);
}
