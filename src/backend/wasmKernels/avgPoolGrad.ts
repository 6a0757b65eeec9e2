/**
 * AvgPoolGrad for wasm: each output cell's gradient spread evenly over its window.
 *
 * Like the cpu backend, the share is 1/(filterHeight·filterWidth) even where the window hangs
 * over padding. Written as a scatter over output cells with channels innermost (contiguous).
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import type { KernelOverride } from "./registry";
import type { PoolGeometry } from "./maxPoolGrad";
import { f32View, type WasmBackend } from "./wasmBackend";

/** dx = Σ over windows covering each input cell of that window's gradient, times 1/(fh·fw). */
export function spreadOverWindows(grad: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const H = g.inHeight;
  const W = g.inWidth;
  const C = g.channels;
  const OH = g.outHeight;
  const OW = g.outWidth;
  dx.fill(0);
  for (let b = 0; b < g.batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const rCorner = oh * g.strideHeight - g.padTop;
      const rLo = rCorner > 0 ? rCorner : 0;
      const rHi = rCorner + g.windowHeight < H ? rCorner + g.windowHeight : H;
      for (let ow = 0; ow < OW; ow++) {
        const cCorner = ow * g.strideWidth - g.padLeft;
        const cLo = cCorner > 0 ? cCorner : 0;
        const cHi = cCorner + g.windowWidth < W ? cCorner + g.windowWidth : W;
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let r = rLo; r < rHi; r++) {
          for (let c = cLo; c < cHi; c++) {
            const base = ((b * H + r) * W + c) * C;
            for (let d = 0; d < C; d++) dx[base + d] += grad[dyBase + d];
          }
        }
      }
    }
  }
  const share = 1 / (g.windowHeight * g.windowWidth);
  for (let i = 0; i < dx.length; i++) dx[i] *= share;
}

export const avgPoolGradOverride: KernelOverride = {
  kernelName: tf.AvgPoolGrad,
  make(original) {
    return (args) => {
      const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
      const attrs = args.attrs as NamedAttrMap;
      const backend = args.backend as unknown as WasmBackend;
      if (input.dtype !== "float32" && original !== undefined) return original.kernelFunc(args);
      const pool = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        attrs.filterSize as [number, number] | number,
        attrs.strides as [number, number] | number,
        1,
        attrs.pad as "valid" | "same" | number,
      );
      const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = pool;
      const out = backend.makeOutput(input.shape, "float32");
      const grad = f32View(backend, dy);
      const dx = f32View(backend, out);
      spreadOverWindows(grad, dx, {
        batch: B,
        inHeight: H,
        inWidth: W,
        channels: C,
        outHeight: OH,
        outWidth: OW,
        windowHeight: pool.filterHeight,
        windowWidth: pool.filterWidth,
        strideHeight: pool.strideHeight,
        strideWidth: pool.strideWidth,
        padTop: pool.padInfo.top,
        padLeft: pool.padInfo.left,
      });
      return out;
    };
  },
};
