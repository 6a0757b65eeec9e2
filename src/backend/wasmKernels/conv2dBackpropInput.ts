/**
 * Conv2DBackpropInput for wasm (the original is a scalar loop, ~9 ms per LeNet step).
 *
 * With wasm SIMD: cols = dy · Wᵀ on optimlab's SIMD product, then a generated SIMD col2im adds each
 * output position's patch gradient back onto the input grid (conv2dBackpropInputSimd.ts; every
 * stride and padding). Measured faster than the XNNPACK routes on every shape tried (LeNet's conv2
 * 2.6 → 0.9 ms; 3×3 layers with 3–64 channels 1.1–2.7×). Without SIMD: stride 1 runs as one XNNPACK
 * convolution (see {@link asConvolution}); other strides as dx = col2im(dy · Wᵀ) with the product
 * on XNNPACK and the col2im in JavaScript.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { geometryOf, validOutputRange, type PatchGeometry } from "./conv2dBackpropFilter";
import { toChannelsFirst, toChannelsLast } from "./layout";
import type { KernelOverride } from "./registry";
import { runProduct } from "./product";
import { col2imAddSimd, col2imSimdApplies, copyInterior, paddedIsInput } from "./conv2dBackpropInputSimd";
import { paddedInputSize } from "./patchWalk";
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

/** Adds each row of cols (one output position's patch gradient) onto dx (NHWC, zeroed first). */
export function col2imAdd(cols: Float32Array, g: PatchGeometry, dx: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const K = g.filterHeight * g.filterWidth * C;
  dx.fill(0);
  for (let fh = 0; fh < g.filterHeight; fh++) {
    for (let fw = 0; fw < g.filterWidth; fw++) {
      const [owLo, owHi] = validOutputRange(fw, g.padLeft, g.strideWidth, W, OW);
      const tap = (fh * g.filterWidth + fw) * C;
      for (let b = 0; b < batch; b++) {
        for (let oh = 0; oh < OH; oh++) {
          const xr = oh * g.strideHeight + fh - g.padTop;
          if (xr < 0 || xr >= H) continue;
          let src = ((b * OH + oh) * OW + owLo) * K + tap;
          let dst = ((b * H + xr) * W + owLo * g.strideWidth + fw - g.padLeft) * C;
          const dstStep = g.strideWidth * C;
          for (let ow = owLo; ow < owHi; ow++) {
            for (let c = 0; c < C; c++) dx[dst + c] += cols[src + c];
            src += K;
            dst += dstStep;
          }
        }
      }
    }
  }
}

/**
 * Stride 1: dx is the "full" convolution of dy with the filter turned 180° and its channel axes
 * swapped (W'[fh,fw,co,ci] = W[FH−1−fh, FW−1−fw, ci, co]), padded by FH−1−top etc. — one
 * XNNPACK convolution, no JavaScript col2im. Returns false when that padding would be negative.
 */
function asConvolution(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  conv: tf.backend_util.Conv2DInfo,
  dx: TensorInfo,
  temps: TensorInfo[],
): boolean {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = conv;
  const FH = conv.filterHeight;
  const FW = conv.filterWidth;
  const padTop = FH - 1 - conv.padInfo.top;
  const padLeft = FW - 1 - conv.padInfo.left;
  const padBottom = H - OH + conv.padInfo.top;
  const padRight = W - OW + conv.padInfo.left;
  if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) return false;
  const turned = backend.makeOutput([FH, FW, CO, CI], "float32");
  temps.push(turned);
  const w = f32View(backend, filter);
  const t = f32View(backend, turned);
  for (let fh = 0; fh < FH; fh++) {
    for (let fw = 0; fw < FW; fw++) {
      const from = ((FH - 1 - fh) * FW + (FW - 1 - fw)) * CI * CO;
      const to = (fh * FW + fw) * CO * CI;
      for (let ci = 0; ci < CI; ci++) {
        for (let co = 0; co < CO; co++) t[to + co * CI + ci] = w[from + ci * CO + co];
      }
    }
  }
  xnnConv2d(
    backend,
    tensorData(backend, dy).id,
    tensorData(backend, turned).id,
    {
      batch: B,
      inHeight: OH,
      inWidth: OW,
      inChannels: CO,
      filterHeight: FH,
      filterWidth: FW,
      outChannels: CI,
      padTop,
      padRight,
      padBottom,
      padLeft,
    },
    tensorData(backend, dx).id,
  );
  return true;
}

/** cols = dy·Wᵀ on optimlab's SIMD product, then the generated col2im (conv2dBackpropInputSimd.ts). */
function productAndCol2im(
  backend: WasmBackend,
  memory: WebAssembly.Memory,
  dy: TensorInfo,
  filter: TensorInfo,
  g: PatchGeometry,
  outChannels: number,
  dx: TensorInfo,
  temps: TensorInfo[],
): void {
  const P = g.batch * g.outHeight * g.outWidth;
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const filterT = backend.makeOutput([outChannels, K], "float32");
  const cols = backend.makeOutput([P, K], "float32");
  temps.push(filterT, cols);
  const { rows, columns } = paddedInputSize(g);
  const direct = paddedIsInput(g);
  const dxp = direct ? dx : backend.makeOutput([g.batch * rows * columns * g.inChannels], "float32");
  if (!direct) temps.push(dxp);
  const id = (t: TensorInfo) => tensorData(backend, t).id;
  const at = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
  // W as [K, CO] → Wᵀ [CO, K], so that cols = dy [P, CO] · Wᵀ is a plain row-major product.
  wasmTranspose(backend, id(filter), [K, outChannels], [1, 0], id(filterT));
  runProduct(backend, memory, P, outChannels, K, "rows", at(dy), at(filterT), at(cols));
  f32View(backend, dxp).fill(0);
  col2imAddSimd(memory, g, at(cols), at(dxp));
  if (!direct) copyInterior(f32View(backend, dxp), g, f32View(backend, dx));
}

export const conv2dBackpropInputOverride: KernelOverride = {
  kernelName: tf.Conv2DBackpropInput,
  make() {
    return (args) => {
      const inputs = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat as "NHWC" | "NCHW");
      const inputShape = attrs.inputShape as [number, number, number, number];
      const filter = inputs.filter;
      const conv = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        attrs.strides as [number, number] | number,
        1,
        attrs.pad as "valid" | "same" | number,
        attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
        false,
        dataFormat,
      );
      const channelsFirst = conv.dataFormat === "channelsFirst";
      const temps: TensorInfo[] = [];
      let dy = inputs.dy;
      if (channelsFirst) {
        dy = toChannelsLast(backend, dy);
        temps.push(dy);
      }
      const g = geometryOf(conv);
      const P = g.batch * g.outHeight * g.outWidth;
      const K = g.filterHeight * g.filterWidth * g.inChannels;
      const CO = conv.outChannels;
      const nhwcShape = [g.batch, g.inHeight, g.inWidth, g.inChannels];
      const dx = backend.makeOutput(nhwcShape, "float32");
      const memory = wasmMemory(backend);
      if (P === 0 || K === 0) {
        f32View(backend, dx).fill(0);
      } else if (memory !== undefined && col2imSimdApplies(g)) {
        productAndCol2im(backend, memory, dy, filter, g, CO, dx, temps);
      } else if (
        conv.strideHeight === 1 &&
        conv.strideWidth === 1 &&
        asConvolution(backend, dy, filter, conv, dx, temps)
      ) {
        // done on XNNPACK's convolution
      } else {
        // W as [K, CO] → Wᵀ [CO, K], so that cols = dy [P, CO] · Wᵀ runs untransposed on XNNPACK.
        const filterT = backend.makeOutput([CO, K], "float32");
        const cols = backend.makeOutput([P, K], "float32");
        temps.push(filterT, cols);
        wasmTranspose(backend, tensorData(backend, filter).id, [K, CO], [1, 0], tensorData(backend, filterT).id);
        xnnMatMul(
          backend,
          tensorData(backend, dy).id,
          P,
          CO,
          tensorData(backend, filterT).id,
          K,
          tensorData(backend, cols).id,
        );
        col2imAdd(f32View(backend, cols), g, f32View(backend, dx));
      }
      let out = dx;
      if (channelsFirst) {
        out = toChannelsFirst(backend, dx);
        temps.push(dx);
      }
      for (const t of temps) disposeTemp(backend, t);
      return out;
    };
  },
};
