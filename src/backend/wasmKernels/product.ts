/**
 * The generated SIMD product (wasmCode/gemm.ts, split over threads by wasmCode/gemmThreads.ts) on
 * the wasm backend's tensors. It needs scratch memory for its step lists (4 bytes per step of the
 * sum, see gemm.ts, "Zeros in A"): one block of the backend's heap, allocated with Emscripten's
 * `malloc` on first use and kept per backend (no tensor record, so it never shows as a leaked
 * buffer), enlarged when a product needs more. Only the calling thread runs products on a
 * backend, and the chunks of a split product use disjoint parts of the block.
 */
import { gemmScratchBytes, runGemm } from "../wasmCode/gemmThreads";
import type { ALayout } from "../wasmCode/gemm";
import type { WasmBackend } from "./wasmBackend";

const scratch = new WeakMap<WasmBackend, { pointer: number; bytes: number }>();

/** A pointer to at least `bytes` bytes of scratch on `backend`'s heap (0 when none are needed). */
function scratchOn(backend: WasmBackend, bytes: number): number {
  if (bytes === 0) return 0;
  const held = scratch.get(backend);
  if (held !== undefined && held.bytes >= bytes) return held.pointer;
  if (held !== undefined) backend.wasm._free(held.pointer);
  scratch.delete(backend);
  const size = Math.max(bytes, 2 * (held?.bytes ?? 0));
  const pointer = backend.wasm._malloc(size);
  if (pointer === 0)
    throw new Error(
      `wasm kernel: the matrix product could not allocate ${size} bytes of scratch memory on the wasm heap`,
    );
  scratch.set(backend, { pointer, bytes: size });
  return pointer;
}

/** C[m×n] = A·B at the byte offsets a, b, c of `backend`'s heap (A [m×k] "rows" or [k×m] "columns", B [k×n]). */
export function runProduct(
  backend: WasmBackend,
  memory: WebAssembly.Memory,
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  a: number,
  b: number,
  c: number,
): void {
  runGemm(memory, m, k, n, layout, a, b, c, scratchOn(backend, gemmScratchBytes(memory, m, k, n)));
}
