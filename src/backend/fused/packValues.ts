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
import { float32Arrays, type ArrayBackendName } from "./arrays";
import { inputName } from "./elementwise";
import { fusedGlobalNorm, sumOfSquaresOf } from "./globalNorm";

export const PACK_VALUES_KERNEL = "OptimlabPackValues";

/** One entry of the packed vector: a scalar tensor's value, or the global L2 norm of `normOf`. */
export type PackSlot = tf.Tensor | { readonly normOf: readonly tf.Tensor[] };

/** The slots' values as one float32 vector, in order. */
export function fusedPackValues(slots: readonly PackSlot[]): tf.Tensor1D {
  const inputs: tf.Tensor[] = [];
  const layout: number[] = [];
  for (const slot of slots) {
    if (slot instanceof tf.Tensor) {
      inputs.push(slot);
      layout.push(-1);
    } else {
      inputs.push(...slot.normOf);
      layout.push(slot.normOf.length);
    }
  }
  const fused =
    !tf.engine().isTapeOn() &&
    inputs.every((t) => t.dtype === "float32") &&
    slots.every((s) => !(s instanceof tf.Tensor) || s.size === 1) &&
    tf.getKernel(PACK_VALUES_KERNEL, tf.getBackend()) !== undefined;
  if (!fused)
    return tf.tidy(
      () => tf.stack(slots.map((s) => (s instanceof tf.Tensor ? s : fusedGlobalNorm(s.normOf)))) as tf.Tensor1D,
    );
  const named: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (named[inputName(i)] = t));
  return tf.engine().runKernel(PACK_VALUES_KERNEL, named, { layout } as unknown as NamedAttrMap) as tf.Tensor1D;
}

export function packValuesKernel(backendName: ArrayBackendName): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const named = inputs as Record<string, TensorInfo>;
    const { layout } = attrs as unknown as { layout: number[] };
    const values: number[] = [];
    const copies: { slot: number; input: TensorInfo }[] = [];
    let next = 0;
    layout.forEach((entry, slot) => {
      if (entry < 0) {
        copies.push({ slot, input: named[inputName(next++)] });
        values.push(0);
        return;
      }
      const infos: TensorInfo[] = [];
      for (let i = 0; i < entry; i++) infos.push(named[inputName(next++)]);
      values.push(entry === 0 ? 0 : Math.sqrt(sumOfSquaresOf(backendName, backend, infos)));
    });
    const arrays = float32Arrays(
      backendName,
      backend,
      copies.map((c) => c.input),
      [[layout.length]],
    );
    const out = arrays.outputs[0];
    values.forEach((v, slot) => (out[slot] = v));
    copies.forEach((c, i) => (out[c.slot] = arrays.inputs[i][0]));
    return arrays.infos[0];
  };
}

export function packValuesKernelConfig(backendName: ArrayBackendName): KernelConfig {
  return { kernelName: PACK_VALUES_KERNEL, backendName, kernelFunc: packValuesKernel(backendName) };
}
