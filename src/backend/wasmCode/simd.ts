import { OP, SIMD, moduleBytes, unsigned } from "./encoding";

let supported: boolean | undefined;
let relaxedSupported: boolean | undefined;
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

/**
 * Whether this engine runs relaxed SIMD (`f32x4.relaxed_madd`), checked once by validating a
 * function that uses it. Node 20 does only with `--experimental-wasm-relaxed-simd`; V8 ≥ 11.4
 * (Node ≥ 22) by default.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupported === undefined) {
    const zero = [OP.simdPrefix, SIMD.v128Const, ...new Array<number>(16).fill(0)];
    const bytes = moduleBytes({
      params: [],
      results: [],
      locals: [],
      body: [...zero, ...zero, ...zero, OP.simdPrefix, ...unsigned(SIMD.f32x4RelaxedMadd), OP.drop, OP.end],
      exportName: "probe",
    });
    try {
      relaxedSupported = WebAssembly.validate(bytes);
    } catch {
      relaxedSupported = false;
    }
  }
  return relaxedSupported;
}

/**
 * Whether the SIMD product accumulates with `f32x4.relaxed_madd` (fused multiply-add): only when
 * `OPTIMLAB_FMA=1` and the engine has relaxed SIMD, else silently the separate multiply and add.
 * Off by default because relaxed_madd may or may not round once depending on the engine and the
 * CPU: results would stop being bit-identical to XNNPACK's and would differ between machines.
 */
export function gemmFmaEnabled(env?: NodeJS.ProcessEnv): boolean {
  if (env !== undefined) return env.OPTIMLAB_FMA?.trim() === "1" && relaxedSimdSupported();
  // Read once: every product asks, and process.env is a slow lookup (~16 µs per MLP step).
  return (fmaFromEnvironment ??= gemmFmaEnabled(process.env));
}

let fmaFromEnvironment: boolean | undefined;
