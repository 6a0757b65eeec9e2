/**
 * The one backend-specific part of the fused kernels: reading and writing a tensor's float32
 * values in place, on the two backends whose memory JavaScript can see — "cpu" (typed arrays)
 * and "wasm" (the Emscripten heap). Other backends (tfjs-node, WebGL) run the fused ops as
 * ordinary tfjs ops instead.
 */
import type { DataType, TensorInfo } from "@tensorflow/tfjs";
import { f32View, tensorData, type WasmBackend } from "../wasmKernels/wasmBackend";

/** The backends with a fused-kernel implementation. */
export type ArrayBackendName = "cpu" | "wasm";

interface CpuBackend {
  data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
}

/**
 * Allocates `shapes.length` float32 outputs, then returns float32 views of `inputs` and of the
 * outputs. On wasm every view is taken after the last allocation, since growing the heap detaches
 * earlier views.
 */
export function float32Arrays(
  backendName: ArrayBackendName,
  backend: unknown,
  inputs: readonly TensorInfo[],
  shapes: readonly number[][],
): { inputs: Float32Array[]; outputs: Float32Array[]; infos: TensorInfo[] } {
  if (backendName === "wasm") {
    const wasm = backend as WasmBackend;
    const infos = shapes.map((shape) => wasm.makeOutput(shape, "float32"));
    return { inputs: inputs.map((i) => f32View(wasm, i)), outputs: infos.map((i) => f32View(wasm, i)), infos };
  }
  const cpu = backend as CpuBackend;
  const outputs = shapes.map((shape) => new Float32Array(sizeOf(shape)));
  const views = inputs.map((info) => {
    const values = cpu.data.get(info.dataId)?.values;
    if (!(values instanceof Float32Array))
      throw new Error(`fused kernel: tensor of shape [${info.shape.join(",")}] has no float32 values on cpu`);
    return values;
  });
  return { inputs: views, outputs, infos: shapes.map((shape, o) => cpu.makeTensorInfo(shape, "float32", outputs[o])) };
}

/**
 * The first value of float32 tensor `info`, read in place (a scalar input): no view is made on
 * wasm, where a view per scalar would cost more than the read.
 */
export function float32Scalar(backendName: ArrayBackendName, backend: unknown, info: TensorInfo): number {
  if (backendName === "wasm") {
    const wasm = backend as WasmBackend;
    const { memoryOffset } = tensorData(wasm, info);
    // float32 tensors are 4-byte aligned (malloc), so the heap's float view reaches them.
    if (memoryOffset % 4 === 0) return heapFloat32(wasm)[memoryOffset / 4];
    return f32View(wasm, info)[0];
  }
  return float32Arrays(backendName, backend, [info], []).inputs[0][0];
}

/** A new float32 tensor holding `values`, on `backend`. */
export function float32Output(
  backendName: ArrayBackendName,
  backend: unknown,
  shape: number[],
  values: Float32Array,
): TensorInfo {
  if (backendName === "wasm") {
    const wasm = backend as WasmBackend;
    const info = wasm.makeOutput(shape, "float32");
    // After makeOutput, which may grow the heap; malloc aligns the output to 4 bytes at least.
    heapFloat32(wasm).set(values, tensorData(wasm, info).memoryOffset / 4);
    return info;
  }
  return (backend as CpuBackend).makeTensorInfo(shape, "float32", values);
}

/** A float32 view of the whole wasm heap, made again only when the heap has grown (and detached the last one). */
let heapView: Float32Array | undefined;
function heapFloat32(wasm: WasmBackend): Float32Array {
  const buffer = wasm.wasm.HEAPU8.buffer;
  if (heapView === undefined || heapView.buffer !== buffer) heapView = new Float32Array(buffer);
  return heapView;
}

/** An int32 view of `info`'s values (class labels), in place; on wasm take it after the kernel's last allocation. */
export function int32Array(backendName: ArrayBackendName, backend: unknown, info: TensorInfo): Int32Array {
  if (backendName === "wasm") {
    const wasm = backend as WasmBackend;
    return new Int32Array(wasm.wasm.HEAPU8.buffer, tensorData(wasm, info).memoryOffset, sizeOf(info.shape));
  }
  const values = (backend as CpuBackend).data.get(info.dataId)?.values;
  if (!(values instanceof Int32Array))
    throw new Error(`fused kernel: tensor of shape [${info.shape.join(",")}] has no int32 values on cpu`);
  return values;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
