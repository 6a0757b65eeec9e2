/**
 * im2col as generated WebAssembly SIMD: cols [P = b·oh·ow, K = fh·fw·ci] gets, for every output
 * position, its input patch, copied from a zero-padded x, xp [b, (oh−1)·sh + fh, (ow−1)·sw + fw,
 * ci] (x itself when the padding is 0 and the windows span the image), in which every tap lies
 * inside. Each tap is a run of ci floats, copied in chunks of 4, 2 and 1 lanes. Used by the filter
 * gradient, dW = colsᵀ · dy on optimlab's SIMD product (conv2dBackpropFilter.ts). Copies only:
 * the same bits as the JavaScript im2col.
 */
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { PatchWalk, paddedInputSize, patchWalkApplies } from "./patchWalk";
import { loadLanes, storeLanes } from "./simdLanes";

/** Whether the im2col code handles the geometry (SIMD, patch matrix that fits, unrolled body of bounded size). */
export function im2colSimdApplies(g: PatchGeometry): boolean {
  return patchWalkApplies(g);
}

// cols[position, (fh, fw, c)] = xp[window corner + (fh, fw, c)]
const im2col = new PatchWalk((f, xp, cols, xpAt, colsAt, lanes) => {
  f.get(cols);
  f.get(xp);
  loadLanes(f, lanes, xpAt);
  storeLanes(f, lanes, colsAt);
});

/** Writes cols [P, K] from the padded x at `xp` (byte offsets on `memory`). */
export function im2colSimd(memory: WebAssembly.Memory, g: PatchGeometry, xp: number, cols: number): void {
  im2col.run(memory, g, xp, cols);
}

/** xp[b, r, c, :] = x[b, r − top, c − left, :] inside the image, 0 elsewhere (xp written in full). */
export function padInput(x: Float32Array, g: PatchGeometry, xp: Float32Array): void {
  const { batch: B, inHeight: H, inWidth: W, inChannels: C } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  xp.fill(0);
  const colLo = Math.max(0, g.padLeft);
  const colHi = Math.min(WP, W + g.padLeft);
  if (colHi <= colLo) return;
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < HP; r++) {
      const xr = r - g.padTop;
      if (xr < 0 || xr >= H) continue;
      const from = ((b * H + xr) * W + colLo - g.padLeft) * C;
      xp.set(x.subarray(from, from + (colHi - colLo) * C), ((b * HP + r) * WP + colLo) * C);
    }
  }
}
