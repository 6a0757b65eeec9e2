/**
 * A dense layer's bias add and ReLU over its output rows, in place, as generated SIMD code: for
 * each row, h = h + b, then h = h where h > 0 or h is NaN (tfjs's Relu keeps NaN), else +0 —
 * element by element the float32 arithmetic of tfjs's Add then Relu, so the same bits. The rows
 * lie `rowStride` floats apart and the function covers `channels` of them from the pointer on
 * (the hidden-unit split, train/unitSplitStep.ts, runs it on its units' columns of the hidden layer).
 *
 * Function: run(h byte offset, b byte offset, rows ≥ 1).
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, V128 } from "../wasmCode/encoding";
import { SIMD_OP, channelChunks, loadLanes, simdOp, storeLanes } from "./simdLanes";

export type BiasRelu = (h: number, b: number, rows: number) => void;

/** Channel counts above this take a JavaScript loop (the generated code is unrolled over channels). */
const MAX_BIAS_RELU_CHANNELS = 256;

export function biasReluModuleBytes(channels: number, rowStride: number, sharedMemory: boolean): Uint8Array {
  const f = new WasmFunction();
  const h = f.param(I32);
  const b = f.param(I32);
  const rows = f.param(I32);
  const chunks = channelChunks(channels);
  const [z, zero] = f.localArray(V128, 2); // zero-initialised
  const simd = (opcode: number) => simdOp(f, opcode);
  f.loop(() => {
    for (const { offset, lanes } of chunks) {
      const at = offset * 4;
      // z = h + b
      f.get(h);
      loadLanes(f, lanes, at);
      f.get(b);
      loadLanes(f, lanes, at);
      simd(SIMD_OP.f32x4Add);
      f.set(z);
      // h = (z > 0 | z ≠ z) ? z : 0
      f.get(h);
      f.get(z).get(zero).get(z).get(zero);
      simd(SIMD_OP.f32x4Gt);
      f.get(z).get(z);
      simd(SIMD_OP.f32x4Ne);
      simd(SIMD_OP.or);
      simd(SIMD_OP.bitselect);
      storeLanes(f, lanes, at);
    }
    f.addTo(h, rowStride * 4);
    f.countDownAndRepeat(rows);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const compiled = new BoundFunctions<BiasRelu>("run");

/** The compiled module for `channels` of rows `rowStride` floats apart (compiled once); undefined for more channels than it unrolls. */
export function biasReluModuleOn(
  memory: WebAssembly.Memory,
  channels: number,
  rowStride: number,
): WebAssembly.Module | undefined {
  if (channels > MAX_BIAS_RELU_CHANNELS) return undefined;
  return compiled.module(memory, `${channels}/${rowStride}`, (shared) =>
    biasReluModuleBytes(channels, rowStride, shared),
  );
}
