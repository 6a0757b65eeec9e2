/** The benchmark's two networks, as the articles build them with tfjs-layers. */
import * as tf from "@tensorflow/tfjs";

/** MLP 784-128-10 (ReLU, softmax), the articles' MNIST baseline. */
export function mlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
}

/** LeNet-5 for 28×28×1 inputs: conv5×5(6, same) → maxpool → conv5×5(16) → maxpool → 120 → 84 → 10. */
export function lenet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: "relu" }),
      tf.layers.dense({ units: 84, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
}
