/**
 * NCHW ↔ NHWC copies for the convolution-gradient kernels, which compute in NHWC (the layout
 * tfjs-layers uses and XNNPACK expects).
 */
import type { TensorInfo } from "@tensorflow/tfjs";
import { tensorData, wasmTranspose, type WasmBackend } from "./wasmBackend";

/** A new NHWC copy of an NCHW float32 tensor (caller disposes it). */
export function toChannelsLast(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const [b, c, h, w] = x.shape;
  const out = backend.makeOutput([b, h, w, c], "float32");
  wasmTranspose(backend, tensorData(backend, x).id, x.shape, [0, 2, 3, 1], tensorData(backend, out).id);
  return out;
}

/** A new NCHW copy of an NHWC float32 tensor (caller disposes it or returns it). */
export function toChannelsFirst(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const [b, h, w, c] = x.shape;
  const out = backend.makeOutput([b, c, h, w], "float32");
  wasmTranspose(backend, tensorData(backend, x).id, x.shape, [0, 3, 1, 2], tensorData(backend, out).id);
  return out;
}
