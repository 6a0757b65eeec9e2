/**
 * What the generated channels-last kernels share (max-pool gradient, ReLU + bias gradient, im2col,
 * col2im, the planar filter gradient): the SIMD opcodes they use beyond encoding.ts's table, and
 * runs of channels split into chunks of 4, 2 and 1 lanes, loaded and stored as whole vectors,
 * 64-bit halves or single floats, so any channel count works without a scalar tail loop.
 */
import type { WasmFunction } from "../wasmCode/assembler";
import { memarg } from "../wasmCode/assembler";
import { OP, unsigned } from "../wasmCode/encoding";

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD_OP = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  f32x4ExtractLane: 0x1f,
  f32x4Ne: 0x42,
  f32x4Gt: 0x44,
  and: 0x4e,
  andNot: 0x4f,
  or: 0x50,
  bitselect: 0x52,
  store32Lane: 0x5a,
  store64Lane: 0x5b,
  load32Zero: 0x5c,
  load64Zero: 0x5d,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const;

/** Emits the SIMD instruction `opcode` with its immediates. */
export function simdOp(f: WasmFunction, opcode: number, ...immediates: number[]): WasmFunction {
  return f.op(OP.simdPrefix, ...unsigned(opcode), ...immediates);
}

/** Emits `v128.const` with `value` in every lane. */
export function f32x4Const(f: WasmFunction, value: number): WasmFunction {
  return simdOp(f, SIMD_OP.const, ...new Uint8Array(new Float32Array([value, value, value, value]).buffer));
}

export type Lanes = 4 | 2 | 1;

/** A run of `channels` floats as chunks: first channel of each and its lane count. */
export function channelChunks(channels: number): Array<{ offset: number; lanes: Lanes }> {
  const chunks: Array<{ offset: number; lanes: Lanes }> = [];
  for (let k = 0; k < channels;) {
    const lanes: Lanes = channels - k >= 4 ? 4 : channels - k >= 2 ? 2 : 1;
    chunks.push({ offset: k, lanes });
    k += lanes;
  }
  return chunks;
}

/** Loads `lanes` floats at address + byteOffset (the address is on the stack); other lanes are 0. */
export function loadLanes(f: WasmFunction, lanes: Lanes, byteOffset: number): WasmFunction {
  const opcode = lanes === 4 ? SIMD_OP.load : lanes === 2 ? SIMD_OP.load64Zero : SIMD_OP.load32Zero;
  return simdOp(f, opcode, ...memarg(byteOffset, 2));
}

/** Stores the first `lanes` floats of the vector at address + byteOffset (address, vector on the stack). */
export function storeLanes(f: WasmFunction, lanes: Lanes, byteOffset: number): WasmFunction {
  if (lanes === 4) return simdOp(f, SIMD_OP.store, ...memarg(byteOffset, 2));
  return simdOp(f, lanes === 2 ? SIMD_OP.store64Lane : SIMD_OP.store32Lane, ...memarg(byteOffset, 2), 0);
}
