/**
 * The backward step of ReLU and bias add over channels-last maps, in one pass (optimlab's own
 * kernel on wasm, used by the fused convolution's gradient, src/models/fusedConv2d.ts):
 *
 *   dz = dy · step(y)        (tfjs's ReLU gradient: step(NaN) = NaN, so NaN stays NaN)
 *   db[c] = Σ_positions dz[…, c]
 *
 * On tfjs ops this is Step, Multiply and a Sum over every axis but the last, which the wasm
 * backend runs as three passes plus a transpose. Here generated SIMD code reads dy and y once,
 * writes dz and keeps one running sum per channel in the vector lanes (channels in chunks of 4,
 * then 2, then 1), adding positions in order. dz is the same bits as Step·Multiply; each channel's
 * sum is a float32 running sum in position order (tfjs's cpu Sum adds in a float64; the test
 * allows 1e-5 of the largest sum).
 */
import * as tf from "@tensorflow/tfjs";
import type { TensorInfo } from "@tensorflow/tfjs";
import { WasmFunction } from "../wasmCode/assembler";
import { BoundFunctions } from "../wasmCode/boundFunctions";
import { I32, V128 } from "../wasmCode/encoding";
import { wasmSimdSupported } from "../wasmCode/simd";
import type { KernelOverride } from "./registry";
import { SIMD_OP, channelChunks, f32x4Const, loadLanes, simdOp, storeLanes, type Lanes } from "./simdLanes";
import { f32View, tensorData, wasmMemory, type WasmBackend } from "./wasmBackend";

export const RELU_BIAS_GRAD_KERNEL = "OptimlabReluBiasGrad";

/** Channel counts above this take the scalar loop (the generated code is unrolled over channels). */
const MAX_SIMD_CHANNELS = 256;

/** (dy, y, dz, db byte offsets; positions ≥ 1) */
type ReluBiasGradRun = (dy: number, y: number, dz: number, db: number, positions: number) => void;

/**
 * The kernel's module for `channels` channels; `yStride` floats between positions of y (default:
 * the channels; the hidden-unit split, train/unitSplitStep.ts, reads its units' columns of a wider
 * hidden layer: {@link reluBiasGradModuleOn}).
 */
function reluBiasGradModuleBytes(channels: number, sharedMemory: boolean, yStride = channels): Uint8Array {
  const f = new WasmFunction();
  const dy = f.param(I32);
  const y = f.param(I32);
  const dz = f.param(I32);
  const db = f.param(I32);
  const positions = f.param(I32);
  const chunks = channelChunks(channels).map(({ offset, lanes }) => ({ offset: offset * 4, lanes }));
  const sums = f.localArray(V128, chunks.length); // zero-initialised
  const [yv, step, one, zero] = f.localArray(V128, 4);
  const simd = (opcode: number) => simdOp(f, opcode);
  f32x4Const(f, 1);
  f.set(one);
  const load = (lanes: Lanes, offset: number) => loadLanes(f, lanes, offset);
  const store = (lanes: Lanes, offset: number) => storeLanes(f, lanes, offset);
  f.loop(() => {
    chunks.forEach(({ offset, lanes }, i) => {
      f.get(y);
      load(lanes, offset);
      f.set(yv);
      // step = y > 0 ? 1 : 0, and y itself where y is NaN (y ≠ y)
      f.get(one).get(zero).get(yv).get(zero);
      simd(SIMD_OP.f32x4Gt);
      simd(SIMD_OP.bitselect);
      f.set(step);
      f.get(yv).get(step).get(yv).get(yv);
      simd(SIMD_OP.f32x4Ne);
      simd(SIMD_OP.bitselect);
      f.set(step);
      // dz = dy · step, stored; sums += dz
      f.get(dz);
      f.get(dy);
      load(lanes, offset);
      f.get(step);
      simd(SIMD_OP.f32x4Mul);
      f.tee(step);
      store(lanes, offset);
      f.get(sums[i]).get(step);
      simd(SIMD_OP.f32x4Add);
      f.set(sums[i]);
    });
    const bytes = channels * 4;
    for (const pointer of [dy, dz]) f.addTo(pointer, bytes);
    f.addTo(y, yStride * 4);
    f.countDownAndRepeat(positions);
  });
  chunks.forEach(({ offset, lanes }, i) => {
    f.get(db).get(sums[i]);
    store(lanes, offset);
  });
  return f.moduleBytes("run", [], sharedMemory);
}

const runs = new BoundFunctions<ReluBiasGradRun>("run");

/**
 * The kernel's compiled module for `channels` channels with y `yStride` floats apart (the
 * hidden-unit split's threads instantiate it on their shared memory); undefined for more channels
 * than the generated code unrolls.
 */
export function reluBiasGradModuleOn(
  memory: WebAssembly.Memory,
  channels: number,
  yStride: number,
): WebAssembly.Module | undefined {
  if (channels > MAX_SIMD_CHANNELS) return undefined;
  const key = yStride === channels ? String(channels) : `${channels}/y${yStride}`;
  return runs.module(memory, key, (shared) => reluBiasGradModuleBytes(channels, shared, yStride));
}

/** The scalar loop: the same operations, one value at a time (no wasm SIMD or very many channels). */
export function reluBiasGradLoop(dy: Float32Array, y: Float32Array, dz: Float32Array, db: Float32Array): void {
  const channels = db.length;
  const sums = new Float32Array(channels);
  for (let i = 0, c = 0; i < dy.length; i++) {
    const v = y[i];
    const step = v > 0 ? 1 : v !== v ? v : 0;
    const d = Math.fround(dy[i] * step);
    dz[i] = d;
    sums[c] = sums[c] + d; // float32 store rounds each running sum, as the SIMD lanes do
    if (++c === channels) c = 0;
  }
  db.set(sums);
}

export const reluBiasGradOverride: KernelOverride = {
  kernelName: RELU_BIAS_GRAD_KERNEL,
  make() {
    return (args) => {
      const { dy, y } = args.inputs as { dy: TensorInfo; y: TensorInfo };
      const backend = args.backend as unknown as WasmBackend;
      const channels = y.shape[y.shape.length - 1];
      const positions = channels === 0 ? 0 : tf.util.sizeFromShape(y.shape) / channels;
      const dz = backend.makeOutput([...y.shape], "float32");
      const db = backend.makeOutput([channels], "float32");
      const memory = wasmMemory(backend);
      if (positions === 0) {
        f32View(backend, db).fill(0);
      } else if (memory !== undefined && wasmSimdSupported() && channels <= MAX_SIMD_CHANNELS) {
        const run = runs.get(memory, String(channels), (shared) => reluBiasGradModuleBytes(channels, shared));
        const at = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
        run(at(dy), at(y), at(dz), at(db), positions);
      } else {
        reluBiasGradLoop(f32View(backend, dy), f32View(backend, y), f32View(backend, dz), f32View(backend, db));
      }
      return [dz, db];
    };
  },
};

/**
 * dz = dy·step(y) and a function giving Σ dz over all axes but the last: one kernel where it is
 * registered (wasm with optimlab's kernels), else tfjs ops (then the sum runs only if asked for).
 */
export function reluBiasGrad(dy: tf.Tensor, y: tf.Tensor): { dz: tf.Tensor; biasGrad: () => tf.Tensor } {
  if (tf.getKernel(RELU_BIAS_GRAD_KERNEL, tf.getBackend()) !== undefined && dy.dtype === "float32") {
    const [dz, db] = tf.engine().runKernel(RELU_BIAS_GRAD_KERNEL, { dy, y }, {}) as tf.Tensor[];
    return { dz, biasGrad: () => db };
  }
  const dz = tf.tidy(() => tf.mul(dy, tf.step(y)));
  const axes = Array.from({ length: y.rank - 1 }, (_, i) => i);
  return { dz, biasGrad: () => tf.sum(dz, axes) };
}
