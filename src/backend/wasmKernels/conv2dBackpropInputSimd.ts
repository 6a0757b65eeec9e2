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
 * as for the XNNPACK paths).
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { SIMD_OP, channelChunks, loadLanes, simdOp, storeLanes, type Lanes } from "./simdLanes";

/** Most vector additions per output position that the generated (unrolled) code may hold. */
const MAX_UNROLLED_ADDS = 1024;

/** Rows and columns of the padded dx that the windows span. */
export function paddedInputSize(g: PatchGeometry): { rows: number; columns: number } {
  return {
    rows: (g.outHeight - 1) * g.strideHeight + g.filterHeight,
    columns: (g.outWidth - 1) * g.strideWidth + g.filterWidth,
  };
}

/**
 * Largest patch matrix (b·oh·ow × fh·fw·ci floats, 128 MB) the product routes allocate; bigger
 * layers keep XNNPACK's convolutions, which need no such temporary (the wasm heap ends at 4 GB).
 */
export const MAX_PATCH_FLOATS = 1 << 25;

/** Whether the patch matrix of this geometry is non-empty and within {@link MAX_PATCH_FLOATS}. */
export function patchMatrixFits(g: PatchGeometry): boolean {
  const floats = g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels;
  return floats > 0 && floats <= MAX_PATCH_FLOATS;
}

/** Whether the col2im code handles the geometry (SIMD, patch matrix that fits, unrolled body of bounded size). */
export function col2imSimdApplies(g: PatchGeometry): boolean {
  const adds = g.filterHeight * g.filterWidth * channelChunks(g.inChannels).length;
  return wasmSimdSupported() && patchMatrixFits(g) && adds <= MAX_UNROLLED_ADDS;
}

/** (cols, dxp byte offsets; images = batch ≥ 1) */
type Col2imRun = (cols: number, dxp: number, images: number) => void;

function col2imBytes(g: PatchGeometry, sharedMemory: boolean): Uint8Array {
  const { outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, inChannels: CI } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  const K = FH * FW * CI;
  const f = new WasmFunction();
  const cols = f.param(I32);
  const dxp = f.param(I32);
  const images = f.param(I32);
  const row = f.local(I32);
  const column = f.local(I32);
  const sum = f.local(V128);
  const load = (lanes: Lanes, offset: number) => loadLanes(f, lanes, offset);
  const store = (lanes: Lanes, offset: number) => storeLanes(f, lanes, offset);
  const chunks = channelChunks(CI);
  f.loop(() => {
    f.i32(OH).set(row);
    f.loop(() => {
      f.i32(OW).set(column);
      f.loop(() => {
        // dxp[window corner + (fh, fw, c)] += cols[position, (fh, fw, c)]
        for (let fh = 0; fh < FH; fh++) {
          for (let fw = 0; fw < FW; fw++) {
            for (const { offset, lanes } of chunks) {
              const at = ((fh * WP + fw) * CI + offset) * 4;
              f.get(dxp);
              load(lanes, at);
              f.get(cols);
              load(lanes, ((fh * FW + fw) * CI + offset) * 4);
              simdOp(f, SIMD_OP.f32x4Add);
              f.set(sum);
              f.get(dxp).get(sum);
              store(lanes, at);
            }
          }
        }
        f.get(cols)
          .i32(K * 4)
          .op(OP.i32Add)
          .set(cols);
        f.get(dxp)
          .i32(g.strideWidth * CI * 4)
          .op(OP.i32Add)
          .set(dxp);
        f.get(column).i32(-1).op(OP.i32Add).tee(column);
        f.op(OP.brIf, 0);
      });
      // Next output row: the window corner moves down sh rows and back to the first column.
      f.get(dxp)
        .i32((g.strideHeight * WP - OW * g.strideWidth) * CI * 4)
        .op(OP.i32Add)
        .set(dxp);
      f.get(row).i32(-1).op(OP.i32Add).tee(row);
      f.op(OP.brIf, 0);
    });
    // Next image: from row OH·sh of this image to row 0 of the next.
    f.get(dxp)
      .i32((HP - OH * g.strideHeight) * WP * CI * 4)
      .op(OP.i32Add)
      .set(dxp);
    f.get(images).i32(-1).op(OP.i32Add).tee(images);
    f.op(OP.brIf, 0);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<Col2imRun>("run");

/** Adds every row of cols onto the zeroed padded dx at `dxp` (byte offsets on `memory`). */
export function col2imAddSimd(memory: WebAssembly.Memory, g: PatchGeometry, cols: number, dxp: number): void {
  const { rows: HP, columns: WP } = paddedInputSize(g);
  const key = [
    g.outHeight,
    g.outWidth,
    g.filterHeight,
    g.filterWidth,
    g.inChannels,
    g.strideHeight,
    g.strideWidth,
    HP,
    WP,
  ];
  runs.get(memory, key.join(","), (shared) => col2imBytes(g, shared))(cols, dxp, g.batch);
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
