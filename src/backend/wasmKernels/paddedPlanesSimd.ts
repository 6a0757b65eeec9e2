/**
 * The planar copies that the few-channel convolution and its filter gradient read, as generated
 * WebAssembly: x's zero-padded planes (xp [ci, b, rows, columns], conv2dBackpropFilterSimd.ts) by
 * SIMD row copies when x has one channel (its planes are then x's own rows: LeNet's images), and
 * dy's channel rows dyᵀ [co, b, oh, ow padded to 4] by one load and store per value. For LeNet's
 * conv1 at batch 64: the JavaScript loop for xp took 0.08 ms per call (paid twice per step), the
 * C++ transpose for dyᵀ 0.11 ms. Copies only: the same bits.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { packGradientRows, packPaddedPlanes, type FilterGradLayout } from "./conv2dBackpropFilterSimd";
import { SIMD_OP, simdOp } from "./simdLanes";

/** (x, first xp cell that x's first value goes to: byte offsets) */
type RowCopyRun = (x: number, xp: number) => void;

/** Copies x's B·H rows of W floats into xp rows WP floats apart, skipping the padding rows between images. */
function rowCopyBytes(g: PatchGeometry, layout: FilterGradLayout, sharedMemory: boolean): Uint8Array {
  const { batch: B, inHeight: H, inWidth: W } = g;
  const { paddedHeight: HP, paddedWidth: WP } = layout;
  const f = new WasmFunction();
  const x = f.param(I32);
  const xp = f.param(I32);
  const image = f.local(I32);
  const row = f.local(I32);
  f.i32(B).set(image);
  f.loop(() => {
    f.i32(H).set(row);
    f.loop(() => {
      for (let c = 0; c + 4 <= W; c += 4) {
        f.get(xp).get(x);
        simdOp(f, SIMD_OP.load, ...memarg(c * 4, 2));
        simdOp(f, SIMD_OP.store, ...memarg(c * 4, 2));
      }
      for (let c = W - (W % 4); c < W; c++) {
        f.get(xp).get(x);
        f.op(OP.f32Load, ...memarg(c * 4, 2));
        f.op(OP.f32Store, ...memarg(c * 4, 2));
      }
      f.addTo(x, W * 4);
      f.addTo(xp, WP * 4);
      f.countDownAndRepeat(row);
    });
    f.addTo(xp, (HP - H) * WP * 4);
    f.countDownAndRepeat(image);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<RowCopyRun>("run");

/**
 * xp[ci, b, r, c] = x[b, r − top, c − left, ci] inside the image, 0 outside (xp written in full).
 * `x`/`xp` are views of the tensors at byte offsets `xAt`/`xpAt` on `memory`.
 */
export function fillPaddedPlanes(
  memory: WebAssembly.Memory | undefined,
  g: PatchGeometry,
  layout: FilterGradLayout,
  x: Float32Array,
  xAt: number,
  xp: Float32Array,
  xpAt: number,
): void {
  const { paddedHeight: HP, paddedWidth: WP } = layout;
  // One channel whose image rows lie wholly inside xp's rows (padding ≥ 0 on every side).
  const rowsInside = g.padTop >= 0 && g.padLeft >= 0 && g.padTop + g.inHeight <= HP && g.padLeft + g.inWidth <= WP;
  if (
    memory === undefined ||
    g.inChannels !== 1 ||
    !rowsInside ||
    g.batch * g.inHeight * g.inWidth === 0 ||
    !wasmSimdSupported()
  )
    return packPaddedPlanes(x, g, layout, xp);
  xp.fill(0);
  const key = [g.batch, g.inHeight, g.inWidth, HP, WP].join(",");
  runs.get(memory, key, (shared) => rowCopyBytes(g, layout, shared))(xAt, xpAt + (g.padTop * WP + g.padLeft) * 4);
}

/** (dy, dyᵀ: byte offsets) */
type GradientRowsRun = (dy: number, dyT: number) => void;

/** dyᵀ[co, row, ow] = dy[row, ow, co] for the B·OH rows; the padded lanes are left as they are. */
function gradientRowsBytes(
  rows: number,
  outWidth: number,
  paddedOutWidth: number,
  channels: number,
  sharedMemory: boolean,
  channelRows = rows,
): Uint8Array {
  const f = new WasmFunction();
  const dy = f.param(I32);
  const dyT = f.param(I32);
  const row = f.local(I32);
  const column = f.local(I32);
  const channelBytes = channelRows * paddedOutWidth * 4; // from one channel's rows to the next
  f.i32(rows).set(row);
  f.loop(() => {
    f.i32(outWidth).set(column);
    f.loop(() => {
      for (let co = 0; co < channels; co++) {
        f.get(dyT).get(dy);
        f.op(OP.f32Load, ...memarg(co * 4, 2));
        f.op(OP.f32Store, ...memarg(co * channelBytes, 2));
      }
      f.addTo(dy, channels * 4);
      f.addTo(dyT, 4);
      f.countDownAndRepeat(column);
    });
    f.addTo(dyT, (paddedOutWidth - outWidth) * 4);
    f.countDownAndRepeat(row);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const gradientRuns = new BoundFunctions<GradientRowsRun>("run");

/** Channels up to which the generated copy is used (it is unrolled over the channels). */
const MAX_GRADIENT_CHANNELS = 64;

/**
 * dyᵀ[co, b, oh, ow] = dy[b, oh, ow, co], rows padded with zeros to the layout's paddedOutWidth.
 * `dy`/`dyT` are views of the tensors at byte offsets `dyAt`/`dyTAt` on `memory`. With
 * `channelRows` (> B·OH; the generated copy only), dyᵀ's channel planes hold that many rows and
 * these B·OH rows are a part of each (`fit`'s convolution split: a thread's examples); the padded
 * lanes are then not written.
 */
export function fillGradientRows(
  memory: WebAssembly.Memory | undefined,
  g: PatchGeometry,
  outChannels: number,
  layout: FilterGradLayout,
  dy: Float32Array,
  dyAt: number,
  dyT: Float32Array,
  dyTAt: number,
  channelRows?: number,
): void {
  const rows = g.batch * g.outHeight;
  const { paddedOutWidth: OWP } = layout;
  if (
    memory === undefined ||
    outChannels > MAX_GRADIENT_CHANNELS ||
    rows * g.outWidth * outChannels === 0 ||
    !wasmSimdSupported()
  ) {
    if (channelRows !== undefined)
      throw new Error("fillGradientRows: channelRows needs the generated copy (wasm SIMD, at most 64 channels)");
    return packGradientRows(dy, g, outChannels, layout, dyT);
  }
  if (OWP !== g.outWidth && channelRows === undefined) dyT.fill(0);
  const planeRows = channelRows ?? rows;
  const key = [rows, g.outWidth, OWP, outChannels, planeRows].join(",");
  gradientRuns.get(memory, key, (shared) => gradientRowsBytes(rows, g.outWidth, OWP, outChannels, shared, planeRows))(
    dyAt,
    dyTAt,
  );
}
