/**
 * im2col as generated WebAssembly SIMD: cols [P = b·oh·ow, K = fh·fw·ci] gets, for every output
 * position, its input patch, copied from a zero-padded x, xp [b, (oh−1)·sh + fh, (ow−1)·sw + fw,
 * ci] (x itself when the padding is 0 and the windows span the image), in which every tap lies
 * inside. Each tap is a run of ci floats, copied in chunks of 4, 2 and 1 lanes. Used by the filter
 * gradient, dW = colsᵀ · dy on optimlab's SIMD product (conv2dBackpropFilter.ts). Copies only:
 * the same bits as the JavaScript im2col.
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { paddedInputSize, patchMatrixFits } from "./conv2dBackpropInputSimd";
import { channelChunks, loadLanes, storeLanes } from "./simdLanes";

/** Most vector copies per output position that the generated (unrolled) code may hold. */
const MAX_UNROLLED_COPIES = 1024;

/** Whether the im2col code handles the geometry (SIMD, patch matrix that fits, unrolled body of bounded size). */
export function im2colSimdApplies(g: PatchGeometry): boolean {
  const copies = g.filterHeight * g.filterWidth * channelChunks(g.inChannels).length;
  return wasmSimdSupported() && patchMatrixFits(g) && copies <= MAX_UNROLLED_COPIES;
}

/** (xp, cols byte offsets; images = batch ≥ 1) */
type Im2colRun = (xp: number, cols: number, images: number) => void;

function im2colBytes(g: PatchGeometry, sharedMemory: boolean): Uint8Array {
  const { outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, inChannels: CI } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  const K = FH * FW * CI;
  const f = new WasmFunction();
  const xp = f.param(I32);
  const cols = f.param(I32);
  const images = f.param(I32);
  const row = f.local(I32);
  const column = f.local(I32);
  const chunks = channelChunks(CI);
  f.loop(() => {
    f.i32(OH).set(row);
    f.loop(() => {
      f.i32(OW).set(column);
      f.loop(() => {
        // cols[position, (fh, fw, c)] = xp[window corner + (fh, fw, c)]
        for (let fh = 0; fh < FH; fh++) {
          for (let fw = 0; fw < FW; fw++) {
            for (const { offset, lanes } of chunks) {
              const from = ((fh * WP + fw) * CI + offset) * 4;
              const to = ((fh * FW + fw) * CI + offset) * 4;
              f.get(cols);
              f.get(xp);
              loadLanes(f, lanes, from);
              storeLanes(f, lanes, to);
            }
          }
        }
        f.get(cols)
          .i32(K * 4)
          .op(OP.i32Add)
          .set(cols);
        f.get(xp)
          .i32(g.strideWidth * CI * 4)
          .op(OP.i32Add)
          .set(xp);
        f.get(column).i32(-1).op(OP.i32Add).tee(column);
        f.op(OP.brIf, 0);
      });
      f.get(xp)
        .i32((g.strideHeight * WP - OW * g.strideWidth) * CI * 4)
        .op(OP.i32Add)
        .set(xp);
      f.get(row).i32(-1).op(OP.i32Add).tee(row);
      f.op(OP.brIf, 0);
    });
    f.get(xp)
      .i32((HP - OH * g.strideHeight) * WP * CI * 4)
      .op(OP.i32Add)
      .set(xp);
    f.get(images).i32(-1).op(OP.i32Add).tee(images);
    f.op(OP.brIf, 0);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<Im2colRun>("run");

/** Writes cols [P, K] from the padded x at `xp` (byte offsets on `memory`). */
export function im2colSimd(memory: WebAssembly.Memory, g: PatchGeometry, xp: number, cols: number): void {
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
  runs.get(memory, key.join(","), (shared) => im2colBytes(g, shared))(xp, cols, g.batch);
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
