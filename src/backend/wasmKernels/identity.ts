/**
 * Identity for wasm without a copy.
 *
 * The original allocates a new buffer and copies the tensor into it; a training step of the MLP
 * runs ~26 of them (gradient bookkeeping, `tf.keep`, losses), including copies of the 784×128
 * weights. Tensors are immutable, so — like tfjs's own wasm Reshape and the cpu backend's Identity —
 * the output shares the input's buffer and the backend's reference count keeps it alive.
 */
import * as tf from "@tensorflow/tfjs";
import type { TensorInfo } from "@tensorflow/tfjs";
import type { KernelOverride } from "./registry";

interface RefCounting {
  incRef(dataId: object): void;
}

export const identityOverride: KernelOverride = {
  kernelName: tf.Identity,
  make() {
    return (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      (args.backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
  },
};
