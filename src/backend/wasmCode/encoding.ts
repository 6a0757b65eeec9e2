/**
 * The few pieces of the WebAssembly binary format that the fused kernels need to emit a module
 * with one exported function working on an imported memory (`env.memory`).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Opcodes used by the fused kernels (core instructions; SIMD ones follow the 0xfd prefix). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  f32Load: 0x2a,
  f32Store: 0x38,
  f32Const: 0x43,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32Sub: 0x6b,
  f32Add: 0x92,
  f32Mul: 0x94,
  f64Add: 0xa0,
  f64Mul: 0xa2,
  f64PromoteF32: 0xbb,
  drop: 0x1a,
  /** Block type of a block or loop without results. */
  void: 0x40,
  simdPrefix: 0xfd,
} as const;

/**
 * The SIMD instructions the generated kernels use: their opcode after the 0xfd prefix (written as
 * unsigned LEB128), one table for every kernel.
 */
export const SIMD = {
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f32x4Splat: 0x13,
  i32x4Eq: 0x37,
  v128And: 0x4e,
  v128Or: 0x50,
  v128AnyTrue: 0x53,
  f64x2ExtractLane: 0x21,
  v128Load64Zero: 0x5d,
  f64x2PromoteLowF32x4: 0x5f,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
  /** Relaxed SIMD: a·b + c, fused or not as the engine and CPU choose (see simd.ts). */
  f32x4RelaxedMadd: 0x105,
} as const;

export type SimdOp = keyof typeof SIMD;

export function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export function signed(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

export interface FunctionSpec {
  params: number[];
  results: number[];
  /** Local declarations after the parameters: [count, type] groups. */
  locals: Array<[number, number]>;
  /** The instructions, ending with the function's `end`. */
  body: number[];
  exportName: string;
  /**
   * Import `env.memory` as shared (tfjs's threaded build): an import must declare the memory's
   * `shared` flag exactly, and a shared memory needs a maximum (4 GiB covers any).
   */
  sharedMemory?: boolean;
}

/** Limits of the imported memory: at least 0 pages; shared ones up to 65536 pages (4 GiB). */
function memoryLimits(shared: boolean): number[] {
  return shared ? [0x03, ...unsigned(0), ...unsigned(65536)] : [0x00, ...unsigned(0)];
}

/** A module that imports `env.memory` and exports one function. */
export function moduleBytes(fn: FunctionSpec): Uint8Array {
  const locals = vector(fn.locals.filter(([count]) => count > 0).map(([count, type]) => [...unsigned(count), type]));
  const funcBody = [...locals, ...fn.body];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector([[0x60, ...vector(fn.params.map((p) => [p])), ...vector(fn.results.map((r) => [r]))]])),
    ...section(2, vector([[...name("env"), ...name("memory"), 0x02, ...memoryLimits(fn.sharedMemory ?? false)]])),
    ...section(3, vector([unsigned(0)])),
    ...section(7, vector([[...name(fn.exportName), 0x00, ...unsigned(0)]])),
    ...section(10, vector([[...unsigned(funcBody.length), ...funcBody]])),
  ]);
}
