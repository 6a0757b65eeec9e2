/**
 * When `fit`'s batch split (dataParallel.ts) pays: by the arithmetic of a part of the batch, counted
 * from the model's shapes, so the choice depends on the model and the batch only, never on timing
 * (a split changes the bits: it must not come and go with the machine's load).
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The least arithmetic (multiply-adds of the forward and backward passes) a part of a batch must
 * have for the split to pay. A split step costs more than the part's share of one thread's: the
 * weights and rows written to the replica, the parts' gradients summed, and the per-op JavaScript
 * of a forward and backward pass that each thread runs whole (≈ 1.1 ms for LeNet). Measured on
 * this project's 2-core VM (docs/performance.md, "fit's batch split"): the MNIST MLP at batch 64
 * (≈ 9.8M per half) lost — its trainer alone took more CPU per step than one thread's whole step —,
 * LeNet at batch 64 (≈ 40M) gained nothing (0.85–1.0×) and the MLP at batch 256 (≈ 39M) was
 * inconsistent, while LeNet at batch 128 (≈ 80M) gained 1.32–1.39× and at 256 1.47–1.59×. 2²⁶
 * (≈ 67M) splits only the cases that gained.
 */
export const MIN_PART_MULTIPLY_ADDS = 2 ** 26;
let least = MIN_PART_MULTIPLY_ADDS;

/** The least multiply-adds per part now in force. */
export function minPartMultiplyAdds(): number {
  return least;
}

/** Sets the least work per part (tests and experiments: 0 splits every batch); returns the previous value. */
export function setMinPartMultiplyAdds(value: number): number {
  const previous = least;
  least = value;
  return previous;
}

/** Multiply-adds of one example's forward pass through the dense and convolution layers. */
export function multiplyAddsPerExample(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const kernel = layer.weights.find((w) => w.shape.length >= 2)?.shape as number[] | undefined;
    if (!kernel) continue;
    const weights = tf.util.sizeFromShape(kernel);
    const output = layer.outputShape as number[];
    // A convolution applies its kernel at every output position (channels last).
    const positions = layer.getClassName() === "Conv2D" ? output[1] * output[2] : 1;
    total += weights * positions;
  }
  return total;
}

/** Whether a part of `rows` rows has enough work to pay for the split (the backward pass ≈ 2× the forward). */
export function worthSplitting(rows: number, multiplyAdds: number): boolean {
  return rows > 0 && rows * multiplyAdds * 3 >= least;
}
