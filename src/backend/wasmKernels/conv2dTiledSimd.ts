/**
 * The forward convolution (with bias and ReLU) as generated WebAssembly SIMD for layers with ≥ 8
 * output channels (LeNet's conv2: 6 → 16 channels, 5×5, where XNNPACK re-packs the filter on
 * every training step). The product's 4×8 tile (gemm.ts) runs over a 2×2 block of output
 * positions and 8 output channels, reading the patches straight from the (padded) input:
 *
 *   y[b,oh,ow,co] = act(bias[co] + Σ_{fh, q} xp[b, oh·sh + fh, ow·sw, q] · w[fh, q, co]),  q = fw·CI + ci
 *
 * A window row's FW·CI values are contiguous, and the four positions of a 2×2 block are fixed
 * offsets from the first one's window, so per step: four splatted x values, two vectors of the
 * filter row, eight multiply-adds. Each sum starts at the bias and adds the taps in (fh, fw, ci)
 * order, XNNPACK's order, so the results are XNNPACK's bits (test); ReLU is max(acc, 0) (NaN stays
 * NaN, as on cpu). An odd last row or column of blocks, and a last 8-channel tile past a multiple
 * of 8, overlap the one before and recompute the same sums.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { paddedInputSize, patchMatrixFits } from "./patchWalk";
import { SIMD_OP, simdOp } from "./simdLanes";

const TILE_COLUMNS = 8;
const F32X4_SPLAT_LOAD = 0x09; // v128.load32_splat
const F32X4_MAX = 0xe9;

/** Whether the tiled kernel handles the geometry: ≥ 8 output channels, ≥ 2 output rows and columns. */
export function convTiledApplies(g: PatchGeometry, outChannels: number): boolean {
  return (
    outChannels >= TILE_COLUMNS && g.outHeight >= 2 && g.outWidth >= 2 && patchMatrixFits(g) && wasmSimdSupported()
  );
}

/** (xp, filter and bias at the tile's first channel (bias 0: none), y at the tile's first channel: byte offsets) */
type ConvTiledRun = (xp: number, filter: number, bias: number, out: number) => void;

function convTiledBytes(
  g: PatchGeometry,
  outChannels: number,
  bias: boolean,
  relu: boolean,
  sharedMemory: boolean,
): Uint8Array {
  const { batch: B, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, inChannels: CI } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  const CO = outChannels;
  const f = new WasmFunction();
  const xp = f.param(I32);
  const w = f.param(I32);
  const biasAt = f.param(I32);
  const out = f.param(I32);
  const [image, blockRow, blockColumn, tapRow, tapValue] = f.localArray(I32, 5);
  const [xRow, outRow, xBlock, outBlock, xk, wk] = f.localArray(I32, 6);
  const acc = f.localArray(V128, 8); // acc[r·2 + h]: position r of the block, channels 4h…4h+3
  const [w0, w1, splat, zero] = f.localArray(V128, 4);
  const countDown = (local: number) => {
    f.countDownAndRepeat(local);
  };
  const xStep = g.strideWidth * CI * 4; // one output column on, in xp
  const xRowStep = g.strideHeight * WP * CI * 4; // one output row down, in xp
  const xAt = [0, xStep, xRowStep, xRowStep + xStep];
  const outAt = [0, CO * 4, OW * CO * 4, (OW + 1) * CO * 4];

  /** The 2×2 block at xBlock / outBlock, 8 channels. */
  const block = () => {
    for (let r = 0; r < 4; r++) {
      for (let h = 0; h < 2; h++) {
        if (bias) simdOp(f.get(biasAt), SIMD_OP.load, ...memarg(h * 16, 2));
        else f.get(zero);
        f.set(acc[r * 2 + h]);
      }
    }
    f.get(xBlock).set(xk);
    f.get(w).set(wk);
    f.i32(FH).set(tapRow);
    f.loop(() => {
      f.i32(FW * CI).set(tapValue);
      f.loop(() => {
        f.get(wk);
        simdOp(f, SIMD_OP.load, ...memarg(0, 2));
        f.set(w0);
        f.get(wk);
        simdOp(f, SIMD_OP.load, ...memarg(16, 2));
        f.set(w1);
        for (let r = 0; r < 4; r++) {
          f.get(xk);
          simdOp(f, F32X4_SPLAT_LOAD, ...memarg(xAt[r], 2));
          f.set(splat);
          for (const [h, wv] of [w0, w1].entries()) {
            f.get(acc[r * 2 + h])
              .get(splat)
              .get(wv);
            simdOp(f, SIMD_OP.f32x4Mul);
            simdOp(f, SIMD_OP.f32x4Add);
            f.set(acc[r * 2 + h]);
          }
        }
        f.addTo(xk, 4);
        f.addTo(wk, CO * 4);
        countDown(tapValue);
      });
      f.addTo(xk, (WP - FW) * CI * 4);
      countDown(tapRow);
    });
    for (let r = 0; r < 4; r++) {
      for (let h = 0; h < 2; h++) {
        f.get(outBlock).get(acc[r * 2 + h]);
        if (relu) simdOp(f.get(zero), F32X4_MAX);
        simdOp(f, SIMD_OP.store, ...memarg(outAt[r] + h * 16, 2));
      }
    }
  };

  /** Every 2×2 block whose top row is at xRow / outRow (an odd last column: a block at OW − 2). */
  const rowOfBlocks = () => {
    f.get(xRow).set(xBlock);
    f.get(outRow).set(outBlock);
    f.i32(Math.floor(OW / 2)).set(blockColumn);
    f.loop(() => {
      block();
      f.addTo(xBlock, 2 * xStep);
      f.addTo(outBlock, 2 * CO * 4);
      countDown(blockColumn);
    });
    if (OW % 2 === 1) {
      f.addTo(xBlock, -xStep);
      f.addTo(outBlock, -CO * 4);
      block();
    }
  };

  f.get(xp).set(xRow);
  f.get(out).set(outRow);
  f.i32(B).set(image);
  f.loop(() => {
    f.i32(Math.floor(OH / 2)).set(blockRow);
    f.loop(() => {
      rowOfBlocks();
      f.addTo(xRow, 2 * xRowStep);
      f.addTo(outRow, 2 * OW * CO * 4);
      countDown(blockRow);
    });
    if (OH % 2 === 1) {
      // The last row: a block row starting one row up (its first row recomputed).
      f.addTo(xRow, -xRowStep);
      f.addTo(outRow, -OW * CO * 4);
      rowOfBlocks();
      f.addTo(xRow, 2 * xRowStep);
      f.addTo(outRow, 2 * OW * CO * 4);
    }
    // Next image: from row OH·sh of this image to row 0 of the next.
    f.addTo(xRow, (HP - OH * g.strideHeight) * WP * CI * 4);
    countDown(image);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<ConvTiledRun>("run");

/**
 * y [b, oh, ow, co] at `out` from the padded input at `xp`, the filter [fh, fw, ci, co] at `filter`
 * and the bias at `bias` (0: none): byte offsets on `memory`.
 */
export function convTiled(
  memory: WebAssembly.Memory,
  g: PatchGeometry,
  outChannels: number,
  relu: boolean,
  xp: number,
  filter: number,
  bias: number,
  out: number,
): void {
  const hasBias = bias !== 0;
  const key = [g.batch, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth, g.inChannels, g.strideHeight];
  const run = runs.get(memory, [...key, g.strideWidth, outChannels, hasBias, relu].join(","), (shared) =>
    convTiledBytes(g, outChannels, hasBias, relu, shared),
  );
  for (let co = 0; co < outChannels; co += TILE_COLUMNS) {
    const c = Math.min(co, outChannels - TILE_COLUMNS); // the last tile ends at the last channel
    run(xp, filter + c * 4, hasBias ? bias + c * 4 : 0, out + c * 4);
  }
}
