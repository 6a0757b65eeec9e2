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
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { F32, I32, OP, V128, moduleBytes, signed, unsigned } from "../wasmCode/encoding";

const SIMD = { load: 0x00, store: 0x0b, splat: 0x13 } as const;
const F32X4: Record<OpName, number> = {
  abs: 0xe0,
  neg: 0xe1,
  sqrt: 0xe3,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  minimum: 0xe8,
  maximum: 0xe9,
  square: 0xe6, // x·x
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
export function simdModuleBytes(program: Program): Uint8Array {
  const k = program.inputs;
  const o = program.outputs.length;
  const s = program.scalars;
  const values = k + program.instructions.length;
  // Parameters, then locals: j, end4, endAll (i32); scalar splats and values (v128); values (f32).
  const inPtr = (i: number) => i;
  const outPtr = (i: number) => k + i;
  const scalarParam = (i: number) => k + o + i;
  const n = k + o + s;
  const j = n + 1;
  const end4 = n + 2;
  const endAll = n + 3;
  const splat = (i: number) => n + 4 + i;
  const vec = (v: number) => n + 4 + s + v;
  const flt = (v: number) => n + 4 + s + values + v;

  const code: number[] = [];
  const get = (local: number) => code.push(OP.localGet, ...unsigned(local));
  const set = (local: number) => code.push(OP.localSet, ...unsigned(local));
  const simd = (opcode: number, ...immediates: number[]) =>
    code.push(OP.simdPrefix, ...unsigned(opcode), ...immediates);
  const memarg = [2, 0]; // align 2^2, offset 0

  // endAll = n·4; end4 = (n & ~3)·4 (byte offsets).
  (get(n), code.push(OP.i32Const, ...signed(2), OP.i32Shl), set(endAll));
  (get(n), code.push(OP.i32Const, ...signed(-4), OP.i32And, OP.i32Const, ...signed(2), OP.i32Shl), set(end4));
  for (let i = 0; i < s; i++) (get(scalarParam(i)), simd(SIMD.splat), set(splat(i)));

  const emitLoop = (limit: number, step: number, body: () => void) => {
    code.push(OP.block, OP.void, OP.loop, OP.void);
    (get(j), get(limit), code.push(OP.i32GeU, OP.brIf, 1));
    body();
    (get(j), code.push(OP.i32Const, ...signed(step), OP.i32Add), set(j));
    code.push(OP.br, 0, OP.end, OP.end);
  };

  const emitBody = (wide: boolean) => {
    const value = wide ? vec : flt;
    for (let i = 0; i < k; i++) {
      (get(inPtr(i)), get(j), code.push(OP.i32Add));
      if (wide) simd(SIMD.load, ...memarg);
      else code.push(OP.f32Load, ...memarg);
      set(value(i));
    }
    program.instructions.forEach((ins, i) => {
      for (const arg of ins.op === "square" ? [ins.args[0], ins.args[0]] : ins.args) {
        if (arg.kind === "value") get(value(arg.index));
        else get(wide ? splat(arg.index) : scalarParam(arg.index));
      }
      if (isUnary(ins.op) !== (ins.args.length === 1))
        throw new Error(`elementwise: ${ins.op} got ${ins.args.length} operands`);
      if (wide) simd(F32X4[ins.op]);
      else code.push(F32_SCALAR[ins.op]);
      set(value(k + i));
    });
    program.outputs.forEach((v, out) => {
      (get(outPtr(out)), get(j), code.push(OP.i32Add), get(value(v)));
      if (wide) simd(SIMD.store, ...memarg);
      else code.push(OP.f32Store, ...memarg);
    });
  };

  emitLoop(end4, 16, () => emitBody(true));
  emitLoop(endAll, 4, () => emitBody(false));
  code.push(OP.end);

  const locals: Array<[number, number]> = [
    [3, I32],
    [s + values, V128],
    [values, F32],
  ];
  const params = [...new Array<number>(k + o).fill(I32), ...new Array<number>(s).fill(F32), I32];

  return moduleBytes({ params, results: [], locals, body: code, exportName: "run" });
}

/** (input pointers…, output pointers…, scalars…, n) on the imported memory. */
export type SimdRun = (...args: number[]) => void;

const runs = new BoundFunctions<SimdRun>("run");

/** The SIMD function of `program` bound to `memory`, compiled once per program structure and memory. */
export function simdRunFor(program: Program, memory: WebAssembly.Memory): SimdRun {
  return runs.get(memory, program.key, () => simdModuleBytes(program));
}
