/**
 * What im2col (filter gradient) and col2im (input gradient) share: the zero-padded input plane
 * whose every window lies inside, the size limit on the patch matrix, and the generated loop that
 * visits every output position's window. cols [P = b·oh·ow, K = fh·fw·ci] has one row per output
 * position; the plane [b, (oh−1)·sh + fh, (ow−1)·sw + fw, ci] is walked window by window, so one
 * unrolled body per tap needs no bounds checks. The two kernels differ only in that body (copy a
 * tap into cols, or add a tap of cols onto the plane).
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { PatchGeometry } from "./conv2dBackpropFilter";
import { channelChunks, type Lanes } from "./simdLanes";

/** Most vector operations per output position that the generated (unrolled) body may hold. */
const MAX_UNROLLED_TAPS = 1024;

/**
 * Largest patch matrix (b·oh·ow × fh·fw·ci floats, 128 MB) the product routes allocate; bigger
 * layers keep XNNPACK's convolutions, which need no such temporary (the wasm heap ends at 4 GB).
 */
export const MAX_PATCH_FLOATS = 1 << 25;

/** Rows and columns of the padded plane that the windows span. */
export function paddedInputSize(g: PatchGeometry): { rows: number; columns: number } {
  return {
    rows: (g.outHeight - 1) * g.strideHeight + g.filterHeight,
    columns: (g.outWidth - 1) * g.strideWidth + g.filterWidth,
  };
}

/** Whether the patch matrix of this geometry is non-empty and within {@link MAX_PATCH_FLOATS}. */
export function patchMatrixFits(g: PatchGeometry): boolean {
  const floats = g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels;
  return floats > 0 && floats <= MAX_PATCH_FLOATS;
}

/** Whether a generated walk handles the geometry (SIMD, patch matrix that fits, unrolled body of bounded size). */
export function patchWalkApplies(g: PatchGeometry): boolean {
  const taps = g.filterHeight * g.filterWidth * channelChunks(g.inChannels).length;
  return wasmSimdSupported() && patchMatrixFits(g) && taps <= MAX_UNROLLED_TAPS;
}

/**
 * Emits the work of one tap chunk: `plane` and `cols` are locals holding the window corner and the
 * position's cols row; `planeAt` and `colsAt` are the chunk's byte offsets from them.
 */
export type PatchTap = (
  f: WasmFunction,
  plane: number,
  cols: number,
  planeAt: number,
  colsAt: number,
  lanes: Lanes,
) => void;

/** (plane, cols byte offsets; images = batch ≥ 1) */
type PatchWalkRun = (plane: number, cols: number, images: number) => void;

function patchWalkBytes(g: PatchGeometry, tap: PatchTap, sharedMemory: boolean): Uint8Array {
  const { outHeight: OH, outWidth: OW, filterHeight: FH, filterWidth: FW, inChannels: CI } = g;
  const { rows: HP, columns: WP } = paddedInputSize(g);
  const K = FH * FW * CI;
  const f = new WasmFunction();
  const plane = f.param(I32);
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
        for (let fh = 0; fh < FH; fh++) {
          for (let fw = 0; fw < FW; fw++) {
            for (const { offset, lanes } of chunks) {
              tap(f, plane, cols, ((fh * WP + fw) * CI + offset) * 4, ((fh * FW + fw) * CI + offset) * 4, lanes);
            }
          }
        }
        // Next position: the next cols row, the window corner sw columns on.
        f.addTo(cols, K * 4);
        f.addTo(plane, g.strideWidth * CI * 4);
        f.countDownAndRepeat(column);
      });
      // Next output row: the window corner moves down sh rows and back to the first column.
      f.addTo(plane, (g.strideHeight * WP - OW * g.strideWidth) * CI * 4);
      f.countDownAndRepeat(row);
    });
    // Next image: from row OH·sh of this image to row 0 of the next.
    f.addTo(plane, (HP - OH * g.strideHeight) * WP * CI * 4);
    f.countDownAndRepeat(images);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

/** One kind of walk (its tap body), its modules compiled once per geometry and memory. */
export class PatchWalk {
  private readonly runs = new BoundFunctions<PatchWalkRun>("run");

  constructor(private readonly tap: PatchTap) {}

  /** Runs the walk over `g.batch` images: plane and cols are byte offsets on `memory`. */
  run(memory: WebAssembly.Memory, g: PatchGeometry, plane: number, cols: number): void {
    const { rows, columns } = paddedInputSize(g);
    const key = [g.outHeight, g.outWidth, g.filterHeight, g.filterWidth, g.inChannels, g.strideHeight, g.strideWidth];
    this.runs.get(memory, [...key, rows, columns].join(","), (shared) => patchWalkBytes(g, this.tap, shared))(
      plane,
      cols,
      g.batch,
    );
  }
}
