/**
 * Compiles a {@link Program} into a tiny WebAssembly module that runs it with 128-bit SIMD
 * (four floats per instruction) directly on tfjs-backend-wasm's heap: the module imports the
 * backend's own `WebAssembly.Memory`, so tensors are read and written where they live.
 *
 * WebAssembly's f32 and f32x4 arithmetic is IEEE-754 single precision (correctly rounded +, −,
 * ×, ÷, √), the same arithmetic as the backend's C++ kernels, so the fused loop is bit-identical
 * to running the ops one by one. A scalar loop handles the last n mod 4 elements.
 *
 * Function signature: (inputPtr…, outputPtr…, scalar f32…, n i32) → ().
 */
import { isUnary, type OpName, type Program } from "./program";
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { F32, I32, OP, V128, type SimdOp } from "../wasmCode/encoding";

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

/** The module's bytes for `program`. */
export function simdModuleBytes(program: Program, sharedMemory = false): Uint8Array {
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
  const load = memarg(0);

  // endAll = n·4; end4 = (n & ~3)·4 (byte offsets).
  f.get(n).i32(2).op(OP.i32Shl).set(endAll);
  f.get(n).i32(-4).op(OP.i32And).i32(2).op(OP.i32Shl).set(end4);
  for (let i = 0; i < s; i++) f.get(scalarParam[i]).simd("f32x4Splat").set(splat[i]);

  const emitLoop = (limit: number, step: number, body: () => void) =>
    f.block(() =>
      f.loop(() => {
        f.get(j).get(limit).op(OP.i32GeU, OP.brIf, 1);
        body();
        f.addTo(j, step);
        f.op(OP.br, 0);
      }),
    );

  const emitBody = (wide: boolean) => {
    const value = wide ? vec : flt;
    for (let i = 0; i < k; i++) {
      f.get(inPtr[i]).get(j).op(OP.i32Add);
      if (wide) f.simd("v128Load", ...load);
      else f.op(OP.f32Load, ...load);
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
      if (wide) f.simd("v128Store", ...load);
      else f.op(OP.f32Store, ...load);
    });
  };

  emitLoop(end4, 16, () => emitBody(true));
  emitLoop(endAll, 4, () => emitBody(false));
  return f.moduleBytes("run", [], sharedMemory);
}

/** (input pointers…, output pointers…, scalars…, n) on the imported memory. */
export type SimdRun = (...args: number[]) => void;

const runs = new BoundFunctions<SimdRun>("run");

/** The compiled module behind {@link simdRunFor} (for workers that instantiate it on the same memory). */
export function simdModuleFor(program: Program, memory: WebAssembly.Memory): WebAssembly.Module {
  return runs.module(memory, program.key, (shared) => simdModuleBytes(program, shared));
}

/** The SIMD function of `program` bound to `memory`, compiled once per program structure and memory. */
export function simdRunFor(program: Program, memory: WebAssembly.Memory): SimdRun {
  return runs.get(memory, program.key, (shared) => simdModuleBytes(program, shared));
}
