import type * as tf from "@tensorflow/tfjs";
import { fusedGlobalNorm } from "../backend/fused";

/**
 * sqrt(Σ over tensors of Σ x²): the L2 norm of all values seen as one vector, as a scalar tensor
 * (kept on the device, so a training loop can read it later with the loss). Shared by
 * {@link clipByGlobalNorm} and `train.fit`'s per-step gradient and weight norms; one fused kernel
 * on cpu and wasm (see `backend/fused/globalNorm.ts`).
 */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return fusedGlobalNorm(tensors);
}
