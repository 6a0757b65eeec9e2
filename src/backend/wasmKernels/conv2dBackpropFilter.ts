/**
 * Conv2DBackpropFilter for wasm, which has none (tfjs issue #8474): without it no Conv2D can be
 * trained on the default install.
 *
 * dW[fh,fw,ci,co] = Σ_{b,oh,ow} x[b, oh·sh+fh−top, ow·sw+fw−left, ci] · dy[b,oh,ow,co].
 * With wasm SIMD: few input channels at stride 1 run on the planar SIMD kernel
 * (conv2dBackpropFilterSimd.ts); every other layer as dW = colsᵀ · dy with a generated SIMD im2col
 * (im2colSimd.ts) and optimlab's SIMD product (LeNet conv2 1.9–2.5 → 0.95 ms; 3×3 layers with
 * 6–64 channels, strides 1 and 2, 1.4–3.5× faster than the routes below). Without SIMD: stride 1
 * runs as an XNNPACK convolution (see {@link asConvolution}). Other strides gather the
 * patches of x into colsᵀ [K = fh·fw·ci, P = b·oh·ow] (im2col, written transposed so no extra copy
 * is needed), then dW = colsᵀ · dy is one XNNPACK matmul with dy [P, co] as the packed operand
 * (P·co floats, smaller than the P·K of the patches).
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { toChannelsLast } from "./layout";
import type { KernelOverride } from "./registry";
import { runProduct } from "./product";
import { paddedIsInput } from "./conv2dBackpropInputSimd";
import { paddedInputSize } from "./patchWalk";
import { im2colSimd, im2colSimdApplies, padInput } from "./im2colSimd";
import { fillGradientRows, fillPaddedPlanes } from "./paddedPlanesSimd";
import { filterGradTiled, filterGradTiledApplies } from "./conv2dBackpropFilterTiled";
import { filterGradFromPacked, filterGradLayout, filterGradSimdApplies } from "./conv2dBackpropFilterSimd";
import {
  disposeTemp,
  f32View,
  tensorData,
  wasmMemory,
  wasmTranspose,
  xnnConv2d,
  xnnMatMul,
  type WasmBackend,
} from "./wasmBackend";

export interface PatchGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export function geometryOf(conv: tf.backend_util.Conv2DInfo): PatchGeometry {
  return {
    batch: conv.batchSize,
    inHeight: conv.inHeight,
    inWidth: conv.inWidth,
    inChannels: conv.inChannels,
    outHeight: conv.outHeight,
    outWidth: conv.outWidth,
    filterHeight: conv.filterHeight,
    filterWidth: conv.filterWidth,
    strideHeight: conv.strideHeight,
    strideWidth: conv.strideWidth,
    padTop: conv.padInfo.top,
    padLeft: conv.padInfo.left,
  };
}

/** Range [lo, hi) of output columns whose input column ow·stride + f − pad lies inside [0, size). */
export function validOutputRange(
  f: number,
  pad: number,
  stride: number,
  size: number,
  outSize: number,
): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - f) / stride));
  const hi = Math.min(outSize, Math.floor((size - 1 + pad - f) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Writes colsᵀ: row (fh·FW + fw)·CI + ci holds that filter tap's input value for every output position. */
export function im2colTransposed(x: Float32Array, g: PatchGeometry, colsT: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const P = batch * OH * OW;
  for (let fh = 0; fh < g.filterHeight; fh++) {
    for (let fw = 0; fw < g.filterWidth; fw++) {
      const [owLo, owHi] = validOutputRange(fw, g.padLeft, g.strideWidth, W, OW);
      for (let ci = 0; ci < C; ci++) {
        const row = ((fh * g.filterWidth + fw) * C + ci) * P;
        let p = row;
        for (let b = 0; b < batch; b++) {
          for (let oh = 0; oh < OH; oh++) {
            const xr = oh * g.strideHeight + fh - g.padTop;
            if (xr < 0 || xr >= H) {
              colsT.fill(0, p, p + OW);
              p += OW;
              continue;
            }
            if (owLo > 0) colsT.fill(0, p, p + owLo);
            let src = ((b * H + xr) * W + owLo * g.strideWidth + fw - g.padLeft) * C + ci;
            const step = g.strideWidth * C;
            for (let ow = owLo; ow < owHi; ow++) {
              colsT[p + ow] = x[src];
              src += step;
            }
            if (owHi < OW) colsT.fill(0, p + owHi, p + OW);
            p += OW;
          }
        }
      }
    }
  }
}

/**
 * Stride 1: dW is itself a convolution with the roles of batch and channels swapped — images
 * xᵀ [ci, h, w, b] filtered by dyᵀ [oh, ow, b, co] give [ci, fh, fw, co] — so XNNPACK's
 * convolution does the patch gathering in SIMD code instead of the JavaScript im2col.
 * (The other orientation, dy as images and x as filter, makes ci the output channels: with
 * ci = 1, as in a first layer, XNNPACK's 8-wide tiles would run 1/8 full. Measured slower.)
 * Returns false (nothing written) when the padding this needs is negative.
 */
function asConvolution(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  conv: tf.backend_util.Conv2DInfo,
  out: TensorInfo,
  temps: TensorInfo[],
): boolean {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = conv;
  const FH = conv.filterHeight;
  const FW = conv.filterWidth;
  const top = conv.padInfo.top;
  const left = conv.padInfo.left;
  // Output of the swapped convolution must be exactly fh × fw.
  const bottom = FH - 1 - H - top + OH;
  const right = FW - 1 - W - left + OW;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return false;
  const id = (t: TensorInfo) => tensorData(backend, t).id;
  const images = backend.makeOutput([CI, H, W, B], "float32");
  const filter = backend.makeOutput([OH, OW, B, CO], "float32");
  const result = backend.makeOutput([CI, FH, FW, CO], "float32");
  temps.push(images, filter, result);
  wasmTranspose(backend, id(x), [B, H, W, CI], [3, 1, 2, 0], id(images));
  wasmTranspose(backend, id(dy), [B, OH, OW, CO], [1, 2, 0, 3], id(filter));
  const geometry = {
    batch: CI,
    inHeight: H,
    inWidth: W,
    inChannels: B,
    filterHeight: OH,
    filterWidth: OW,
    outChannels: CO,
  };
  xnnConv2d(
    backend,
    id(images),
    id(filter),
    { ...geometry, padTop: top, padRight: right, padBottom: bottom, padLeft: left },
    id(result),
  );
  wasmTranspose(backend, id(result), [CI, FH, FW, CO], [1, 2, 0, 3], id(out));
  return true;
}

/**
 * Few input channels (a first layer: 1 gray or 3 colour channels) at stride 1 go to the generated
 * SIMD kernel. Measured (best of 30, LeNet at batch 64): 1 channel in, 6 out: 1.1 ms vs 2.4 ms
 * on XNNPACK; 6 in, 16 out: 1.5 ms on both, so XNNPACK keeps the wider layers.
 */
function simdFilterGradPreferred(g: PatchGeometry): boolean {
  return g.inChannels <= 4 && filterGradSimdApplies(g);
}

/** dW on the generated SIMD kernel (conv2dBackpropFilterSimd.ts): pack x and dy, then sum. */
function filterGradSimd(
  backend: WasmBackend,
  memory: WebAssembly.Memory,
  x: TensorInfo,
  dy: TensorInfo,
  g: PatchGeometry,
  outChannels: number,
  out: TensorInfo,
  temps: TensorInfo[],
): void {
  const layout = filterGradLayout(g, outChannels);
  const xp = backend.makeOutput([g.inChannels * g.batch * layout.paddedHeight * layout.paddedWidth], "float32");
  const rows = g.batch * g.outHeight;
  const dyT = backend.makeOutput([outChannels * rows * layout.paddedOutWidth], "float32");
  temps.push(xp, dyT);
  const offset = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
  fillPaddedPlanes(memory, g, layout, f32View(backend, x), offset(x), f32View(backend, xp), offset(xp));
  fillGradientRows(
    memory,
    g,
    outChannels,
    layout,
    f32View(backend, dy),
    offset(dy),
    f32View(backend, dyT),
    offset(dyT),
  );
  filterGradFromPacked(memory, g, outChannels, layout, offset(xp), offset(dyT), offset(out));
}

/** dW = colsᵀ · dy: generated SIMD im2col (im2colSimd.ts), then optimlab's SIMD product. */
function patchesAndProduct(
  backend: WasmBackend,
  memory: WebAssembly.Memory,
  x: TensorInfo,
  dy: TensorInfo,
  g: PatchGeometry,
  outChannels: number,
  out: TensorInfo,
  temps: TensorInfo[],
): void {
  const P = g.batch * g.outHeight * g.outWidth;
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  let xp = x;
  if (!paddedIsInput(g)) {
    const { rows, columns } = paddedInputSize(g);
    xp = backend.makeOutput([g.batch * rows * columns * g.inChannels], "float32");
    temps.push(xp);
    padInput(f32View(backend, x), g, f32View(backend, xp));
  }
  const at = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
  if (filterGradTiledApplies(g, outChannels)) {
    filterGradTiled(memory, g, outChannels, at(xp), at(dy), at(out));
    return;
  }
  const cols = backend.makeOutput([P, K], "float32");
  temps.push(cols);
  im2colSimd(memory, g, at(xp), at(cols));
  runProduct(backend, memory, K, P, outChannels, "columns", at(cols), at(dy), at(out));
}

export const conv2dBackpropFilterOverride: KernelOverride = {
  kernelName: tf.Conv2DBackpropFilter,
  make() {
    return (args) => {
      const inputs = args.inputs as { x: TensorInfo; dy: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat as "NHWC" | "NCHW");
      const filterShape = attrs.filterShape as [number, number, number, number];
      const conv = tf.backend_util.computeConv2DInfo(
        inputs.x.shape as [number, number, number, number],
        filterShape,
        attrs.strides as [number, number] | number,
        1,
        attrs.pad as "valid" | "same" | number,
        attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
        false,
        dataFormat,
      );
      const temps: TensorInfo[] = [];
      let x = inputs.x;
      let dy = inputs.dy;
      if (conv.dataFormat === "channelsFirst") {
        x = toChannelsLast(backend, x);
        dy = toChannelsLast(backend, dy);
        temps.push(x, dy);
      }
      const g = geometryOf(conv);
      const P = g.batch * g.outHeight * g.outWidth;
      const K = g.filterHeight * g.filterWidth * g.inChannels;
      const out = backend.makeOutput([...filterShape], "float32");
      const memory = wasmMemory(backend);
      if (P === 0) {
        f32View(backend, out).fill(0);
      } else if (memory !== undefined && simdFilterGradPreferred(g)) {
        filterGradSimd(backend, memory, x, dy, g, conv.outChannels, out, temps);
      } else if (memory !== undefined && im2colSimdApplies(g)) {
        patchesAndProduct(backend, memory, x, dy, g, conv.outChannels, out, temps);
      } else if (conv.strideHeight === 1 && conv.strideWidth === 1 && asConvolution(backend, x, dy, conv, out, temps)) {
        // done on XNNPACK's convolution
      } else {
        const colsT = backend.makeOutput([K, P], "float32");
        temps.push(colsT);
        im2colTransposed(f32View(backend, x), g, f32View(backend, colsT));
        xnnMatMul(
          backend,
          tensorData(backend, colsT).id,
          K,
          P,
          tensorData(backend, dy).id,
          conv.outChannels,
          tensorData(backend, out).id,
        );
      }
      for (const t of temps) disposeTemp(backend, t);
      return out;
    };
  },
};
