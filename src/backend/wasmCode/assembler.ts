/**
 * A tiny assembler for the one-function modules the wasm kernels generate: parameters and locals
 * are declared by name (each call returns the index to use), instructions are emitted by chained
 * calls, and `block`/`loop` take their bodies as callbacks so nesting and `end`s cannot drift.
 *
 *   const f = new WasmFunction();
 *   const ptr = f.param(I32), n = f.param(I32);
 *   const end = f.local(I32);
 *   f.get(ptr).get(n).i32(2).op(OP.i32Shl, OP.i32Add).set(end);
 *   f.loop(() => …);
 *   f.moduleBytes("run", []);
 */
import { OP, SIMD, moduleBytes, signed, unsigned, type SimdOp } from "./encoding";

/** Memory immediate of a 4-byte-aligned access at `offset`. */
export function memarg(offset: number, alignLog2 = 2): number[] {
  return [alignLog2, ...unsigned(offset)];
}

export class WasmFunction {
  private readonly params: number[] = [];
  private readonly locals: number[] = [];
  /** The instructions emitted so far (without the function's final `end`). */
  readonly code: number[] = [];

  /** Declares the next parameter; all parameters come before the first local. */
  param(type: number): number {
    if (this.locals.length > 0) throw new Error("WasmFunction: parameters must be declared before locals");
    this.params.push(type);
    return this.params.length - 1;
  }

  /** Declares `count` parameters of `type`; returns their indices. */
  localArrayOfParams(type: number, count: number): number[] {
    return Array.from({ length: count }, () => this.param(type));
  }

  /** Declares a local of `type`; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /** Declares `count` locals of `type`; returns their indices. */
  localArray(type: number, count: number): number[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  /** Raw core opcodes (and their immediates). */
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(local: number): this {
    return this.op(OP.localGet, ...unsigned(local));
  }

  set(local: number): this {
    return this.op(OP.localSet, ...unsigned(local));
  }

  tee(local: number): this {
    return this.op(OP.localTee, ...unsigned(local));
  }

  i32(value: number): this {
    return this.op(OP.i32Const, ...signed(value));
  }

  /** `f32.const 0`. */
  f32Zero(): this {
    return this.op(OP.f32Const, 0, 0, 0, 0);
  }

  simd(name: SimdOp, ...immediates: number[]): this {
    return this.op(OP.simdPrefix, ...unsigned(SIMD[name]), ...immediates);
  }

  /** `block … end` (a `br 0` inside leaves it). */
  block(body: () => void): this {
    this.op(OP.block, OP.void);
    body();
    return this.op(OP.end);
  }

  /** `if … end` on the i32 on the stack (non-zero: `then`). */
  ifThen(then: () => void): this {
    this.op(OP.if, OP.void);
    then();
    return this.op(OP.end);
  }

  /** `if … else … end` on the i32 on the stack (non-zero: `then`). */
  ifElse(then: () => void, otherwise: () => void): this {
    this.op(OP.if, OP.void);
    then();
    this.op(OP.else);
    otherwise();
    return this.op(OP.end);
  }

  /** `local += value` (an i32 pointer or counter moved on). */
  addTo(local: number, value: number): this {
    return this.get(local).i32(value).op(OP.i32Add).set(local);
  }

  /** The tail of a counted `loop`: `local -= 1`, then repeat the loop while it is not 0. */
  countDownAndRepeat(local: number): this {
    return this.get(local).i32(-1).op(OP.i32Add).tee(local).op(OP.brIf, 0);
  }

  /** `loop … end` (a `br 0` inside repeats it). */
  loop(body: () => void): this {
    this.op(OP.loop, OP.void);
    body();
    return this.op(OP.end);
  }

  /** The module exporting this function as `exportName`, on the imported `env.memory` (shared or not). */
  moduleBytes(exportName: string, results: number[], sharedMemory = false): Uint8Array {
    const groups: Array<[number, number]> = [];
    for (const type of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    return moduleBytes({
      params: this.params,
      results,
      locals: groups,
      body: [...this.code, OP.end],
      exportName,
      sharedMemory,
    });
  }
}
