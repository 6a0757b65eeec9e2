/**
 * MaxPool for 2×2 windows at stride 2 without padding (LeNet's pools) as generated WebAssembly
 * SIMD, channels in chunks of 4, 2 and 1 lanes. XNNPACK's pooling took 0.22 ms for LeNet's first
 * pool at batch 64 (6 channels per pixel: its micro-kernel runs mostly on remainders); this pass
 * takes a few hundredths of that.
 *
 * The maximum follows the cpu backend's rule, the one MaxPoolGrad (maxPoolGrad2x2Simd.ts) routes
 * the gradient by: best = −∞, then for each cell in row-major order best = v > best ? v : best
 * (f32x4.pmax(best, v)). So NaN cells are passed over (a window of NaNs gives −∞, as on cpu), and
 * of +0 and −0 the first is kept: the same bits as cpu for every input (test).
 */
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, OP, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import { channelChunks, f32x4Const, loadLanes, simdOp, storeLanes } from "./simdLanes";

const F32X4_PMAX = 0xeb; // pmax(a, b) = a < b ? b : a

/** (x, y byte offsets; window rows = batch · outHeight ≥ 1; windows per row = outWidth ≥ 1) */
export type MaxPool2x2Run = (x: number, y: number, windowRows: number, outWidth: number) => void;

function maxPool2x2Bytes(inWidth: number, channels: number, sharedMemory: boolean): Uint8Array {
  const f = new WasmFunction();
  const x = f.param(I32);
  const y = f.param(I32);
  const rows = f.param(I32);
  const outWidth = f.param(I32);
  const column = f.local(I32);
  const [best, minusInf] = f.localArray(V128, 2);
  const C4 = channels * 4;
  const rowBytes = inWidth * C4;
  f32x4Const(f, -Infinity);
  f.set(minusInf);
  const chunks = channelChunks(channels).map(({ offset, lanes }) => ({ offset: offset * 4, lanes }));
  f.loop(() => {
    f.get(outWidth).set(column);
    f.loop(() => {
      for (const { offset, lanes } of chunks) {
        f.get(minusInf).set(best);
        for (const cell of [0, C4, rowBytes, rowBytes + C4]) {
          f.get(best).get(x);
          loadLanes(f, lanes, offset + cell);
          simdOp(f, F32X4_PMAX);
          f.set(best);
        }
        f.get(y).get(best);
        storeLanes(f, lanes, offset);
      }
      // Next window: two cells on in x, one on in y.
      f.get(x)
        .i32(2 * C4)
        .op(OP.i32Add)
        .set(x);
      f.addTo(y, C4);
      f.countDownAndRepeat(column);
    });
    // Next window row: x += 2·rowBytes − outWidth·2·C4 (the row pair minus what the windows advanced).
    f.get(x)
      .i32(2 * rowBytes)
      .op(OP.i32Add);
    f.get(outWidth)
      .i32(2 * C4)
      .op(OP.i32Mul, OP.i32Sub)
      .set(x);
    f.countDownAndRepeat(rows);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<MaxPool2x2Run>("run");

/** The SIMD pass for this row width and channel count on `memory`, or undefined without wasm SIMD. */
export function maxPool2x2Run(
  memory: WebAssembly.Memory,
  inWidth: number,
  channels: number,
): MaxPool2x2Run | undefined {
  if (!wasmSimdSupported()) return undefined;
  return runs.get(memory, `${inWidth}x${channels}`, (shared) => maxPool2x2Bytes(inWidth, channels, shared));
}
