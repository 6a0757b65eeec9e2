/**
 * MaxPool for wasm: 2×2 windows at stride 2 without padding (LeNet's pools) on generated SIMD code
 * (maxPool2x2Simd.ts: LeNet's first pool 0.22 → 0.03 ms at batch 64, the cpu backend's bits);
 * every other window, dtype or data format goes to tfjs's own kernel (XNNPACK), which also checks
 * the inputs and throws its messages.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { maxPool2x2Run } from "./maxPool2x2Simd";
import { pool2DInfo } from "./poolGrad";
import type { KernelOverride } from "./registry";
import { tensorData, wasmMemory, type WasmBackend } from "./wasmBackend";

/** y on the SIMD pass, or undefined where it does not apply. */
function maxPool2x2(backend: WasmBackend, x: TensorInfo, attrs: NamedAttrMap): TensorInfo | undefined {
  if (x.dtype !== "float32" || x.shape.length !== 4) return undefined;
  const pool = pool2DInfo(x.shape, attrs);
  const windows2x2 =
    pool.filterHeight === 2 && pool.filterWidth === 2 && pool.strideHeight === 2 && pool.strideWidth === 2;
  const unpadded = pool.padInfo.top === 0 && pool.padInfo.left === 0;
  const inside = 2 * pool.outHeight <= pool.inHeight && 2 * pool.outWidth <= pool.inWidth;
  if (!windows2x2 || !unpadded || !inside || pool.dataFormat !== "channelsLast") return undefined;
  const memory = wasmMemory(backend);
  const run = memory === undefined ? undefined : maxPool2x2Run(memory, pool.inWidth, pool.inChannels);
  if (run === undefined) return undefined;
  const out = backend.makeOutput([...pool.outShape], "float32");
  if (pool.batchSize * pool.outHeight * pool.outWidth * pool.inChannels > 0) {
    const [xAt, yAt] = [tensorData(backend, x).memoryOffset, tensorData(backend, out).memoryOffset];
    if (pool.inHeight === 2 * pool.outHeight) {
      run(xAt, yAt, pool.batchSize * pool.outHeight, pool.outWidth);
    } else {
      // An odd last row that no window covers: each image's window rows on their own.
      const xImage = pool.inHeight * pool.inWidth * pool.inChannels * 4;
      const yImage = pool.outHeight * pool.outWidth * pool.inChannels * 4;
      for (let b = 0; b < pool.batchSize; b++) run(xAt + b * xImage, yAt + b * yImage, pool.outHeight, pool.outWidth);
    }
  }
  return out;
}

export const maxPoolOverride: KernelOverride = {
  kernelName: tf.MaxPool,
  make(original) {
    return (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const out = maxPool2x2(args.backend as unknown as WasmBackend, x, args.attrs as NamedAttrMap);
      if (out !== undefined) return out;
      if (original === undefined) throw new Error(`wasm backend has no ${tf.MaxPool} kernel`);
      return original.kernelFunc(args);
    };
  },
};
