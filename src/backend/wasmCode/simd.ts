import { OP, moduleBytes } from "./encoding";

let supported: boolean | undefined;

/**
 * Whether this JavaScript engine runs WebAssembly SIMD (Node ≥ 16 does), checked once by
 * validating a function that makes one 128-bit constant. Without it the fused kernels use plain
 * JavaScript loops and the matmul override stays on XNNPACK.
 */
export function wasmSimdSupported(): boolean {
  if (supported === undefined) {
    const v128Const = [OP.simdPrefix, 0x0c, ...new Array<number>(16).fill(0)];
    const bytes = moduleBytes({ params: [], results: [], locals: [], body: [...v128Const, 0x1a /* drop */, OP.end], exportName: "probe" });
    try {
      supported = WebAssembly.validate(bytes);
    } catch {
      supported = false;
    }
  }
  return supported;
}
