/**
 * AvgPoolGrad for wasm: each output cell's gradient spread evenly over its window.
 *
 * Like the cpu backend, the share is 1/(filterHeight·filterWidth) even where the window hangs
 * over padding. Written as a scatter over output cells with channels innermost (contiguous).
 */
import * as tf from "@tensorflow/tfjs";
import { poolGradOverride, type PoolGeometry } from "./poolGrad";

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

/** AvgPoolGrad needs no forward input: the window's share does not depend on x. */
export const avgPoolGradOverride = poolGradOverride(tf.AvgPoolGrad, (_x, grad, dx, geometry) =>
  spreadOverWindows(grad, dx, geometry),
);
