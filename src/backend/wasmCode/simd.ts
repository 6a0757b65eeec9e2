import { OP, SIMD, moduleBytes } from "./encoding";

let supported: boolean | undefined;
let disabled = false;

/**
 * Whether this JavaScript engine runs WebAssembly SIMD (Node ≥ 16 does), checked once by
 * validating a function that makes one 128-bit constant. Without it the fused kernels use plain
 * JavaScript loops and the matmul override stays on XNNPACK.
 */
export function wasmSimdSupported(): boolean {
  if (disabled) return false;
  if (supported === undefined) {
    const v128Const = [OP.simdPrefix, SIMD.v128Const, ...new Array<number>(16).fill(0)];
    const bytes = moduleBytes({
      params: [],
      results: [],
      locals: [],
      body: [...v128Const, OP.drop, OP.end],
      exportName: "probe",
    });
    try {
      supported = WebAssembly.validate(bytes);
    } catch {
      supported = false;
    }
  }
  return supported;
}

/**
 * Runs `fn` as on an engine without WebAssembly SIMD (the fused kernels take their JavaScript
 * loops, matmuls stay on XNNPACK): lets the tests check those paths on this machine.
 */
export function withoutWasmSimd<T>(fn: () => T): T {
  disabled = true;
  try {
    return fn();
  } finally {
    disabled = false;
  }
}
