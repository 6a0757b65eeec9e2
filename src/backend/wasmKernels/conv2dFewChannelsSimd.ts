/**
 * The forward convolution (with bias and ReLU) at stride 1 as generated WebAssembly SIMD, for
 * layers with few input channels (LeNet's first layer: 1 channel in, 6 out). XNNPACK runs such a
 * layer as an indirect product whose depth per tap is the channel count (1), re-packs the filter
 * on every training step (the weights change) and fills 8-wide output tiles with 6 channels.
 *
 *   y[b,oh,ow,co] = act(bias[co] + Σ_{fh,fw,ci} xp[ci,b,oh+fh,ow+fw] · w[fh,fw,ci,co])
 *
 * x is copied into the zero-padded planar layout of the filter gradient (xp [ci, b, OH+FH−1,
 * OWp+FW−1], conv2dBackpropFilterSimd.ts), so four neighbouring output columns are one vector
 * load per tap. One generated call walks every (b, oh) row for a block of output channels, up to
 * four groups of four columns side by side (each splatted weight serves them all): per group and
 * channel, one accumulator starts at the bias and adds x·w tap by tap in
 * (fh, fw, ci) order — XNNPACK's order (bias first, then the taps, padding as zeros), so the
 * results are XNNPACK's bits (test) — then ReLU as max(acc, 0), and the lanes are stored to the
 * channels-last output one float at a time.
 *
 * Zero input rows: a first layer's input is often mostly zero (MNIST's background: 80% of the
 * pixels, 29% of the rows). Before each filter row's taps, the call ORs the input values those taps
 * read for its column groups (4·groups + FW − 1 floats per channel) and skips the taps when every
 * bit is 0: each skipped term is +0 · w, and adding it leaves a sum that is not −0 unchanged. So
 * the skip is exact only for a finite filter (0 · ∞ is NaN) and sums that cannot be −0 (a bias
 * of −0 could be); {@link convFewChannels} checks both (150 floats for LeNet) and otherwise runs
 * the kernel without the test.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import type { FilterGradLayout } from "./conv2dBackpropFilterSimd";
import { SIMD_OP, simdOp } from "./simdLanes";

/**
 * Accumulators per generated call (channels × four-column groups). With the group's input vectors
 * and one weight they stay in x64's 16 vector registers; TurboFan issues a step's loads first, so
 * 12 accumulators (6 channels × 2 groups) spilled: 0.59 ms for LeNet's conv1, against 0.42 ms for
 * 6 × 1, 0.38 for 3 × 2 and 0.365 for 2 × 4 (best of 50 each, load 2.4–2.8).
 */
const MAX_ACCUMULATORS = 8;
/** Four-column groups per step at most (16 output columns). */
const MAX_QUADS = 4;
/** Input channels up to which this kernel is used (first layers: gray or colour images). */
export const MAX_FEW_CHANNELS = 4;
/** Most taps (fh·fw·ci) in the unrolled body. */
const MAX_TAPS = 256;

const F32X4_MAX = 0xe9;
const F32X4_SPLAT_LOAD = 0x09; // v128.load32_splat

/** Whether this kernel handles the geometry (stride 1, few input channels, a body of bounded size). */
export function convFewChannelsApplies(g: PatchGeometry): boolean {
  return (
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.inChannels <= MAX_FEW_CHANNELS &&
    g.filterHeight * g.filterWidth * g.inChannels <= MAX_TAPS &&
    g.batch * g.outHeight * g.outWidth > 0 &&
    wasmSimdSupported()
  );
}

/** (xp, filter, bias: byte offsets, bias 0 = none; out: first channel of the block in y) */
export type ConvFewChannelsRun = (xp: number, filter: number, bias: number, out: number) => void;

/** Options of one generated kernel: block channels of outChannels, with or without bias and ReLU. */
export interface ConvBlock {
  outChannels: number;
  /** Output channels this call computes. */
  block: number;
  /** Four-column groups side by side per step (block · quads ≤ MAX_ACCUMULATORS). */
  quads: number;
  bias: boolean;
  relu: boolean;
  /** Skip a filter row's taps where the input they read is all +0 (needs a finite filter and no −0 bias). */
  skipZeroRows: boolean;
}

export function convFewChannelsBytes(
  g: PatchGeometry,
  layout: FilterGradLayout,
  c: ConvBlock,
  sharedMemory: boolean,
): Uint8Array {
  const { batch: B, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, inChannels: CI } = g;
  const { paddedHeight: HP, paddedWidth: WP } = layout;
  const CO = c.outChannels;
  const J = c.block;
  const f = new WasmFunction();
  const xp = f.param(I32);
  const w = f.param(I32);
  const bias = f.param(I32);
  const out = f.param(I32);
  const image = f.local(I32);
  const row = f.local(I32);
  const quad = f.local(I32);
  const xq = f.local(I32);
  const xt = f.local(I32);
  const wt = f.local(I32);
  const tapRow = f.local(I32);
  const tapColumn = f.local(I32);
  // xt and wt at the start of a filter row (the taps move them on; a skipped row does not).
  const rowX = f.local(I32);
  const rowW = f.local(I32);
  const Q = c.quads;
  const acc = f.localArray(V128, J * Q);
  const xv = f.localArray(V128, Q);
  const zero = f.local(V128); // zero-initialised
  const wsplat = f.local(V128);
  const seen = f.local(V128);
  const simd = (opcode: number, ...immediates: number[]) => simdOp(f, opcode, ...immediates);
  const planeBytes = B * HP * WP * 4; // from one input channel's plane to the next
  const fullQuads = Math.floor(OW / 4);
  const tailLanes = OW % 4;

  /** One filter row's FW taps for `nq` column groups, all channels: moves xt and wt on by FW taps. */
  const taps = (nq: number) => {
    f.i32(FW).set(tapColumn);
    f.loop(() => {
      for (let ci = 0; ci < CI; ci++) {
        for (let q = 0; q < nq; q++) {
          f.get(xt);
          simd(SIMD_OP.load, ...memarg(ci * planeBytes + q * 16, 2));
          f.set(xv[q]);
        }
        for (let j = 0; j < J; j++) {
          f.get(wt);
          simd(F32X4_SPLAT_LOAD, ...memarg((ci * CO + j) * 4, 2));
          f.set(wsplat);
          for (let q = 0; q < nq; q++) {
            f.get(acc[q * J + j])
              .get(xv[q])
              .get(wsplat);
            simd(SIMD_OP.f32x4Mul);
            simd(SIMD_OP.f32x4Add);
            f.set(acc[q * J + j]);
          }
        }
      }
      f.addTo(xt, 4);
      f.addTo(wt, CI * CO * 4);
      f.countDownAndRepeat(tapColumn);
    });
  };

  /**
   * Pushes 1 when every bit of the input a filter row's taps read for `nq` column groups is 0: per
   * channel plane, the 4·nq + FW − 1 floats from xt, as whole vectors (the last one overlapping
   * the one before, so nothing past them is read).
   */
  const inputAllZero = (nq: number) => {
    const floats = 4 * nq + FW - 1;
    const offsets: number[] = [];
    for (let v = 0; 4 * v + 4 <= floats; v++) offsets.push(16 * v);
    if (floats % 4 !== 0) offsets.push(4 * (floats - 4));
    f.get(zero).set(seen);
    for (let ci = 0; ci < CI; ci++)
      for (const offset of offsets) {
        f.get(seen).get(xt);
        simd(SIMD_OP.load, ...memarg(ci * planeBytes + offset, 2));
        simd(SIMD_OP.or);
        f.set(seen);
      }
    f.get(seen).simd("v128AnyTrue").op(OP.i32Eqz);
  };

  /** Quads of output columns at xq (input) and out (output), all J channels: `lanes` per quad. */
  const quadBody = (lanesPerQuad: number[]) => {
    const nq = lanesPerQuad.length;
    for (let q = 0; q < nq; q++) {
      for (let j = 0; j < J; j++) {
        if (c.bias) {
          f.get(bias);
          simd(F32X4_SPLAT_LOAD, ...memarg(j * 4, 2));
        } else {
          f.get(zero);
        }
        f.set(acc[q * J + j]);
      }
    }
    f.get(xq).set(xt);
    f.get(w).set(wt);
    f.i32(FH).set(tapRow);
    f.loop(() => {
      f.get(xt).set(rowX);
      f.get(wt).set(rowW);
      f.block(() => {
        if (c.skipZeroRows) {
          inputAllZero(nq);
          f.op(OP.brIf, 0);
        }
        taps(nq);
      });
      // The next filter row: one padded input row down, FW taps of weights on.
      f.get(rowX)
        .i32(WP * 4)
        .op(OP.i32Add)
        .set(xt);
      f.get(rowW)
        .i32(FW * CI * CO * 4)
        .op(OP.i32Add)
        .set(wt);
      f.countDownAndRepeat(tapRow);
    });
    for (let q = 0; q < nq; q++) {
      for (let j = 0; j < J; j++) {
        const a = acc[q * J + j];
        if (c.relu) {
          f.get(a).get(zero);
          simd(F32X4_MAX);
          f.set(a);
        }
        for (let l = 0; l < lanesPerQuad[q]; l++) {
          f.get(out).get(a);
          simd(SIMD_OP.f32x4ExtractLane, l);
          f.op(OP.f32Store, ...memarg(((q * 4 + l) * CO + j) * 4, 2));
        }
      }
    }
  };

  f.i32(B).set(image);
  f.loop(() => {
    f.i32(OH).set(row);
    f.loop(() => {
      f.get(xp).set(xq);
      if (fullQuads >= Q) {
        f.i32(Math.floor(fullQuads / Q)).set(quad);
        f.loop(() => {
          quadBody(new Array<number>(Q).fill(4));
          f.addTo(xq, 16 * Q);
          f.addTo(out, 4 * Q * CO * 4);
          f.countDownAndRepeat(quad);
        });
      }
      const rest = [...new Array<number>(fullQuads % Q).fill(4), ...(tailLanes > 0 ? [tailLanes] : [])];
      if (rest.length > 0) {
        quadBody(rest);
        f.addTo(out, (4 * (rest.length - 1) + rest[rest.length - 1]) * CO * 4);
      }
      f.addTo(xp, WP * 4);
      f.countDownAndRepeat(row);
    });
    // From the row after this image's last output row to the next image's first.
    f.addTo(xp, (HP - OH) * WP * 4);
    f.countDownAndRepeat(image);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<ConvFewChannelsRun>("run");

/**
 * y [b, oh, ow, co] from the padded planes at `xp`, the filter [fh, fw, ci, co] at `filter` and the
 * bias at `bias` (0: none), all byte offsets on `memory`.
 */
export function convFewChannels(
  memory: WebAssembly.Memory,
  g: PatchGeometry,
  layout: FilterGradLayout,
  outChannels: number,
  relu: boolean,
  xp: number,
  filter: number,
  bias: number,
  out: number,
): void {
  const { batch: B, outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, inChannels: CI } = g;
  const hasBias = bias !== 0;
  const skipZeroRows = zeroRowsSkippable(memory, filter, FH * FW * CI * outChannels, hasBias ? bias : 0, outChannels);
  // The most four-column groups a row has (up to 4), then as many channels as accumulators allow.
  const quads = Math.max(1, Math.min(MAX_QUADS, Math.floor(OW / 4)));
  const channelBlock = Math.max(1, Math.floor(MAX_ACCUMULATORS / quads));
  for (let co = 0; co < outChannels; co += channelBlock) {
    const block = Math.min(channelBlock, outChannels - co);
    const spec: ConvBlock = { outChannels, block, quads, bias: hasBias, relu, skipZeroRows };
    const key = [
      B,
      OH,
      OW,
      FH,
      FW,
      CI,
      layout.paddedHeight,
      layout.paddedWidth,
      outChannels,
      block,
      quads,
      hasBias,
      relu,
      skipZeroRows,
    ];
    const run = runs.get(memory, key.join(","), (shared) => convFewChannelsBytes(g, layout, spec, shared));
    run(xp, filter + co * 4, hasBias ? bias + co * 4 : 0, out + co * 4);
  }
}

/**
 * Whether skipping all-zero input rows is exact here: every filter value finite (else 0 · w may
 * be NaN) and no bias value −0 (a sum that starts at −0 becomes +0 when a +0 term is added).
 */
function zeroRowsSkippable(
  memory: WebAssembly.Memory,
  filter: number,
  filterSize: number,
  bias: number,
  channels: number,
): boolean {
  const weights = new Float32Array(memory.buffer, filter, filterSize);
  for (let i = 0; i < filterSize; i++) if (!Number.isFinite(weights[i])) return false;
  if (bias === 0) return true;
  const biases = new Float32Array(memory.buffer, bias, channels);
  for (let i = 0; i < channels; i++) if (Object.is(biases[i], -0)) return false;
  return true;
}
