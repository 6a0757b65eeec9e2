/**
 * Conv2DBackpropInput as cols = dy · Wᵀ on optimlab's SIMD product, then col2im as generated
 * WebAssembly SIMD (LeNet's conv2: 2.2 ms on XNNPACK's full convolution, where about half the taps
 * of the padded dy are zeros).
 *
 * cols [P = b·oh·ow, K = fh·fw·ci] holds each output position's gradient for its input patch; the
 * generated code adds every patch back onto a zero-padded dx, dxp [b, (oh−1)·sh + fh, (ow−1)·sw +
 * fw, ci], in which every tap lies inside (no bounds checks), channels in chunks of 4, 2 and 1
 * lanes; the interior is then copied into dx (or dxp is dx itself when the padding is 0 and the
 * windows cover the image exactly). Each dx cell sums its taps in position order, not in the cpu
 * backend's order: float32 rounding differences only (test tolerance 1e-5 of the largest value,
 * as for the XNNPACK paths). The window-by-window walk is patchWalk.ts's, shared with im2col.
 */
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { PatchWalk, paddedInputSize, patchWalkApplies } from "./patchWalk";
import { SIMD_OP, loadLanes, simdOp, storeLanes } from "./simdLanes";

/** Whether the col2im code handles the geometry (SIMD, patch matrix that fits, unrolled body of bounded size). */
export function col2imSimdApplies(g: PatchGeometry): boolean {
  return patchWalkApplies(g);
}

// dxp[window corner + (fh, fw, c)] += cols[position, (fh, fw, c)]
const col2im = new PatchWalk((f, dxp, cols, dxpAt, colsAt, lanes) => {
  f.get(dxp); // the store's address
  f.get(dxp);
  loadLanes(f, lanes, dxpAt);
  f.get(cols);
  loadLanes(f, lanes, colsAt);
  simdOp(f, SIMD_OP.f32x4Add);
  storeLanes(f, lanes, dxpAt);
});

/** Adds every row of cols onto the zeroed padded dx at `dxp` (byte offsets on `memory`). */
export function col2imAddSimd(memory: WebAssembly.Memory, g: PatchGeometry, cols: number, dxp: number): void {
  col2im.run(memory, g, dxp, cols);
}

/** Whether dxp is dx itself: no padding before, and the windows span exactly the image. */
export function paddedIsInput(g: PatchGeometry): boolean {
  const { rows, columns } = paddedInputSize(g);
  return g.padTop === 0 && g.padLeft === 0 && rows === g.inHeight && columns === g.inWidth;
}

/** dx[b, ih, iw, :] = dxp[b, ih + top, iw + left, :] where that lies inside dxp, else 0. */
export function copyInterior(dxp: Float32Array, g: PatchGeometry, dx: Float32Array): void {
  const { batch: B, inHeight: H, inWidth: W, inChannels: C } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  dx.fill(0);
  const colLo = Math.max(0, -g.padLeft);
  const colHi = Math.min(W, WP - g.padLeft);
  if (colHi <= colLo) return;
  for (let b = 0; b < B; b++) {
    for (let ih = 0; ih < H; ih++) {
      const r = ih + g.padTop;
      if (r < 0 || r >= HP) continue;
      const from = ((b * HP + r) * WP + colLo + g.padLeft) * C;
      dx.set(dxp.subarray(from, from + (colHi - colLo) * C), ((b * H + ih) * W + colLo) * C);
    }
  }
}
