/** Small facts about a model, for tutorial printouts. */
import type * as tf from "@tensorflow/tfjs";

/** Number of trainable scalars. */
export function parameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (sum, weight) => sum + weight.shape.reduce((a: number, b) => a * (b ?? 1), 1),
    0,
  );
}
