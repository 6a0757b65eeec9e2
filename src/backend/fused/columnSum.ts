/**
 * `fusedColumnSum(x)`: Σ over the rows of a float32 [N, C] tensor, as `tf.sum(x, 0)` computes it,
 * in one pass: a dense layer's bias gradient. tfjs's wasm Sum over axis 0 transposes first and
 * then sums (~40 µs for the MNIST MLP's 64×10 output layer, more than its fused ReLU + bias
 * gradient over 64×128). The sums run in row order with each backend's Sum precision — float32
 * running sums on "wasm", double running sums rounded once on "cpu" — so the result is the same
 * bits (test). Other backends run `tf.sum`.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs";
import { float32Arrays, type ArrayBackendName } from "./arrays";

export const COLUMN_SUM_KERNEL = "OptimlabColumnSum";

/** `tf.sum(x, 0)` for a float32 [N, C] tensor, one kernel on cpu and wasm. */
export function fusedColumnSum(x: tf.Tensor): tf.Tensor {
  if (x.rank === 2 && x.dtype === "float32" && tf.getKernel(COLUMN_SUM_KERNEL, tf.getBackend()) !== undefined)
    return tf.engine().runKernel(COLUMN_SUM_KERNEL, { x }, {}) as tf.Tensor;
  return tf.sum(x, 0);
}

export function columnSumKernel(backendName: ArrayBackendName): KernelFunc {
  const float32 = backendName === "wasm";
  return ({ inputs, backend }) => {
    const { x } = inputs as { x: TensorInfo };
    const [n, c] = x.shape;
    const arrays = float32Arrays(backendName, backend, [x], [[c]]);
    const values = arrays.inputs[0];
    const out = arrays.outputs[0];
    if (float32) {
      // The output is float32: storing each running sum rounds it, as the wasm Sum's float does.
      out.fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out[j] += values[i * c + j];
    } else {
      const sums = new Float64Array(c);
      for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) sums[j] += values[i * c + j];
      out.set(sums);
    }
    return arrays.infos[0];
  };
}

export function columnSumKernelConfig(backendName: ArrayBackendName): KernelConfig {
  return { kernelName: COLUMN_SUM_KERNEL, backendName, kernelFunc: columnSumKernel(backendName) };
}
