/**
 * `fusedGlobalNorm(tensors)`: sqrt(Σ over tensors of Σ x²) in ONE kernel, where tfjs needs a
 * square and a sum per tensor, an addN and a sqrt (~10 dispatches for a two-layer MLP).
 * `train.fit` takes this norm of the gradients and of the weights at every step.
 *
 * On "cpu" and "wasm" the squares are summed in double precision and rounded once to float32
 * (more accurate than float32 running sums; on wasm with SIMD, see `wasmSumOfSquares.ts`);
 * other backends run the tfjs ops.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";
import { float32Arrays, type ArrayBackendName } from "./arrays";
import { wasmSimdSupported } from "../wasmCode/simd";
import { sumOfSquaresOn } from "./wasmSumOfSquares";
import { f32View, tensorData, wasmMemory, type WasmBackend } from "../wasmKernels/wasmBackend";

export const GLOBAL_NORM_KERNEL = "OptimlabGlobalNorm";

/** The L2 norm of all values of `tensors` seen as one vector, as a float32 scalar tensor. */
export function fusedGlobalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  const allFloat = tensors.every((t) => t.dtype === "float32");
  // Under a gradient tape the ops run instead: they have gradients, the fused kernel has none.
  if (allFloat && !tf.engine().isTapeOn() && tf.getKernel(GLOBAL_NORM_KERNEL, tf.getBackend()) !== undefined) {
    const inputs: tf.NamedTensorMap = {};
    tensors.forEach((t, i) => (inputs[`x${i}`] = t));
    return tf.engine().runKernel(GLOBAL_NORM_KERNEL, inputs, {}) as tf.Scalar;
  }
  return tf.tidy(() => {
    const squares = tensors.map((t) => tf.sum(tf.square(tf.cast(t, "float32"))));
    return tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares)) as tf.Scalar;
  });
}

/** Σ x² over `infos`, in doubles: the one definition both kernels here use. */
export function sumOfSquaresOf(backendName: ArrayBackendName, backend: unknown, infos: readonly TensorInfo[]): number {
  if (backendName === "wasm") {
    const wasm = backend as WasmBackend;
    const memory = wasmMemory(wasm);
    if (memory !== undefined && wasmSimdSupported()) {
      const sumOfSquares = sumOfSquaresOn(memory);
      let total = 0;
      for (const info of infos)
        total += sumOfSquares(tensorData(wasm, info).memoryOffset, tf.util.sizeFromShape(info.shape));
      return total;
    }
    let sum = 0;
    for (const info of infos) {
      const values = f32View(wasm, info);
      for (let j = 0; j < values.length; j++) sum += values[j] * values[j];
    }
    return sum;
  }
  const arrays = float32Arrays(backendName, backend, infos, []);
  let sum = 0;
  for (const values of arrays.inputs) {
    for (let j = 0; j < values.length; j++) sum += values[j] * values[j];
  }
  return sum;
}

export function globalNormKernel(backendName: ArrayBackendName): KernelFunc {
  return ({ inputs, backend }) => {
    const named = inputs as Record<string, TensorInfo>;
    const infos: TensorInfo[] = [];
    for (let i = 0; named[`x${i}`] !== undefined; i++) infos.push(named[`x${i}`]);
    const norm = Math.sqrt(sumOfSquaresOf(backendName, backend, infos));
    const arrays = float32Arrays(backendName, backend, [], [[]]);
    arrays.outputs[0][0] = norm;
    return arrays.infos[0];
  };
}

export function globalNormKernelConfig(backendName: ArrayBackendName): KernelConfig {
  return { kernelName: GLOBAL_NORM_KERNEL, backendName, kernelFunc: globalNormKernel(backendName) };
}
