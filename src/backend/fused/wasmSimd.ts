/**
 * Compiles a {@link Program} into a tiny WebAssembly module that runs it with 128-bit SIMD
 * (four floats per instruction) directly on tfjs-backend-wasm's heap: the module imports the
 * backend's own `WebAssembly.Memory`, so tensors are read and written where they live.
 *
 * WebAssembly's f32 and f32x4 arithmetic is IEEE-754 single precision (correctly rounded +, −,
 * ×, ÷, √), the same arithmetic as the backend's C++ kernels, so the fused loop is bit-identical
 * to running the ops one by one. A scalar loop handles the last n mod 4 elements.
 *
 * A program may also take Σ x² of some of its values (an optimizer step: the gradient it reads, for
 * `train.fit`'s per-step gradient norm) in the same pass, in exactly the order
 * of `wasmSumOfSquares.ts`, so the sums are that kernel's bits: the loop then takes eight elements
 * per iteration (two vectors) and the accumulators of each squared value see the float pairs as
 * that kernel does, and the last n mod 8 elements run one by one, squared in order.
 *
 * Function signature: (inputPtr…, outputPtr…, scalar f32…, n i32) → (Σ x² f64 per squared value).
 */
import { isUnary, type OpName, type Program } from "./program";
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { F32, F64, I32, OP, V128, type SimdOp } from "../wasmCode/encoding";

const F32X4: Record<OpName, SimdOp> = {
  abs: "f32x4Abs",
  neg: "f32x4Neg",
  sqrt: "f32x4Sqrt",
  add: "f32x4Add",
  sub: "f32x4Sub",
  mul: "f32x4Mul",
  div: "f32x4Div",
  minimum: "f32x4Min",
  maximum: "f32x4Max",
  square: "f32x4Mul", // x·x
};
const F32_SCALAR: Record<OpName, number> = {
  abs: 0x8b,
  neg: 0x8c,
  sqrt: 0x91,
  add: 0x92,
  sub: 0x93,
  mul: 0x94,
  div: 0x95,
  minimum: 0x96,
  maximum: 0x97,
  square: 0x94,
};

// i8x16.shuffle (after the 0xfd prefix) with lanes 8…15 twice: a vector's high two floats in its low half.
const HIGH_HALF_SHUFFLE = [0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * The module's bytes for `program`; `squared` lists the values (inputs or results) whose Σ x² the
 * function returns, in that order.
 */
export function simdModuleBytes(program: Program, sharedMemory = false, squared: readonly number[] = []): Uint8Array {
  const k = program.inputs;
  const s = program.scalars;
  const values = k + program.instructions.length;
  const f = new WasmFunction();
  const inPtr = f.localArrayOfParams(I32, k);
  const outPtr = f.localArrayOfParams(I32, program.outputs.length);
  const scalarParam = f.localArrayOfParams(F32, s);
  const n = f.param(I32);
  // j: byte offset of the current element; end4, endAll: where the 4-wide and the scalar loops stop.
  const [j, end4, endAll] = f.localArray(I32, 3);
  const splat = f.localArray(V128, s);
  const vec = f.localArray(V128, values);
  const flt = f.localArray(F32, values);
  // Per squared value: four f64x2 accumulators (wasmSumOfSquares' a0…a3) and the scalar sum.
  const accumulators = squared.map(() => f.localArray(V128, 4));
  const sums = f.localArray(F64, squared.length);
  const [pair, narrow] = [f.local(V128), f.local(F64)];

  // endAll = n·4; end4 = (n & ~3)·4 (byte offsets).
  f.get(n).i32(2).op(OP.i32Shl).set(endAll);
  f.get(n).i32(-4).op(OP.i32And).i32(2).op(OP.i32Shl).set(end4);
  for (let i = 0; i < s; i++) f.get(scalarParam[i]).simd("f32x4Splat").set(splat[i]);

  const emitLoop = (limit: number, step: number, body: () => void) =>
    f.block(() =>
      f.loop(() => {
        f.get(j).get(limit).op(OP.i32GeU, OP.brIf, 1);
        body();
        f.get(j).i32(step).op(OP.i32Add).set(j);
        f.op(OP.br, 0);
      }),
    );

  // offset: bytes past j (the second vector of an eight-element iteration).
  const emitBody = (wide: boolean, offset = 0) => {
    const value = wide ? vec : flt;
    const at = memarg(offset);
    for (let i = 0; i < k; i++) {
      f.get(inPtr[i]).get(j).op(OP.i32Add);
      if (wide) f.simd("v128Load", ...at);
      else f.op(OP.f32Load, ...at);
      f.set(value[i]);
    }
    program.instructions.forEach((ins, i) => {
      for (const arg of ins.op === "square" ? [ins.args[0], ins.args[0]] : ins.args) {
        if (arg.kind === "value") f.get(value[arg.index]);
        else f.get(wide ? splat[arg.index] : scalarParam[arg.index]);
      }
      if (isUnary(ins.op) !== (ins.args.length === 1))
        throw new Error(`elementwise: ${ins.op} got ${ins.args.length} operands`);
      if (wide) f.simd(F32X4[ins.op]);
      else f.op(F32_SCALAR[ins.op]);
      f.set(value[k + i]);
    });
    program.outputs.forEach((v, out) => {
      f.get(outPtr[out]).get(j).op(OP.i32Add).get(value[v]);
      if (wide) f.simd("v128Store", ...at);
      else f.op(OP.f32Store, ...at);
    });
    squared.forEach((v, s) => {
      if (!wide) {
        // sum += x² in doubles, as wasmSumOfSquares' tail.
        f.get(value[v]).op(OP.f64PromoteF32).tee(narrow);
        f.get(narrow).op(OP.f64Mul).get(sums[s]).op(OP.f64Add).set(sums[s]);
        return;
      }
      // The vector at 8m (offset 0) feeds a0 (low pair) and a1 (high pair); the one at 8m + 4, a2 and a3.
      const [low, high] = offset === 0 ? [0, 1] : [2, 3];
      const acc = accumulators[s];
      f.get(value[v]).simd("f64x2PromoteLowF32x4").tee(pair);
      f.get(pair).simd("f64x2Mul").get(acc[low]).simd("f64x2Add").set(acc[low]);
      f.get(value[v])
        .get(value[v])
        .op(OP.simdPrefix, ...HIGH_HALF_SHUFFLE);
      f.simd("f64x2PromoteLowF32x4").tee(pair);
      f.get(pair).simd("f64x2Mul").get(acc[high]).simd("f64x2Add").set(acc[high]);
    });
  };

  if (squared.length === 0) {
    emitLoop(end4, 16, () => emitBody(true));
  } else {
    // Eight elements per iteration (end8 reuses end4), then each value's accumulators summed as
    // wasmSumOfSquares sums them: (a0 + a1) + (a2 + a3), then lane 0 + lane 1.
    f.get(n).i32(-8).op(OP.i32And).i32(2).op(OP.i32Shl).set(end4);
    emitLoop(end4, 32, () => {
      emitBody(true, 0);
      emitBody(true, 16);
    });
    squared.forEach((_, s) => {
      const [a0, a1, a2, a3] = accumulators[s];
      f.get(a0).get(a1).simd("f64x2Add").get(a2).get(a3).simd("f64x2Add").simd("f64x2Add").tee(pair);
      f.simd("f64x2ExtractLane", 0).get(pair).simd("f64x2ExtractLane", 1).op(OP.f64Add).set(sums[s]);
    });
  }
  emitLoop(endAll, 4, () => emitBody(false));
  for (const sum of sums) f.get(sum);
  return f.moduleBytes(
    "run",
    squared.map(() => F64),
    sharedMemory,
  );
}

/**
 * (input pointers…, output pointers…, scalars…, n) on the imported memory; returns nothing, the
 * one sum, or the sums in an array, as 0, 1 or more values are squared.
 */
export type SimdRun = (...args: number[]) => void | number | number[];

const runs = new BoundFunctions<SimdRun>("run");

/** The modules' keys with squared values, by program and squared list (built once, not per step). */
const squaredKeys = new WeakMap<Program, Map<string, string>>();

/** The SIMD function of `program` bound to `memory`, compiled once per program structure (and squared values) and memory. */
export function simdRunFor(program: Program, memory: WebAssembly.Memory, squared?: SquaredValues): SimdRun {
  if (squared === undefined || squared.values.length === 0)
    return runs.get(memory, program.key, (shared) => simdModuleBytes(program, shared));
  let keys = squaredKeys.get(program);
  if (keys === undefined) squaredKeys.set(program, (keys = new Map<string, string>()));
  let key = keys.get(squared.key);
  if (key === undefined) keys.set(squared.key, (key = `${program.key}|squares ${squared.key}`));
  return runs.get(memory, key, (shared) => simdModuleBytes(program, shared, squared.values));
}

/** Values of a program whose Σ x² a run returns, and their list as a key. */
export interface SquaredValues {
  readonly values: readonly number[];
  readonly key: string;
}
