/**
 * Conv2DBackpropFilter at stride 1 as generated WebAssembly SIMD, for layers with few input
 * channels (LeNet's first layer: 1 channel in, 6 out), where XNNPACK's swapped convolution (see
 * conv2dBackpropFilter.ts) runs with a 28×28×64×6 "filter" that it re-packs on every call.
 *
 *   dW[fh,fw,ci,co] = Σ_{b,oh,ow} xp[ci,b,oh+fh,ow+fw] · dyᵀ[co,b,oh,ow]
 *
 * x is first copied into a zero-padded planar layout xp [ci, b, OH+FH−1, OWp+FW−1] and dy into
 * dyᵀ [co, b, oh, OWp], OWp = OW rounded up to 4 with zero lanes, so that every tap reads
 * contiguous rows. One generated call sums, for one (fh, ci) and a block of one or two output
 * channels, all FW taps at once: FW·block vector accumulators, four output columns per lane
 * group, over every (b, oh) row; the lanes are added at the end. The sums are the cpu backend's
 * terms in another order (four interleaved partial sums), so results agree to float32 rounding
 * (test tolerance 1e-5 of the largest value, as for the XNNPACK paths). A padded lane multiplies
 * a zero gradient by an input value: an infinite input there would add a NaN that the cpu
 * backend does not have.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { SIMD_OP, simdOp } from "./simdLanes";

/** Most vector accumulators per call (x64 has 16 vector registers: accumulators + gradients + one input). */
const MAX_ACCUMULATORS = 12;
/**
 * Vectors a block may keep live without spilling. TurboFan loads a step's FW input vectors before
 * its first multiply, so a block of J channels holds J·FW accumulators + J gradients + FW inputs:
 * with 5 taps, two channels (17 vectors) spilled two accumulators to the stack and ran LeNet's
 * conv1 at 0.68 ms, one channel at 0.38 ms; with 3 taps two channels win (0.10 vs 0.16 ms).
 */
const LIVE_VECTORS = 15;

/** The padded layouts' sizes for a geometry. */
export interface FilterGradLayout {
  /** Output columns rounded up to a multiple of 4. */
  paddedOutWidth: number;
  /** Rows of xp per image: outHeight + filterHeight − 1. */
  paddedHeight: number;
  /** Columns of xp: paddedOutWidth + filterWidth − 1. */
  paddedWidth: number;
  /** Output channels per generated call (1 or 2). */
  block: number;
}

export function filterGradLayout(g: PatchGeometry, outChannels: number): FilterGradLayout {
  const paddedOutWidth = Math.ceil(g.outWidth / 4) * 4;
  return {
    paddedOutWidth,
    paddedHeight: g.outHeight + g.filterHeight - 1,
    paddedWidth: paddedOutWidth + g.filterWidth - 1,
    block: outChannels >= 2 && 2 * g.filterWidth + 2 + g.filterWidth <= LIVE_VECTORS ? 2 : 1,
  };
}

/** Whether this kernel handles the geometry (stride 1, taps per row that fit the accumulators). */
export function filterGradSimdApplies(g: PatchGeometry): boolean {
  return (
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.filterWidth <= MAX_ACCUMULATORS &&
    g.batch * g.outHeight * g.outWidth > 0 &&
    wasmSimdSupported()
  );
}

/** xp[ci, b, r, c] = x[b, r − top, c − left, ci] inside the image, 0 outside (xp written in full). */
export function packPaddedPlanes(x: Float32Array, g: PatchGeometry, layout: FilterGradLayout, xp: Float32Array): void {
  const { batch: B, inHeight: H, inWidth: W, inChannels: C } = g;
  const { paddedHeight: HP, paddedWidth: WP } = layout;
  xp.fill(0);
  const colLo = Math.max(0, g.padLeft);
  const colHi = Math.min(WP, W + g.padLeft);
  for (let ci = 0; ci < C; ci++) {
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < HP; r++) {
        const xr = r - g.padTop;
        if (xr < 0 || xr >= H) continue;
        let dst = ((ci * B + b) * HP + r) * WP + colLo;
        let src = ((b * H + xr) * W + colLo - g.padLeft) * C + ci;
        for (let c = colLo; c < colHi; c++, dst++, src += C) xp[dst] = x[src];
      }
    }
  }
}

/** dyᵀ[co, b, oh, ow] = dy[b, oh, ow, co], rows padded with zeros to paddedOutWidth. */
export function packGradientRows(
  dy: Float32Array,
  g: PatchGeometry,
  outChannels: number,
  layout: FilterGradLayout,
  dyT: Float32Array,
): void {
  const rows = g.batch * g.outHeight;
  const OW = g.outWidth;
  const OWP = layout.paddedOutWidth;
  if (OWP !== OW) dyT.fill(0);
  for (let co = 0; co < outChannels; co++) {
    for (let row = 0; row < rows; row++) {
      let dst = (co * rows + row) * OWP;
      let src = row * OW * outChannels + co;
      for (let ow = 0; ow < OW; ow++, dst++, src += outChannels) dyT[dst] = dy[src];
    }
  }
}

/** (xp row of (ci, b = 0, fh), dyᵀ row of (co, b = 0, oh = 0), dW cell (fh, fw = 0, ci, co): byte offsets) */
export type FilterGradRun = (x: number, dy: number, out: number) => void;

/** The module summing one (fh, ci, channel block) over every (b, oh) row, for this geometry. */
export function filterGradBytes(
  g: PatchGeometry,
  outChannels: number,
  layout: FilterGradLayout,
  sharedMemory: boolean,
): Uint8Array {
  const { batch: B, outHeight: OH, filterWidth: FW, inChannels: CI } = g;
  const { paddedOutWidth: OWP, paddedHeight: HP, paddedWidth: WP, block: J } = layout;
  const f = new WasmFunction();
  const x = f.param(I32);
  const dy = f.param(I32);
  const out = f.param(I32);
  const image = f.local(I32);
  const row = f.local(I32);
  const quad = f.local(I32);
  const acc = f.localArray(V128, FW * J);
  const d = f.localArray(V128, J);
  const xv = f.local(V128);
  const simd = (opcode: number, ...immediates: number[]) => simdOp(f, opcode, ...immediates);
  const channelBytes = B * OH * OWP * 4; // from one output channel's dyᵀ to the next
  // Accumulators start at 0 (locals are zero-initialised).
  f.i32(B).set(image);
  f.loop(() => {
    f.i32(OH).set(row);
    f.loop(() => {
      // The row's four-column groups as a loop, not unrolled: a small body whose loads TurboFan
      // cannot schedule far ahead of their use (same sums in the same order as unrolled).
      f.i32(OWP / 4).set(quad);
      f.loop(() => {
        for (let j = 0; j < J; j++) {
          f.get(dy);
          simd(SIMD_OP.load, ...memarg(j * channelBytes, 2));
          f.set(d[j]);
        }
        for (let fw = 0; fw < FW; fw++) {
          f.get(x);
          simd(SIMD_OP.load, ...memarg(fw * 4, 2));
          f.set(xv);
          for (let j = 0; j < J; j++) {
            f.get(acc[fw * J + j])
              .get(xv)
              .get(d[j]);
            simd(SIMD_OP.f32x4Mul);
            simd(SIMD_OP.f32x4Add);
            f.set(acc[fw * J + j]);
          }
        }
        f.addTo(x, 16);
        f.addTo(dy, 16);
        f.countDownAndRepeat(quad);
      });
      // From the end of this row's columns to the next row (dyᵀ rows are contiguous).
      f.get(x)
        .i32((WP - OWP) * 4)
        .op(OP.i32Add)
        .set(x);
      f.countDownAndRepeat(row);
    });
    // From the row after this image's last one to the next image's first (same fh).
    f.get(x)
      .i32((HP - OH) * WP * 4)
      .op(OP.i32Add)
      .set(x);
    f.countDownAndRepeat(image);
  });
  // dW[fh, fw, ci, co + j] = (lane0 + lane1) + (lane2 + lane3)
  for (let fw = 0; fw < FW; fw++) {
    for (let j = 0; j < J; j++) {
      const a = acc[fw * J + j];
      f.get(out);
      f.get(a);
      simd(SIMD_OP.f32x4ExtractLane, 0);
      f.get(a);
      simd(SIMD_OP.f32x4ExtractLane, 1);
      f.op(OP.f32Add);
      f.get(a);
      simd(SIMD_OP.f32x4ExtractLane, 2);
      f.get(a);
      simd(SIMD_OP.f32x4ExtractLane, 3);
      f.op(OP.f32Add, OP.f32Add);
      f.op(OP.f32Store, ...memarg((fw * CI * outChannels + j) * 4, 2));
    }
  }
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<FilterGradRun>("run");

/**
 * dW from the packed xp and dyᵀ (byte offsets on `memory`) into dW [fh, fw, ci, co] at `out`: the
 * filter rows fh in [fhFrom, fhTo) (default all; a row's values do not depend on which rows a call
 * computes).
 */
export function filterGradFromPacked(
  memory: WebAssembly.Memory,
  g: PatchGeometry,
  outChannels: number,
  layout: FilterGradLayout,
  xp: number,
  dyT: number,
  out: number,
  fhFrom = 0,
  fhTo = g.filterHeight,
): void {
  const { batch: B, outHeight: OH, filterWidth: FW, inChannels: CI } = g;
  const { paddedOutWidth: OWP, paddedHeight: HP, paddedWidth: WP, block } = layout;
  const key = (J: number) => [B, OH, FW, CI, outChannels, OWP, HP, WP, J].join(",");
  const run = (J: number) =>
    runs.get(memory, key(J), (shared) => filterGradBytes(g, outChannels, { ...layout, block: J }, shared));
  const full = run(block);
  const single = outChannels % block === 0 ? full : run(1);
  for (let fh = fhFrom; fh < fhTo; fh++) {
    for (let ci = 0; ci < CI; ci++) {
      const xRow = xp + (ci * B * HP + fh) * WP * 4;
      for (let co = 0; co < outChannels; co += block) {
        const fn = co + block <= outChannels ? full : single;
        fn(xRow, dyT + co * B * OH * OWP * 4, out + ((fh * FW * CI + ci) * outChannels + co) * 4);
      }
    }
  }
}
