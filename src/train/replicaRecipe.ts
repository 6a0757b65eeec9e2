/**
 * A model's layers as plain data another thread can rebuild the same model from (the data-parallel
 * replica, dataParallel.ts), for the models whose output for one example depends on that example
 * alone and on nothing random: a `tf.Sequential` of dense and convolution layers (fused or not),
 * pooling, flatten, reshape and activations. Batch statistics (batch norm) or random masks
 * (dropout) would make a half batch compute something else than its rows of the whole batch, so
 * such models have no recipe and train on one thread.
 */
import * as tf from "@tensorflow/tfjs";
import { fusedConv2d, isFusedConv2d } from "../models/fusedConv2d";
import { fusedDense, fusedDenseParts } from "../models/fusedDense";
import { registeredLayerClass } from "../models/registeredLayerClass";

/** One layer: its tfjs class and config, and which of optimlab's fused layers it is, if one. */
export interface LayerRecipe {
  className: string;
  config: tf.serialization.ConfigDict;
  fused?: "dense" | "conv2d";
}

/** The tfjs layer classes whose output row i depends only on input row i, deterministically. */
const ROW_WISE_LAYERS = new Set([
  "Dense",
  "Conv2D",
  "MaxPooling2D",
  "AveragePooling2D",
  "Flatten",
  "Reshape",
  "Activation",
  "ReLU",
  "Softmax",
]);

/** Config entries that would add a loss or change weights outside the gradient step. */
const UNSUPPORTED_ENTRIES = [
  "kernelRegularizer",
  "biasRegularizer",
  "activityRegularizer",
  "kernelConstraint",
  "biasConstraint",
];

/**
 * The recipe of `model`'s layers, or undefined when a replica could compute something else than
 * the model on the same rows (another kind of model or layer, a regularizer or constraint).
 */
export function sequentialRecipe(model: tf.LayersModel): LayerRecipe[] | undefined {
  if (!(model instanceof tf.Sequential) || model.layers.length === 0) return undefined;
  const recipe: LayerRecipe[] = [];
  for (const [i, layer] of model.layers.entries()) {
    const className = layer.getClassName();
    if (!ROW_WISE_LAYERS.has(className)) return undefined;
    const config = layer.getConfig();
    if (UNSUPPORTED_ENTRIES.some((key) => config[key] != null)) return undefined;
    // The replica's weights are set from the model's: initializers (maybe optimlab's own,
    // seeded) need not run there. Names are the model's business.
    delete config.name;
    if ("kernelInitializer" in config) config.kernelInitializer = { className: "Zeros", config: {} };
    if ("biasInitializer" in config) config.biasInitializer = { className: "Zeros", config: {} };
    if (i === 0) config.batchInputShape = model.inputs[0].shape;
    const fused = fusedDenseParts(layer) ? "dense" : isFusedConv2d(layer) ? "conv2d" : undefined;
    recipe.push(fused ? { className, config, fused } : { className, config });
  }
  return recipe;
}

/** A new `tf.Sequential` from a recipe (weights: zeros until set). */
export function buildFromRecipe(recipe: readonly LayerRecipe[]): tf.Sequential {
  const layers = recipe.map(({ className, config, fused }) => {
    if (fused) {
      const { activation, ...args } = config as Record<string, unknown>;
      const act = activation === "relu" ? "relu" : "linear";
      return fused === "dense"
        ? fusedDense(args as Parameters<typeof fusedDense>[0], act)
        : fusedConv2d(args as Parameters<typeof fusedConv2d>[0], act);
    }
    const Layer = registeredLayerClass<new (args: tf.serialization.ConfigDict) => tf.layers.Layer>(
      className,
      "replica",
    );
    return new Layer(config);
  });
  return tf.sequential({ layers });
}
