/**
 * MaxPoolGrad for 2×2 windows at stride 2 without padding (LeNet's pools) as generated
 * WebAssembly SIMD, four channels at a time and without branches.
 *
 * The scalar loops lose most of their time to mispredicted branches (which of the four cells is
 * the maximum is data, not pattern). Here the first-maximum rule of the general loop —
 * best = −∞, then for each cell in row-major order `if (v > best) take it` — becomes four lane
 * comparisons and selects, and each cell's gradient is the window's gradient masked by "taken
 * and no later cell taken". NaNs and −∞ compare false, as in the loop, so a window of those
 * passes no gradient. Windows tile the image, so every covered cell is written once; a last odd
 * row or column (no window covers it) is zeroed by the caller. Channels go in chunks of 4, then 2,
 * then 1 lanes, so any channel count works. Results are the same bits as the scalar loop (the
 * gradient is copied, never summed; `+ 0` turns a −0 gradient into the loop's 0 + −0 = +0).
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import { SIMD_OP, channelChunks, f32x4Const, loadLanes, simdOp, storeLanes } from "./simdLanes";

/** (x, grad, dx byte offsets; window rows = batch · outHeight ≥ 1; windows per row = outWidth ≥ 1) */
export type MaxPoolGrad2x2Run = (x: number, grad: number, dx: number, windowRows: number, outWidth: number) => void;

/** The module for `channels` channels and input rows of `inWidth` cells. */
export function maxPoolGrad2x2Bytes(inWidth: number, channels: number, sharedMemory: boolean): Uint8Array {
  const f = new WasmFunction();
  const x = f.param(I32);
  const grad = f.param(I32);
  const dx = f.param(I32);
  const rows = f.param(I32);
  const outWidth = f.param(I32);
  const column = f.local(I32);
  const [a, b, c, d, g, best, c0, c1, c2, c3, later, minusInf, zero] = f.localArray(V128, 13);
  const C4 = channels * 4;
  const rowBytes = inWidth * C4;
  f32x4Const(f, -Infinity);
  f.set(minusInf);
  f32x4Const(f, 0);
  f.set(zero);
  const chunks = channelChunks(channels).map(({ offset, lanes }) => ({ offset: offset * 4, lanes }));
  const load = (base: number, offset: number, lanes: 4 | 2 | 1, into: number) => {
    f.get(base);
    loadLanes(f, lanes, offset);
    f.set(into);
  };
  // Stores (gradient AND mask) + 0 at dx + offset; `mask` pushes the mask.
  const store = (offset: number, lanes: 4 | 2 | 1, mask: () => void) => {
    f.get(dx);
    f.get(g);
    mask();
    simdOp(f, SIMD_OP.and);
    f.get(zero);
    simdOp(f, SIMD_OP.f32x4Add);
    storeLanes(f, lanes, offset);
  };
  // take = v > best; best = take ? v : best
  const step = (v: number, take: number, last: boolean) => {
    f.get(v).get(best);
    simdOp(f, SIMD_OP.f32x4Gt);
    f.set(take);
    if (last) return;
    f.get(v).get(best).get(take);
    simdOp(f, SIMD_OP.bitselect);
    f.set(best);
  };
  f.loop(() => {
    f.get(outWidth).set(column);
    f.loop(() => {
      for (const { offset, lanes } of chunks) {
        load(x, offset, lanes, a);
        load(x, offset + C4, lanes, b);
        load(x, offset + rowBytes, lanes, c);
        load(x, offset + rowBytes + C4, lanes, d);
        f.get(minusInf).set(best);
        step(a, c0, false);
        step(b, c1, false);
        step(c, c2, false);
        step(d, c3, true);
        // grad for this chunk: the window's C gradients sit at grad + offset.
        load(grad, offset, lanes, g);
        store(offset + rowBytes + C4, lanes, () => f.get(c3));
        store(offset + rowBytes, lanes, () => {
          f.get(c2).get(c3);
          simdOp(f, SIMD_OP.andNot);
        });
        f.get(c3).get(c2);
        simdOp(f, SIMD_OP.or);
        f.set(later);
        store(offset + C4, lanes, () => {
          f.get(c1).get(later);
          simdOp(f, SIMD_OP.andNot);
        });
        f.get(later).get(c1);
        simdOp(f, SIMD_OP.or);
        f.set(later);
        store(offset, lanes, () => {
          f.get(c0).get(later);
          simdOp(f, SIMD_OP.andNot);
        });
      }
      // Next window: two cells on in x and dx, one gradient cell on.
      f.get(x)
        .i32(2 * C4)
        .op(OP.i32Add)
        .set(x);
      f.get(dx)
        .i32(2 * C4)
        .op(OP.i32Add)
        .set(dx);
      f.addTo(grad, C4);
      f.countDownAndRepeat(column);
    });
    // Next window row: x += 2·rowBytes − outWidth·2·C4 (the row pair minus what the windows advanced).
    for (const pointer of [x, dx]) {
      f.get(pointer)
        .i32(2 * rowBytes)
        .op(OP.i32Add);
      f.get(outWidth)
        .i32(2 * C4)
        .op(OP.i32Mul, OP.i32Sub)
        .set(pointer);
    }
    f.countDownAndRepeat(rows);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<MaxPoolGrad2x2Run>("run");

/** The SIMD scatter for this row width and channel count on `memory`, or undefined without wasm SIMD. */
export function maxPoolGrad2x2Run(
  memory: WebAssembly.Memory,
  inWidth: number,
  channels: number,
): MaxPoolGrad2x2Run | undefined {
  if (!wasmSimdSupported()) return undefined;
  return runs.get(memory, `${inWidth}x${channels}`, (shared) => maxPoolGrad2x2Bytes(inWidth, channels, shared));
}
