/**
 * GatherV2 for wasm that copies whole rows.
 *
 * `train.fit`'s loader picks every shuffled batch with a gather along axis 0. The wasm C++ gather
 * computes an index per element (~3 ms for 64 MNIST rows); here the gathered slices (rows of 784
 * floats) are copied whole: by generated SIMD code that copies eight rows side by side
 * (gatherRowsSimd.ts: the rows of a shuffled batch wait on main memory, and eight streams in
 * flight copy faster than one memmove per row), or without SIMD by one `copyWithin` per slice.
 * Slices under 16 bytes (class labels) are copied element by element. Every axis and batch dim
 * takes the same walk over (batch, outer, index) slices. Bounds are checked first, with the
 * original's message.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import type { KernelOverride } from "./registry";
import { wasmSimdSupported } from "../wasmCode/simd";
import { GATHER_ROWS_MIN_BYTES, gatherRowsOn } from "./gatherRowsSimd";
import { tensorData, wasmMemory, type WasmBackend } from "./wasmBackend";

type Numeric = Float32Array | Int32Array | Uint8Array;

/** Bytes per element of the dtypes copied here. */
const BYTES = { float32: 4, int32: 4, bool: 1 } as const;

/** Without SIMD, slices shorter than this many bytes are copied element by element instead of by `copyWithin`. */
const ELEMENTWISE_BELOW_BYTES = 64;

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

/** How the gathered slices lie: `batchSize` × `outerSize` blocks of `dimSize` slices of `sliceSize` elements. */
interface GatherLayout {
  batchSize: number;
  outerSize: number;
  dimSize: number;
  sliceSize: number;
}

/** Copies slice `index[b·perBatch + i]` of block (b, o) to the next place in the output, with the generated row copy. */
function copySlicesSimd(
  memory: WebAssembly.Memory,
  sourceOffset: number,
  targetOffset: number,
  indexOffset: number,
  indexCount: number,
  layout: GatherLayout,
  bytesPerElement: number,
): void {
  const { batchSize, outerSize, dimSize, sliceSize } = layout;
  const gatherRows = gatherRowsOn(memory);
  const sliceBytes = sliceSize * bytesPerElement;
  const perBatch = indexCount / batchSize;
  let to = targetOffset;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      gatherRows(
        indexOffset + 4 * b * perBatch,
        perBatch,
        sliceBytes,
        sourceOffset + (b * outerSize + o) * dimSize * sliceBytes,
        to,
      );
      to += perBatch * sliceBytes;
    }
  }
}

/** The same walk with one `copyWithin` per slice (engines without WebAssembly SIMD). */
function copySlices(
  heap: Uint8Array,
  sourceOffset: number,
  targetOffset: number,
  index: Int32Array,
  layout: GatherLayout,
  bytesPerElement: number,
): void {
  const { batchSize, outerSize, dimSize, sliceSize } = layout;
  const sliceBytes = sliceSize * bytesPerElement;
  const perBatch = index.length / batchSize;
  let to = targetOffset;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const base = sourceOffset + (b * outerSize + o) * dimSize * sliceBytes;
      for (let i = 0; i < perBatch; i++) {
        const from = base + index[b * perBatch + i] * sliceBytes;
        heap.copyWithin(to, from, from + sliceBytes);
        to += sliceBytes;
      }
    }
  }
}

/** The same walk, element by element on typed views (for slices of a few elements). */
function copyElements(source: Numeric, target: Numeric, index: Int32Array, layout: GatherLayout): void {
  const { batchSize, outerSize, dimSize, sliceSize } = layout;
  const perBatch = index.length / batchSize;
  let w = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const base = (b * outerSize + o) * dimSize;
      for (let i = 0; i < perBatch; i++) {
        const from = (base + index[b * perBatch + i]) * sliceSize;
        for (let k = 0; k < sliceSize; k++) target[w++] = source[from + k];
      }
    }
  }
}

export const gatherOverride: KernelOverride = {
  kernelName: tf.GatherV2,
  make(original) {
    return (args) => {
      const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      const dtype = x.dtype;
      if ((dtype !== "float32" && dtype !== "int32" && dtype !== "bool") || indices.dtype !== "int32") {
        if (original === undefined) throw new Error(`GatherV2: dtype ${dtype} is not supported on wasm`);
        return original.kernelFunc(args);
      }
      const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
      const batchDims = (attrs.batchDims as number | undefined) ?? 0;
      const layout = tf.backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis, batchDims);
      const axisSize = x.shape[axis];
      let index = view(backend, indices) as Int32Array;
      for (let i = 0; i < index.length; i++) {
        if (index[i] < 0 || index[i] > axisSize - 1) throw new Error(gatherIndexMessage(index[i], axisSize));
      }
      const out = backend.makeOutput(layout.outputShape, dtype);
      if (tf.util.sizeFromShape(layout.outputShape) === 0) return out;
      // makeOutput may have grown the heap, which detaches views taken before it.
      const heap = backend.wasm.HEAPU8;
      if (index.buffer !== heap.buffer) index = view(backend, indices) as Int32Array;
      const bytesPerElement = BYTES[dtype];
      const sliceBytes = layout.sliceSize * bytesPerElement;
      const memory = sliceBytes >= GATHER_ROWS_MIN_BYTES && wasmSimdSupported() ? wasmMemory(backend) : undefined;
      const from = tensorData(backend, x).memoryOffset;
      const to = tensorData(backend, out).memoryOffset;
      if (memory !== undefined) {
        const { memoryOffset } = tensorData(backend, indices);
        copySlicesSimd(memory, from, to, memoryOffset, index.length, layout, bytesPerElement);
      } else if (sliceBytes >= ELEMENTWISE_BELOW_BYTES) {
        copySlices(heap, from, to, index, layout, bytesPerElement);
      } else {
        copyElements(view(backend, x), view(backend, out), index, layout);
      }
      return out;
    };
  },
};
