/**
 * MaxPoolGrad for wasm (the original is a scalar loop, ~9 ms per LeNet step).
 *
 * Each output cell's gradient goes to the first maximum of its window in row-major order — the
 * cpu backend's rule (`pixel > max`, so ties and NaNs resolve the same way). The scan keeps one
 * running max per channel of each window (windows are small, so reads stay in cache).
 */
import * as tf from "@tensorflow/tfjs";
import { maxPoolGrad2x2Run } from "./maxPoolGrad2x2Simd";
import { poolGradOverride, type PoolGeometry, type PoolHeap } from "./poolGrad";

/**
 * dx = 0, then each output cell's gradient is added at the first maximum of its window.
 * A standalone function with numeric locals: V8 optimises it far better than the same loops
 * inlined in the kernel closure (measured 3× faster).
 */
export function scatterToFirstMax(x: Float32Array, grad: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const H = g.inHeight;
  const W = g.inWidth;
  const C = g.channels;
  const OH = g.outHeight;
  const OW = g.outWidth;
  const sh = g.strideHeight;
  const sw = g.strideWidth;
  const padTop = g.padTop;
  const padLeft = g.padLeft;
  const wh = g.windowHeight;
  const ww = g.windowWidth;
  dx.fill(0);
  for (let b = 0; b < g.batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const rCorner = oh * sh - padTop;
      const rLo = rCorner > 0 ? rCorner : 0;
      const rHi = rCorner + wh < H ? rCorner + wh : H;
      for (let ow = 0; ow < OW; ow++) {
        const cCorner = ow * sw - padLeft;
        const cLo = cCorner > 0 ? cCorner : 0;
        const cHi = cCorner + ww < W ? cCorner + ww : W;
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let d = 0; d < C; d++) {
          let best = -Infinity;
          let where = -1;
          for (let r = rLo; r < rHi; r++) {
            let i = ((b * H + r) * W + cLo) * C + d;
            for (let c = cLo; c < cHi; c++, i += C) {
              const v = x[i];
              if (v > best) {
                best = v;
                where = i;
              }
            }
          }
          if (where >= 0) dx[where] += grad[dyBase + d];
        }
      }
    }
  }
}

/**
 * The same rule for 2×2 windows at stride 2 without padding (LeNet's pools, ~5× faster than the
 * general loop): the windows tile the image, so each input cell is written once — its window's
 * gradient or 0 — with no separate zeroing pass (except for a last odd row or column, which no
 * window covers).
 */
export function scatter2x2ToFirstMax(x: Float32Array, grad: Float32Array, dx: Float32Array, g: PoolGeometry): void {
  const H = g.inHeight;
  const W = g.inWidth;
  const C = g.channels;
  const OH = g.outHeight;
  const OW = g.outWidth;
  const rowStride = W * C;
  if (2 * OH < H || 2 * OW < W) dx.fill(0);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      let p = (b * H + 2 * oh) * rowStride;
      for (let ow = 0; ow < OW; ow++) {
        for (let d = 0; d < C; d++, p++, o++) {
          const q = p + C;
          const r = p + rowStride;
          const s = r + C;
          // First maximum in row-major order, `v > best` from −∞: the general loop's rule.
          let best = -Infinity;
          let where = -1;
          if (x[p] > best) {
            best = x[p];
            where = 0;
          }
          if (x[q] > best) {
            best = x[q];
            where = 1;
          }
          if (x[r] > best) {
            best = x[r];
            where = 2;
          }
          if (x[s] > best) where = 3;
          const v = 0 + grad[o]; // as the general loop's 0 += grad (a −0 gradient gives +0)
          dx[p] = where === 0 ? v : 0;
          dx[q] = where === 1 ? v : 0;
          dx[r] = where === 2 ? v : 0;
          dx[s] = where === 3 ? v : 0;
        }
        p += C;
      }
    }
  }
}

/**
 * 2×2 windows at stride 2 that start at the image's corner (no padding) take the specialised
 * code: generated SIMD on the heap where the engine has it, else the specialised loop.
 */
function scatterMaxPoolGrad(
  x: Float32Array,
  grad: Float32Array,
  dx: Float32Array,
  g: PoolGeometry,
  heap?: PoolHeap,
): void {
  const tiles =
    g.windowHeight === 2 &&
    g.windowWidth === 2 &&
    g.strideHeight === 2 &&
    g.strideWidth === 2 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    2 * g.outHeight <= g.inHeight &&
    2 * g.outWidth <= g.inWidth;
  if (!tiles) return scatterToFirstMax(x, grad, dx, g);
  const run = heap?.memory ? maxPoolGrad2x2Run(heap.memory, g.inWidth, g.channels) : undefined;
  if (heap === undefined || run === undefined || g.batch * g.outHeight * g.outWidth * g.channels === 0)
    return scatter2x2ToFirstMax(x, grad, dx, g);
  if (2 * g.outHeight < g.inHeight || 2 * g.outWidth < g.inWidth) dx.fill(0);
  if (2 * g.outHeight === g.inHeight) return run(heap.x, heap.grad, heap.dx, g.batch * g.outHeight, g.outWidth);
  // An odd last row ends each image: one call per image, each starting at its first row.
  const imageBytes = g.inHeight * g.inWidth * g.channels * 4;
  const gradBytes = g.outHeight * g.outWidth * g.channels * 4;
  for (let b = 0; b < g.batch; b++)
    run(heap.x + b * imageBytes, heap.grad + b * gradBytes, heap.dx + b * imageBytes, g.outHeight, g.outWidth);
}

export const maxPoolGradOverride = poolGradOverride(tf.MaxPoolGrad, scatterMaxPoolGrad);
