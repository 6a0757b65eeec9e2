/**
 * The zero-padded planar copy of x (xp [ci, b, rows, columns], conv2dBackpropFilterSimd.ts) that
 * the few-channel convolution and its filter gradient read, as generated SIMD row copies when x
 * has one channel (its planes are then x's own rows: LeNet's images). The JavaScript loop took
 * 0.08 ms per call for LeNet's 64 images, paid twice per step (forward and filter gradient).
 * Copies only: the same bits.
 */
import { WasmFunction, memarg } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { packPaddedPlanes, type FilterGradLayout } from "./conv2dBackpropFilterSimd";
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
  const advance = (local: number, bytes: number) => f.get(local).i32(bytes).op(OP.i32Add).set(local);
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
      advance(x, W * 4);
      advance(xp, WP * 4);
      f.get(row).i32(-1).op(OP.i32Add).tee(row);
      f.op(OP.brIf, 0);
    });
    advance(xp, (HP - H) * WP * 4);
    f.get(image).i32(-1).op(OP.i32Add).tee(image);
    f.op(OP.brIf, 0);
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
