/**
 * Model builders on tf.layers (so `model.fit` works too). Outputs are logits: pair them with
 * `losses.crossEntropy` / `losses.bceWithLogits`, or `losses.mse` for regression.
 *
 * Every builder takes `seed` (default: the next sub-seed of `seed(n)`); layer k's initialiser and
 * dropout use deriveSeed(seed, k), so the same seed builds bit-identical models.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, nextSeed } from "../backend/random";
import { checkInit, initializer, type Init } from "./initializers";
import { fusedConv2d } from "./fusedConv2d";
import { fusedDense } from "./fusedDense";
import { invalidDropoutRateMessage, SeededDropout } from "./seededDropout";
import { checkOptionNames, dropoutProbability, shown } from "../regularize/messages";

export type Activation = "relu" | "tanh" | "sigmoid" | "elu" | "selu" | "linear";
const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "elu", "selu", "linear"];

export function invalidSizesMessage(sizes: unknown): string {
  return `Invalid sizes: ${JSON.stringify(sizes)} (expected at least [inputs, outputs], all positive integers, e.g. [784, 128, 10])`;
}

export function invalidActivationMessage(activation: unknown): string {
  return `Invalid activation: ${shown(activation)} (expected one of ${ACTIVATIONS.join(", ")})`;
}

/**
 * A builder's dropout rate: outside [0, 1] (NaN and non-numbers too) torch's nn.Dropout message;
 * 1, which torch accepts (all zeros), the layer's own (a model that outputs only its biases).
 */
function checkDropout(rate: unknown): number {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) throw new Error(dropoutProbability(rate));
  if (rate === 1) throw new Error(invalidDropoutRateMessage(rate));
  return rate;
}

function checkSize(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new Error(`Invalid ${name}: ${shown(value)} (expected a positive integer)`);
  return value;
}

/** Seeds handed out to the layers of one model, in build order. */
class LayerSeeds {
  private next = 0;
  constructor(private readonly base: number) {}
  take(): number {
    return deriveSeed(this.base, this.next++);
  }
}

/** A dense layer, linear or with the ReLU in its kernel (fusedDense.ts: same values, fewer kernels per step). */
function dense(units: number, init: Init, seeds: LayerSeeds, inputShape?: number[], relu = false): tf.layers.Layer {
  const args = {
    units,
    inputShape,
    kernelInitializer: initializer(init, seeds.take()),
    biasInitializer: "zeros" as const,
  };
  return fusedDense(args, relu ? "relu" : "linear");
}

export interface LinearOptions {
  inputs: number;
  /** Outputs (default 1). */
  outputs?: number;
  /** Default "xavier". */
  init?: Init;
  seed?: number;
}

/** y = xW + b: linear regression (with mse) or, on logits, logistic regression. */
export function linear(options: LinearOptions): tf.Sequential {
  checkOptionNames("linear()", options, ["inputs", "outputs", "init", "seed"]);
  const inputs = checkSize("inputs", options.inputs);
  const outputs = checkSize("outputs", options.outputs ?? 1);
  const init = checkInit(options.init ?? "xavier");
  const seeds = new LayerSeeds(options.seed ?? nextSeed());
  return tf.sequential({ layers: [dense(outputs, init, seeds, [inputs])] });
}

/**
 * Logistic regression: one linear layer producing logits. `classes: 2` (default) gives one logit
 * for `bceWithLogits`; more classes give one logit per class for `crossEntropy`.
 */
export function logistic(options: { inputs: number; classes?: number; init?: Init; seed?: number }): tf.Sequential {
  checkOptionNames("logistic()", options, ["inputs", "classes", "init", "seed"]);
  const classes = checkSize("classes", options.classes ?? 2);
  return linear({
    inputs: options.inputs,
    outputs: classes === 2 ? 1 : classes,
    init: options.init,
    seed: options.seed,
  });
}

export interface MlpOptions {
  /** Layer widths from input to output, e.g. [784, 128, 10]. */
  sizes: number[];
  /** Hidden activation (default "relu"); the output is linear (logits). */
  activation?: Activation;
  /** Dropout rate after each hidden activation (default 0). */
  dropout?: number;
  /** Batch normalisation before each hidden activation (default false). */
  batchNorm?: boolean;
  /** Default "he" for relu-like activations, "xavier" for tanh/sigmoid. */
  init?: Init;
  seed?: number;
}

/**
 * Multilayer perceptron: [dense → (batchNorm) → activation → (dropout)] × hidden, then dense.
 * A ReLU straight after a dense layer is part of that layer (one fused kernel).
 */
export function mlp(options: MlpOptions): tf.Sequential {
  checkOptionNames("mlp()", options, ["sizes", "activation", "dropout", "batchNorm", "init", "seed"]);
  const sizes = options.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0))
    throw new Error(invalidSizesMessage(sizes));
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) throw new Error(invalidActivationMessage(activation));
  const init = checkInit(options.init ?? (activation === "tanh" || activation === "sigmoid" ? "xavier" : "he"));
  const rate = checkDropout(options.dropout ?? 0);
  const seeds = new LayerSeeds(options.seed ?? nextSeed());
  const layers: tf.layers.Layer[] = [];
  const fuseRelu = activation === "relu" && !options.batchNorm;
  for (let i = 1; i < sizes.length; i++) {
    const hidden = i < sizes.length - 1;
    layers.push(dense(sizes[i], init, seeds, i === 1 ? [sizes[0]] : undefined, hidden && fuseRelu));
    if (!hidden) break;
    if (options.batchNorm) layers.push(tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
    if (activation !== "linear" && !fuseRelu) layers.push(tf.layers.activation({ activation }));
    if (rate > 0) layers.push(new SeededDropout({ rate, seed: seeds.take() }));
  }
  return tf.sequential({ layers });
}

export interface LenetOptions {
  /** 1 (MNIST, Fashion-MNIST) or 3 (CIFAR-10); default 1. */
  channels?: 1 | 3;
  /** Image side, 28 or 32; default 28 (padded to 32 by the first convolution, as LeNet-5 on MNIST). */
  size?: 28 | 32;
  classes?: number;
  /** Default "relu" (the 1998 paper used tanh-like squashing). */
  activation?: Activation;
  /** Accept flat inputs `[n, size·size·channels]` (as `mnist()` returns by default); default true. */
  flatInput?: boolean;
  dropout?: number;
  init?: Init;
  seed?: number;
}

export function invalidLenetMessage(what: string, value: unknown): string {
  return `Invalid lenet ${what}: ${shown(value)} (expected ${what === "channels" ? "1 or 3" : "28 or 32"})`;
}

/** LeNet-5: conv 6@5×5 → pool → conv 16@5×5 → pool → fc 120 → fc 84 → fc classes (logits). */
export function lenet(options: LenetOptions = {}): tf.Sequential {
  checkOptionNames("lenet()", options, [
    "channels",
    "size",
    "classes",
    "activation",
    "flatInput",
    "dropout",
    "init",
    "seed",
  ]);
  const channels = options.channels ?? 1;
  const size = options.size ?? 28;
  if (channels !== 1 && channels !== 3) throw new Error(invalidLenetMessage("channels", channels));
  if (size !== 28 && size !== 32) throw new Error(invalidLenetMessage("size", size));
  const classes = checkSize("classes", options.classes ?? 10);
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) throw new Error(invalidActivationMessage(activation));
  const init = checkInit(options.init ?? (activation === "tanh" || activation === "sigmoid" ? "xavier" : "he"));
  const rate = checkDropout(options.dropout ?? 0);
  const seeds = new LayerSeeds(options.seed ?? nextSeed());
  const imageShape = [size, size, channels];
  const layers: tf.layers.Layer[] = [];
  const flat = options.flatInput ?? true;
  if (flat) layers.push(tf.layers.reshape({ targetShape: imageShape, inputShape: [size * size * channels] }));
  // A ReLU (or no activation) is part of the convolution's kernel (fusedConv2d.ts: same values, fewer kernels per step).
  const conv = (filters: number, padding: "same" | "valid", first: boolean) => {
    const args = {
      filters,
      kernelSize: 5,
      padding,
      inputShape: first && !flat ? imageShape : undefined,
      kernelInitializer: initializer(init, seeds.take()),
      biasInitializer: "zeros" as const,
    };
    return activation === "relu" || activation === "linear"
      ? fusedConv2d(args, activation)
      : tf.layers.conv2d({ ...args, activation });
  };
  layers.push(conv(6, size === 28 ? "same" : "valid", true));
  layers.push(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  layers.push(conv(16, "valid", false));
  layers.push(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  layers.push(tf.layers.flatten());
  for (const units of [120, 84]) {
    if (activation === "relu") layers.push(dense(units, init, seeds, undefined, true));
    else
      layers.push(
        tf.layers.dense({
          units,
          activation,
          kernelInitializer: initializer(init, seeds.take()),
          biasInitializer: "zeros",
        }),
      );
    if (rate > 0) layers.push(new SeededDropout({ rate, seed: seeds.take() }));
  }
  layers.push(dense(classes, init, seeds));
  return tf.sequential({ layers });
}
