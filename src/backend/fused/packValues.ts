/**
 * `fusedPackValues(slots)`: a training step's recorded values as one float32 vector from ONE
 * kernel — each slot a scalar copied or the global L2 norm of some tensors — where `train.fit`
 * ran a norm kernel for the gradients, one for the weights, and a `tf.stack`. A norm slot is
 * computed exactly as {@link fusedGlobalNorm} computes it (squares summed in doubles, rounded
 * once), and a copy is exact, so the vector holds the same bits as the stack of those values.
 * Other backends, and any slot that is not float32, stack the separate values instead.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { float32Output, float32Scalar, type ArrayBackendName } from "./arrays";
import { inputName } from "./elementwise";
import { fusedGlobalNorm, sumOfSquaresOf } from "./globalNorm";

export const PACK_VALUES_KERNEL = "OptimlabPackValues";

/** One entry of the packed vector: a scalar tensor's value, or the global L2 norm of `normOf`. */
export type PackSlot = tf.Tensor | { readonly normOf: readonly tf.Tensor[] };

/** The slots' values as one float32 vector, in order. */
export function fusedPackValues(slots: readonly PackSlot[]): tf.Tensor1D {
  const named: tf.NamedTensorMap = {};
  const layout: number[] = [];
  // The kernel takes float32 scalars and float32 norm inputs; under a tape the ops run (they have gradients).
  let fusable = !tf.engine().isTapeOn();
  let next = 0;
  for (const slot of slots) {
    if (slot instanceof tf.Tensor) {
      fusable &&= slot.dtype === "float32" && slot.size === 1;
      named[inputName(next++)] = slot;
      layout.push(-1);
    } else {
      for (const t of slot.normOf) {
        fusable &&= t.dtype === "float32";
        named[inputName(next++)] = t;
      }
      layout.push(slot.normOf.length);
    }
  }
  if (!fusable || tf.getKernel(PACK_VALUES_KERNEL, tf.getBackend()) === undefined)
    return tf.tidy(
      () => tf.stack(slots.map((s) => (s instanceof tf.Tensor ? s : fusedGlobalNorm(s.normOf)))) as tf.Tensor1D,
    );
  return tf.engine().runKernel(PACK_VALUES_KERNEL, named, { layout } as unknown as NamedAttrMap) as tf.Tensor1D;
}

export function packValuesKernel(backendName: ArrayBackendName): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const named = inputs as Record<string, TensorInfo>;
    const { layout } = attrs as unknown as { layout: number[] };
    const values = new Float32Array(layout.length);
    let next = 0;
    for (let slot = 0; slot < layout.length; slot++) {
      const entry = layout[slot];
      if (entry < 0) {
        values[slot] = float32Scalar(backendName, backend, named[inputName(next++)]);
      } else if (entry > 0) {
        const infos: TensorInfo[] = [];
        for (let i = 0; i < entry; i++) infos.push(named[inputName(next++)]);
        values[slot] = Math.sqrt(sumOfSquaresOf(backendName, backend, infos));
      }
    }
    return float32Output(backendName, backend, [layout.length], values);
  };
}

export function packValuesKernelConfig(backendName: ArrayBackendName): KernelConfig {
  return { kernelName: PACK_VALUES_KERNEL, backendName, kernelFunc: packValuesKernel(backendName) };
}
