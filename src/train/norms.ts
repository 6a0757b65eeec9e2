/** Global L2 norms (as tensors, read later with the loss). */
import * as tf from "@tensorflow/tfjs";

/** sqrt(Σ over tensors of Σ x²): the norm of all values seen as one vector. */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    const squares = tensors.map((t) => tf.sum(tf.square(t)));
    return tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares)) as tf.Scalar;
  });
}
