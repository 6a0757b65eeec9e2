/**
 * Column sums of a channels-last map as generated SIMD code: db[c] = Σ_positions x[p, c], one
 * float32 running sum per channel in the vector lanes (channels in chunks of 4, then 2, then 1),
 * positions added in order from +0 — the order and rounding of reluBiasGrad.ts's bias sums and of
 * the wasm column sum (fused/columnSum.ts), so the same bits. `fit`'s convolution split
 * (train/convSplitStep.ts) computes a bias gradient here once every thread has written its
 * examples' part of dz: a float32 running sum cannot be cut into per-thread parts and stay the same.
 *
 * Function: run(x byte offset, db byte offset, positions ≥ 1).
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, V128 } from "../wasmCode/encoding";
import { SIMD_OP, channelChunks, loadLanes, simdOp, storeLanes } from "./simdLanes";

export type ColumnSums = (x: number, db: number, positions: number) => void;

/** Channel counts above this are not generated (the code is unrolled over the channels). */
export const MAX_COLUMN_SUM_CHANNELS = 256;

export function columnSumsModuleBytes(channels: number, sharedMemory: boolean): Uint8Array {
  const f = new WasmFunction();
  const x = f.param(I32);
  const db = f.param(I32);
  const positions = f.param(I32);
  const chunks = channelChunks(channels);
  const sums = f.localArray(V128, chunks.length); // zero-initialised
  f.loop(() => {
    chunks.forEach(({ offset, lanes }, i) => {
      f.get(sums[i]).get(x);
      loadLanes(f, lanes, offset * 4);
      simdOp(f, SIMD_OP.f32x4Add);
      f.set(sums[i]);
    });
    f.addTo(x, channels * 4);
    f.countDownAndRepeat(positions);
  });
  chunks.forEach(({ offset, lanes }, i) => {
    f.get(db).get(sums[i]);
    storeLanes(f, lanes, offset * 4);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const compiled = new BoundFunctions<ColumnSums>("run");

/** The compiled module for `channels` channels (compiled once); undefined above {@link MAX_COLUMN_SUM_CHANNELS}. */
export function columnSumsModuleOn(memory: WebAssembly.Memory, channels: number): WebAssembly.Module | undefined {
  if (channels > MAX_COLUMN_SUM_CHANNELS) return undefined;
  return compiled.module(memory, String(channels), (shared) => columnSumsModuleBytes(channels, shared));
}
