/**
 * Conv2DBackpropFilter as the product dW = colsᵀ · dy without writing cols: generated WebAssembly
 * SIMD reads each patch value straight from the zero-padded input (LeNet's conv2: 6 → 16
 * channels, where cols [6400, 150] is 3.8 MB and its product streamed it from L3 for every tile).
 *
 *   dW[fh, q, co] = Σ_{b,oh,ow} xp[b, oh·sh + fh, ow·sw, q] · dy[b, oh, ow, co],   q = fw·CI + ci
 *
 * For one filter row fh, the FW·CI values (fw, ci) of a window are contiguous in xp, so the
 * product's 4×8 tile (optimlab's SIMD product, gemm.ts) runs on them as they lie: per output
 * position, four splatted x values of the window row and two vectors of dy's row, eight
 * multiply-adds. Each dW value is one float32 sum over the positions in order, starting at 0 —
 * what the product computes from cols — so the bits are those of im2col + product (test). Rows
 * past the last multiple of 4 (and columns past the last multiple of 8) are a last tile that
 * overlaps the one before: it recomputes the same sums, so the same bits.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { paddedInputSize, patchMatrixFits } from "./patchWalk";
import { SIMD_OP, simdOp } from "./simdLanes";

const TILE_ROWS = 4;
const TILE_COLUMNS = 8;
const F32X4_SPLAT_LOAD = 0x09; // v128.load32_splat

/** Whether the tiled kernel handles the geometry: a window row of ≥ 4 values and ≥ 8 output channels. */
export function filterGradTiledApplies(g: PatchGeometry, outChannels: number): boolean {
  return (
    g.filterWidth * g.inChannels >= TILE_ROWS &&
    outChannels >= TILE_COLUMNS &&
    patchMatrixFits(g) &&
    wasmSimdSupported()
  );
}

/** (xp at the tile's first window value, dy at the tile's first column, dW at the tile's corner: byte offsets) */
type TileRun = (xp: number, dy: number, out: number) => void;

function tileBytes(g: PatchGeometry, outChannels: number, sharedMemory: boolean): Uint8Array {
  const { batch: B, outHeight: OH, outWidth: OW, inChannels: CI } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  const CO = outChannels;
  const f = new WasmFunction();
  const xp = f.param(I32);
  const dy = f.param(I32);
  const out = f.param(I32);
  const image = f.local(I32);
  const row = f.local(I32);
  const column = f.local(I32);
  const acc = f.localArray(V128, TILE_ROWS * 2); // acc[r·2 + h]: row r, columns 4h…4h+3
  const [d0, d1, splat] = f.localArray(V128, 3);
  f.i32(B).set(image);
  f.loop(() => {
    f.i32(OH).set(row);
    f.loop(() => {
      f.i32(OW).set(column);
      f.loop(() => {
        f.get(dy);
        simdOp(f, SIMD_OP.load, ...memarg(0, 2));
        f.set(d0);
        f.get(dy);
        simdOp(f, SIMD_OP.load, ...memarg(16, 2));
        f.set(d1);
        for (let r = 0; r < TILE_ROWS; r++) {
          f.get(xp);
          simdOp(f, F32X4_SPLAT_LOAD, ...memarg(r * 4, 2));
          f.set(splat);
          for (const [h, d] of [d0, d1].entries()) {
            f.get(acc[r * 2 + h])
              .get(splat)
              .get(d);
            simdOp(f, SIMD_OP.f32x4Mul);
            simdOp(f, SIMD_OP.f32x4Add);
            f.set(acc[r * 2 + h]);
          }
        }
        f.addTo(xp, g.strideWidth * CI * 4);
        f.addTo(dy, CO * 4);
        f.countDownAndRepeat(column);
      });
      // Next output row: the window moves down sh rows and back to the first column.
      f.addTo(xp, (g.strideHeight * WP - OW * g.strideWidth) * CI * 4);
      f.countDownAndRepeat(row);
    });
    // Next image: from row OH·sh of this image to row 0 of the next.
    f.addTo(xp, (HP - OH * g.strideHeight) * WP * CI * 4);
    f.countDownAndRepeat(image);
  });
  for (let r = 0; r < TILE_ROWS; r++) {
    for (let h = 0; h < 2; h++) {
      f.get(out).get(acc[r * 2 + h]);
      simdOp(f, SIMD_OP.store, ...memarg((r * CO + 4 * h) * 4, 2));
    }
  }
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<TileRun>("run");

/** Tile starts covering [0, size) with tiles of `tile` (the last one ends at size, overlapping). */
function tileStarts(size: number, tile: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + tile <= size; s += tile) starts.push(s);
  if (size % tile !== 0) starts.push(size - tile);
  return starts;
}

/**
 * dW [fh, fw, ci, co] at `out` from the padded input at `xp` and dy at `dy` (byte offsets on
 * `memory`): the filter rows fh in [fhFrom, fhTo) (default all; each row's values are the same
 * whichever rows a call computes — `fit`'s convolution split gives threads rows of dW).
 */
export function filterGradTiled(
  memory: WebAssembly.Memory,
  g: PatchGeometry,
  outChannels: number,
  xp: number,
  dy: number,
  out: number,
  fhFrom = 0,
  fhTo = g.filterHeight,
): void {
  const { columns: WP } = paddedInputSize(g);
  const windowRow = g.filterWidth * g.inChannels;
  const key = [g.batch, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth, g.inChannels, g.strideHeight];
  const run = runs.get(memory, [...key, g.strideWidth, outChannels].join(","), (shared) =>
    tileBytes(g, outChannels, shared),
  );
  const rowStarts = tileStarts(windowRow, TILE_ROWS);
  const columnStarts = tileStarts(outChannels, TILE_COLUMNS);
  for (let fh = fhFrom; fh < fhTo; fh++) {
    for (const q of rowStarts) {
      for (const co of columnStarts) {
        run(xp + (fh * WP * g.inChannels + q) * 4, dy + co * 4, out + ((fh * windowRow + q) * outChannels + co) * 4);
      }
    }
  }
}
