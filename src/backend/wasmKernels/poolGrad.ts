/**
 * What the two pooling gradients share: the NHWC geometry as plain numbers, and the kernel wrapper
 * that reads the attributes, allocates dx on the wasm heap and hands typed-array views to a
 * standalone backprop loop (maxPoolGrad.ts, avgPoolGrad.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import type { KernelOverride } from "./registry";
import { f32View, tensorData, wasmMemory, type WasmBackend } from "./wasmBackend";

/** NHWC pooling geometry, as plain numbers (a flat record keeps the hot loops monomorphic). */
export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  windowHeight: number;
  windowWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** Where the three tensors lie on the wasm heap, for generated code that works on them in place. */
export interface PoolHeap {
  /** The backend's memory; undefined where the build exposes none (then use the views). */
  memory: WebAssembly.Memory | undefined;
  x: number;
  grad: number;
  dx: number;
}

/** dx from the forward input `x`, the output gradient and the geometry (dx is written in full). */
export type PoolBackprop = (
  x: Float32Array,
  grad: Float32Array,
  dx: Float32Array,
  geometry: PoolGeometry,
  heap?: PoolHeap,
) => void;

/** The pooling geometry of an NHWC input of `shape` under a pooling kernel's attrs (tfjs's own computation). */
export function pool2DInfo(shape: readonly number[], attrs: NamedAttrMap): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
}

/** A float32 pooling-gradient kernel over `backprop`; other dtypes go to tfjs's original kernel. */
export function poolGradOverride(kernelName: string, backprop: PoolBackprop): KernelOverride {
  return {
    kernelName,
    make(original) {
      return (args) => {
        const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
        const attrs = args.attrs as NamedAttrMap;
        const backend = args.backend as unknown as WasmBackend;
        if (input.dtype !== "float32" && original !== undefined) return original.kernelFunc(args);
        const pool = pool2DInfo(input.shape, attrs);
        const out = backend.makeOutput(input.shape, "float32");
        const heap: PoolHeap = {
          memory: wasmMemory(backend),
          x: tensorData(backend, input).memoryOffset,
          grad: tensorData(backend, dy).memoryOffset,
          dx: tensorData(backend, out).memoryOffset,
        };
        const geometry: PoolGeometry = {
          batch: pool.batchSize,
          inHeight: pool.inHeight,
          inWidth: pool.inWidth,
          channels: pool.inChannels,
          outHeight: pool.outHeight,
          outWidth: pool.outWidth,
          windowHeight: pool.effectiveFilterHeight,
          windowWidth: pool.effectiveFilterWidth,
          strideHeight: pool.strideHeight,
          strideWidth: pool.strideWidth,
          padTop: pool.padInfo.top,
          padLeft: pool.padInfo.left,
        };
        backprop(f32View(backend, input), f32View(backend, dy), f32View(backend, out), geometry, heap);
        return out;
      };
    },
  };
}
