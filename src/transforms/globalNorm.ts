import * as tf from "@tensorflow/tfjs";

/**
 * sqrt(Σ over tensors of Σ x²): the L2 norm of all values seen as one vector, as a scalar tensor
 * (kept on the device, so a training loop can read it later with the loss). Shared by
 * {@link clipByGlobalNorm} and `train.fit`'s per-step gradient and weight norms.
 */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    const squares = tensors.map((t) => tf.sum(tf.square(t)));
    return tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares)) as tf.Scalar;
  });
}
