/**
 * GatherV2 for wasm that copies whole rows.
 *
 * `model.fit` picks every shuffled batch with a gather along axis 0. The wasm C++ gather computes
 * an index per element (~3 ms for 64 MNIST rows); here each gathered slice (a row of 784 floats)
 * is one `set` on a heap view. Bounds are checked first, with the original's message.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import type { KernelOverride } from "./registry";
import { tensorData, type WasmBackend } from "./wasmBackend";

type Numeric = Float32Array | Int32Array | Uint8Array;

function view(backend: WasmBackend, info: TensorInfo): Numeric {
  const { memoryOffset } = tensorData(backend, info);
  const buffer = backend.wasm.HEAPU8.buffer;
  const size = tf.util.sizeFromShape(info.shape);
  if (info.dtype === "int32") return new Int32Array(buffer, memoryOffset, size);
  if (info.dtype === "bool") return new Uint8Array(buffer, memoryOffset, size);
  return new Float32Array(buffer, memoryOffset, size);
}

export function gatherIndexMessage(index: number, axisSize: number): string {
  return `GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`;
}

export const gatherOverride: KernelOverride = {
  kernelName: tf.GatherV2,
  make(original) {
    return (args) => {
      const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      const numeric = x.dtype === "float32" || x.dtype === "int32" || x.dtype === "bool";
      if (!numeric || indices.dtype !== "int32") {
        if (original === undefined) throw new Error(`GatherV2: dtype ${x.dtype} is not supported on wasm`);
        return original.kernelFunc(args);
      }
      const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
      const batchDims = (attrs.batchDims as number | undefined) ?? 0;
      const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, batchDims);
      const axisSize = x.shape[axis];
      const idx = view(backend, indices) as Int32Array;
      for (let i = 0; i < idx.length; i++) {
        if (idx[i] < 0 || idx[i] > axisSize - 1) throw new Error(gatherIndexMessage(idx[i], axisSize));
      }
      const out = backend.makeOutput(info.outputShape, x.dtype);
      const count = tf.util.sizeFromShape(info.outputShape);
      if (count === 0) return out;
      // Views after makeOutput, which may grow the heap.
      const source = view(backend, x);
      const index = view(backend, indices) as Int32Array;
      const target = view(backend, out);
      const { batchSize, outerSize, dimSize, sliceSize } = info;
      const perBatch = index.length / batchSize;
      let w = 0;
      for (let b = 0; b < batchSize; b++) {
        for (let o = 0; o < outerSize; o++) {
          const base = (b * outerSize + o) * dimSize;
          for (let i = 0; i < perBatch; i++) {
            const from = (base + index[b * perBatch + i]) * sliceSize;
            if (sliceSize === 1) target[w] = source[from];
            else target.set(source.subarray(from, from + sliceSize), w);
            w += sliceSize;
          }
        }
      }
      return out;
    };
  },
};
