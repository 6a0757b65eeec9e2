/**
 * Typed access to the parts of tfjs-backend-wasm that the kernel overrides use: tensor records,
 * the Emscripten heap, and the C++ entry points (`_FusedMatMul`, `_Transpose`) called directly.
 *
 * Why direct calls: a kernel function that calls another kernel through the engine pays the
 * engine's dispatch cost (10–20 µs) and records it on the gradient tape; calling the wasm
 * functions by tensor id costs about a microsecond.
 */
import type { DataType, TensorInfo } from "@tensorflow/tfjs";

/** What the wasm backend keeps per tensor (`backend.dataIdMap.get(dataId)`). */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

type CwrapArg = "number" | "array";

/** The subset of the Emscripten module that tfjs-backend-wasm exposes as `backend.wasm`. */
export interface WasmModule {
  HEAPU8: Uint8Array;
  /** Emscripten's exports, including the module's memory (`asm.memory`) where it exports it. */
  asm?: { memory?: unknown };
  /** The memory of the threaded build (shared, imported by the module rather than exported). */
  wasmMemory?: unknown;
  cwrap(name: string, returnType: null, argTypes: CwrapArg[]): (...args: Array<number | Uint8Array>) => void;
  /** Emscripten's allocator on the heap: a pointer (0 when out of memory), and its release. */
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

/** The wasm backend as the overrides see it (the package's class keeps these members untyped or private). */
export interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): WasmTensorData | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

export function tensorData(backend: WasmBackend, info: TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined)
    throw new Error(`wasm kernel: tensor data for shape [${info.shape.join(",")}] is not on the wasm backend`);
  return data;
}

/**
 * The backend's `WebAssembly.Memory`, for modules that work on tensors in place (the fused
 * kernels, the SIMD product); undefined where this build exposes none or the heap views do not
 * look at it. In the threaded build it is shared (a SharedArrayBuffer): the generated modules
 * then import it as shared (`BoundFunctions`).
 */
export function wasmMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  if (memory.buffer !== backend.wasm.HEAPU8.buffer) return undefined;
  return memory;
}

/**
 * A float32 view of a tensor on the wasm heap. Take views only after the last allocation of the
 * kernel: `makeOutput` can grow the heap, which detaches views taken earlier.
 */
export function f32View(backend: WasmBackend, info: TensorInfo): Float32Array {
  const { memoryOffset } = tensorData(backend, info);
  let size = 1;
  for (const d of info.shape) size *= d;
  return new Float32Array(backend.wasm.HEAPU8.buffer, memoryOffset, size);
}

/** Frees a temporary tensor made with `makeOutput` inside a kernel (the engine never saw it). */
export function disposeTemp(backend: WasmBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId, true);
}

/**
 * Registers `size` floats at `byteOffset` under a fresh id that C++ kernels accept, without
 * copying: used to hand one batch of a batched tensor to XNNPACK. Release with {@link releaseView};
 * the memory stays owned by the tensor it belongs to.
 */
export function registerView(backend: WasmBackend, byteOffset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, byteOffset);
  return id;
}

/** Drops a view id; C++ also drops the XNNPACK operators (packed weights) cached on it. */
export function releaseView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

interface WasmFunctions {
  fusedMatMul: (...args: Array<number | Uint8Array>) => void;
  transpose: (...args: Array<number | Uint8Array>) => void;
  conv2d: (...args: number[]) => void;
}

const functionsByModule = new WeakMap<WasmModule, WasmFunctions>();

function functions(backend: WasmBackend): WasmFunctions {
  let fns = functionsByModule.get(backend.wasm);
  if (fns === undefined) {
    const n = "number" as const;
    fns = {
      // (a_id, a_shape, a_rank, b_id, b_shape, b_rank, transpose_a, transpose_b, activation,
      //  bias_id, prelu_weights_id, leakyrelu_alpha, out_id)
      fusedMatMul: backend.wasm.cwrap("_FusedMatMul", null, [n, "array", n, n, "array", n, n, n, n, n, n, n, n]),
      // (x_id, x_shape, x_rank, dtype, out_id, perm, perm_length)
      transpose: backend.wasm.cwrap("Transpose", null, [n, "array", n, n, n, "array", n]),
      // (x_id, batch, in_h, in_w, filter_id, filter_h, filter_w, pad_top, pad_right, pad_bottom,
      //  pad_left, is_same_pad, dilation_h, dilation_w, stride_h, stride_w, in_ch, out_ch, out_id)
      conv2d: backend.wasm.cwrap("Conv2D", null, new Array<CwrapArg>(19).fill(n)),
    };
    functionsByModule.set(backend.wasm, fns);
  }
  return fns;
}

function int32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(values).buffer);
}

/** Fused-activation codes of the wasm C++ code (`cc/fusable_activations.h`). */
export const WASM_ACTIVATION: Readonly<Record<string, number>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

export interface MatMulEpilogue {
  activation: number;
  biasId: number;
  preluId: number;
  leakyreluAlpha: number;
}

export const NO_EPILOGUE: MatMulEpilogue = { activation: 0, biasId: 0, preluId: 0, leakyreluAlpha: 0 };

/**
 * out[m×n] = act(a[m×k] · b[k×n] + bias) on XNNPACK. Untransposed single-batch operands are the
 * only case the wasm C++ code sends to XNNPACK; every other case runs a scalar triple loop.
 * XNNPACK packs `b` and caches the packed copy on b's id until b is disposed.
 */
export function xnnMatMul(
  backend: WasmBackend,
  aId: number,
  m: number,
  k: number,
  bId: number,
  n: number,
  outId: number,
  epilogue: MatMulEpilogue = NO_EPILOGUE,
): void {
  functions(backend).fusedMatMul(
    aId,
    int32Bytes([1, m, k]),
    3,
    bId,
    int32Bytes([1, k, n]),
    3,
    0,
    0,
    epilogue.activation,
    epilogue.biasId,
    epilogue.preluId,
    epilogue.leakyreluAlpha,
    outId,
  );
}

/** out = x transposed by `perm` (float32), on the wasm backend's C++ transpose. */
export function wasmTranspose(backend: WasmBackend, xId: number, shape: number[], perm: number[], outId: number): void {
  functions(backend).transpose(xId, int32Bytes(shape), shape.length, 0, outId, int32Bytes(perm), perm.length);
}

/** Geometry of a stride-1, dilation-1 NHWC convolution with explicit padding. */
export interface XnnConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  padTop: number;
  padRight: number;
  padBottom: number;
  padLeft: number;
}

/** out = conv2d(x [b,h,w,ci], filter [fh,fw,ci,co]) with stride 1 and explicit padding, on XNNPACK. */
export function xnnConv2d(
  backend: WasmBackend,
  xId: number,
  filterId: number,
  g: XnnConvGeometry,
  outId: number,
): void {
  functions(backend).conv2d(
    xId,
    g.batch,
    g.inHeight,
    g.inWidth,
    filterId,
    g.filterHeight,
    g.filterWidth,
    g.padTop,
    g.padRight,
    g.padBottom,
    g.padLeft,
    0,
    1,
    1,
    1,
    1,
    g.inChannels,
    g.outChannels,
    outId,
  );
}
