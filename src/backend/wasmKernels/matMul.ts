/**
 * BatchMatMul and _FusedMatMul for wasm that never fall to the scalar loop.
 *
 * The wasm C++ code sends a matmul to XNNPACK only when neither operand is transposed and the batch
 * is 1; everything else runs a scalar triple loop, 5–10× slower. Backprop is made of transposed
 * matmuls (dW = xᵀ·dy, dx = dy·Wᵀ). Here plain products run on our unpacked SIMD product
 * (wasmCode/gemm.ts), which reads a transposed left operand as it is and needs no packing; the
 * rest (fused bias/activation, batched right operands) go to XNNPACK with a transposed operand
 * transposed explicitly (a copy costs far less than the slow loop) and one XNNPACK call per batch
 * on zero-copy views. Cases outside that (non-float32, odd broadcasting, tiny batched products)
 * go to the original kernel.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import type { KernelOverride } from "./registry";
import { runProduct } from "./product";
import { wasmSimdSupported } from "../wasmCode/simd";
import {
  disposeTemp,
  NO_EPILOGUE,
  registerView,
  releaseView,
  tensorData,
  WASM_ACTIVATION,
  wasmMemory,
  wasmTranspose,
  xnnMatMul,
  type MatMulEpilogue,
  type WasmBackend,
} from "./wasmBackend";

/** Batched products smaller than this (per batch, m·k·n) stay on the original loop: XNNPACK's setup costs more. */
const MIN_BATCHED_XNN_WORK = 4096;

function product(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}

export function unsupportedMatMulMessage(kernelName: string): string {
  return `${kernelName}: the wasm backend has no original kernel to fall back to for these inputs`;
}

interface MatMulProblem {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  k: number;
  n: number;
  batchA: number;
  batchB: number;
  outShape: number[];
}

/** Shapes of a (batched) matmul, or undefined when batch dims broadcast in a way handled only by the original. */
function describe(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulProblem | undefined {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = product(outerA);
  const batchB = product(outerB);
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return undefined;
  }
  // Supported layouts: one side without batch, or both with the same batches in the same order.
  const sameBatches = batchA === batchB && product(outer) === batchA;
  if (batchA !== 1 && batchB !== 1 && !sameBatches) return undefined;
  return { a, b, transposeA, transposeB, m, k, n, batchA, batchB, outShape: [...outer, m, n] };
}

/**
 * Returns a new row-major [batch, cols, rows] copy of x with its last two dims swapped. `temps`
 * collects what the caller must free.
 *
 * Always a copy, even when a dim of 1 makes the swap a no-op: XNNPACK caches the packed right
 * operand under its tensor id without the shape, so handing it x's own id reinterpreted as
 * [cols, rows] would reuse an operator packed for x as [rows, cols] in another product
 * (seen as wrong gradients with batch size 1).
 */
function untransposed(
  backend: WasmBackend,
  x: TensorInfo,
  batch: number,
  storedRows: number,
  storedCols: number,
  temps: TensorInfo[],
): TensorInfo {
  const out = backend.makeOutput([batch, storedCols, storedRows], "float32");
  temps.push(out);
  const xId = tensorData(backend, x).id;
  const outId = tensorData(backend, out).id;
  if (batch === 1) wasmTranspose(backend, xId, [storedRows, storedCols], [1, 0], outId);
  else wasmTranspose(backend, xId, [batch, storedRows, storedCols], [0, 2, 1], outId);
  return out;
}

/**
 * The [k, n] each tensor buffer was last packed as. XNNPACK caches a packed right operand under
 * the tensor id alone; tfjs's Reshape shares ids, so one buffer can come back as a different
 * [k, n] and would meet an operator packed for the old one (wrong results or an out-of-bounds
 * read). Keyed by the dataId object, which reshapes share and which is collected with the data.
 */
const packedShapes = new WeakMap<object, string>();

/**
 * The id to hand XNNPACK as the packed [k, n] operand: the tensor's own id (so packing is cached
 * across calls, e.g. fixed weights at inference), or — when this buffer was packed as another
 * shape before — a fresh view id on the same memory, added to `views` for release after the call.
 */
function packedOperandId(backend: WasmBackend, info: TensorInfo, k: number, n: number, views: number[]): number {
  const data = tensorData(backend, info);
  const shape = `${k}x${n}`;
  const seen = packedShapes.get(info.dataId);
  if (seen === undefined || seen === shape) {
    packedShapes.set(info.dataId, shape);
    return data.id;
  }
  const view = registerView(backend, data.memoryOffset, k * n);
  views.push(view);
  return view;
}

/**
 * Whether a single-batch product with a transposed b is cheaper as (b·aᵀ)ᵀ. XNNPACK packs its
 * right operand (a copy as costly as a transpose), so a·bᵀ costs a transpose and a packing of
 * b (2·n·k), while (b·aᵀ)ᵀ packs aᵀ and transposes the small output (2·m·k + m·n): for dx = dy·Wᵀ
 * with a 64-row batch that is 3× less copying. With both transposed, aᵀ·bᵀ = (b·a)ᵀ needs no
 * input transpose at all. Only without an epilogue: bias and activation apply to the output's rows.
 */
function cheaperTransposedOutput(p: MatMulProblem, epilogue: MatMulEpilogue): boolean {
  if (epilogue !== NO_EPILOGUE || p.batchA !== 1 || p.batchB !== 1 || !p.transposeB) return false;
  const { m, k, n } = p;
  return p.transposeA || 2 * m * k + m * n < 2 * n * k;
}

/** out = (b·aᵀ)ᵀ for a·bᵀ, or (b·a)ᵀ for aᵀ·bᵀ; b is stored [n, k]. */
function runWithTransposedOutput(backend: WasmBackend, p: MatMulProblem): TensorInfo {
  const temps: TensorInfo[] = [];
  const { m, k, n } = p;
  // XNNPACK's right operand must be [k, m]: a as stored when transposed, else a transposed copy.
  const right = p.transposeA ? p.a : untransposed(backend, p.a, 1, m, k, temps);
  const product = backend.makeOutput([n, m], "float32");
  temps.push(product);
  const views: number[] = [];
  const rightId = packedOperandId(backend, right, k, m, views);
  xnnMatMul(backend, tensorData(backend, p.b).id, n, k, rightId, m, tensorData(backend, product).id);
  for (const v of views) releaseView(backend, v);
  const out = backend.makeOutput(p.outShape, "float32");
  wasmTranspose(backend, tensorData(backend, product).id, [n, m], [1, 0], tensorData(backend, out).id);
  for (const t of temps) disposeTemp(backend, t);
  return out;
}

/**
 * Our unpacked SIMD product (wasmCode/gemm.ts) covers plain products (no bias or activation) with
 * one right operand and a left operand that is one matrix or a stack of row-major matrices.
 * It skips XNNPACK's packing of the right operand, which training pays at every step because
 * the weights change; results are bit-identical to XNNPACK's (same float32 accumulation order).
 */
function simdGemmMemory(
  backend: WasmBackend,
  p: MatMulProblem,
  epilogue: MatMulEpilogue,
): WebAssembly.Memory | undefined {
  const plain = epilogue.activation === 0 && epilogue.biasId === 0 && epilogue.preluId === 0;
  if (!plain || p.batchB !== 1 || (p.batchA !== 1 && p.transposeA)) return undefined;
  if (p.m === 0 || p.n === 0 || !wasmSimdSupported()) return undefined;
  return wasmMemory(backend);
}

function runOnSimdGemm(backend: WasmBackend, p: MatMulProblem, memory: WebAssembly.Memory): TensorInfo {
  const temps: TensorInfo[] = [];
  const b = p.transposeB ? untransposed(backend, p.b, 1, p.n, p.k, temps) : p.b;
  const out = backend.makeOutput(p.outShape, "float32");
  const m = p.batchA * p.m;
  runProduct(
    backend,
    memory,
    m,
    p.k,
    p.n,
    p.transposeA ? "columns" : "rows",
    tensorData(backend, p.a).memoryOffset,
    tensorData(backend, b).memoryOffset,
    tensorData(backend, out).memoryOffset,
  );
  for (const t of temps) disposeTemp(backend, t);
  return out;
}

/** Runs the product on our SIMD kernel or XNNPACK; the caller has checked dtypes and the epilogue. */
function runOnXnn(backend: WasmBackend, p: MatMulProblem, epilogue: MatMulEpilogue): TensorInfo {
  const memory = simdGemmMemory(backend, p, epilogue);
  if (memory !== undefined) return runOnSimdGemm(backend, p, memory);
  if (cheaperTransposedOutput(p, epilogue)) return runWithTransposedOutput(backend, p);
  const temps: TensorInfo[] = [];
  const { m, k, n } = p;
  const a = p.transposeA ? untransposed(backend, p.a, p.batchA, k, m, temps) : p.a;
  const b = p.transposeB ? untransposed(backend, p.b, p.batchB, n, k, temps) : p.b;
  const out = backend.makeOutput(p.outShape, "float32");
  const aData = tensorData(backend, a);
  const bData = tensorData(backend, b);
  const outData = tensorData(backend, out);
  if (p.batchB === 1) {
    // [batch·m, k] · [k, n] (batch may be 1): one product, and b is packed once.
    const views: number[] = [];
    const bId = packedOperandId(backend, b, k, n, views);
    xnnMatMul(backend, aData.id, p.batchA * m, k, bId, n, outData.id, epilogue);
    for (const v of views) releaseView(backend, v);
  } else {
    const batch = Math.max(p.batchA, p.batchB);
    const bytes = 4;
    const sharedA = p.batchA === 1 ? registerView(backend, aData.memoryOffset, m * k) : 0;
    for (let i = 0; i < batch; i++) {
      const aView = p.batchA === 1 ? sharedA : registerView(backend, aData.memoryOffset + i * m * k * bytes, m * k);
      const bView = registerView(backend, bData.memoryOffset + i * k * n * bytes, k * n);
      const outView = registerView(backend, outData.memoryOffset + i * m * n * bytes, m * n);
      xnnMatMul(backend, aView, m, k, bView, n, outView, epilogue);
      releaseView(backend, outView);
      releaseView(backend, bView);
      if (p.batchA !== 1) releaseView(backend, aView);
    }
    if (p.batchA === 1) releaseView(backend, sharedA);
  }
  for (const t of temps) disposeTemp(backend, t);
  return out;
}

function worthXnn(p: MatMulProblem): boolean {
  const batch = Math.max(p.batchA, p.batchB);
  return batch === 1 || p.batchB === 1 || p.m * p.k * p.n >= MIN_BATCHED_XNN_WORK;
}

function fallback(kernelName: string, original: KernelConfig | undefined, args: Parameters<KernelFunc>[0]) {
  if (original === undefined) throw new Error(unsupportedMatMulMessage(kernelName));
  return original.kernelFunc(args);
}

export const batchMatMulOverride: KernelOverride = {
  kernelName: tf.BatchMatMul,
  make(original) {
    return (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(tf.BatchMatMul, original, args);
      const p = describe(a, b, attrs.transposeA === true, attrs.transposeB === true);
      if (p === undefined || !worthXnn(p)) return fallback(tf.BatchMatMul, original, args);
      return runOnXnn(backend, p, NO_EPILOGUE);
    };
  },
};

export const fusedMatMulOverride: KernelOverride = {
  kernelName: tf._FusedMatMul,
  make(original) {
    return (args) => {
      const { a, b, bias, preluActivationWeights } = args.inputs as {
        a: TensorInfo;
        b: TensorInfo;
        bias?: TensorInfo | null;
        preluActivationWeights?: TensorInfo | null;
      };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(tf._FusedMatMul, original, args);
      const p = describe(a, b, attrs.transposeA === true, attrs.transposeB === true);
      const activationName = attrs.activation ?? "linear";
      const activation = typeof activationName === "string" ? WASM_ACTIVATION[activationName] : undefined;
      if (p === undefined || activation === undefined || !worthXnn(p)) return fallback(tf._FusedMatMul, original, args);
      // XNNPACK reads exactly n bias values; other bias shapes keep the original's broadcasting.
      if (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== p.n))
        return fallback(tf._FusedMatMul, original, args);
      // C++ applies PReLU weights to each output it is given, repeating them: with per-batch
      // outputs that is right only when the weights repeat within one batch's [m, n] block.
      if (preluActivationWeights != null) {
        const size = tf.util.sizeFromShape(preluActivationWeights.shape);
        if ((p.m * p.n) % size !== 0) return fallback(tf._FusedMatMul, original, args);
      }
      const epilogue: MatMulEpilogue = {
        activation,
        biasId: bias != null ? tensorData(backend, bias).id : 0,
        preluId: preluActivationWeights != null ? tensorData(backend, preluActivationWeights).id : 0,
        leakyreluAlpha: typeof attrs.leakyreluAlpha === "number" ? attrs.leakyreluAlpha : 0,
      };
      return runOnXnn(backend, p, epilogue);
    };
  },
};
