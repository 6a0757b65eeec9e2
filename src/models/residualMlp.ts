/**
 * A deep MLP of equal-width blocks, with or without skip connections, for the residual-connection
 * lesson: `skip: false` is the plain net h ← act(W h + b); `skip: true` the same layers and the
 * same initial weights with h ← h + act(W h + b). Comparing the two isolates the skip connection.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, nextSeed } from "../backend/random";
import { checkOptionNames, shown } from "../regularize/messages";
import { invalidActivationMessage, type Activation } from "./builders";
import { checkInit, initializer, type Init } from "./initializers";

const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "elu", "selu", "linear"];

export function invalidResidualOptionMessage(name: string, value: unknown): string {
  return `Invalid ${name}: ${shown(value)} (expected a positive integer)`;
}

export interface ResidualMlpOptions {
  /** Input features (784 for flattened MNIST). */
  inputs: number;
  /** Width of every hidden layer (the skip connection adds vectors of this size). */
  width: number;
  /** Number of blocks after the stem layer; the net has depth + 1 hidden layers. */
  depth: number;
  /** Output logits. */
  outputs: number;
  /** Default "relu". */
  activation?: Activation;
  /** true (default): h ← h + act(W h + b) in every block; false: h ← act(W h + b). */
  skip?: boolean;
  /** Default "he" for ReLU-like activations, "xavier" for tanh and sigmoid (as `mlp`). */
  init?: Init;
  seed?: number;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new Error(invalidResidualOptionMessage(name, value));
  return value;
}

/**
 * stem: dense(inputs → width) → act; then `depth` blocks of dense(width → width) → act, each added
 * to its input when `skip`; then dense(width → outputs) (logits). Layer k is seeded with
 * `deriveSeed(seed, k)` in that order, so `skip: true` and `skip: false` with one seed start
 * from identical weights.
 *
 * @example const resNet = models.residualMlp({ inputs: 784, width: 64, depth: 20, outputs: 10, activation: "sigmoid", seed: 1 });
 */
export function residualMlp(options: ResidualMlpOptions): tf.LayersModel {
  checkOptionNames("residualMlp()", options, [
    "inputs",
    "width",
    "depth",
    "outputs",
    "activation",
    "skip",
    "init",
    "seed",
  ]);
  const inputs = positiveInteger("inputs", options.inputs);
  const width = positiveInteger("width", options.width);
  const depth = positiveInteger("depth", options.depth);
  const outputs = positiveInteger("outputs", options.outputs);
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) throw new Error(invalidActivationMessage(activation));
  const init = checkInit(options.init ?? (activation === "tanh" || activation === "sigmoid" ? "xavier" : "he"));
  const skip = options.skip ?? true;
  const base = options.seed ?? nextSeed();
  let layerIndex = 0;
  const dense = (units: number) =>
    tf.layers.dense({
      units,
      kernelInitializer: initializer(init, deriveSeed(base, layerIndex++)),
      biasInitializer: "zeros",
    });
  const act = (x: tf.SymbolicTensor) =>
    activation === "linear" ? x : (tf.layers.activation({ activation }).apply(x) as tf.SymbolicTensor);

  const input = tf.input({ shape: [inputs] });
  let h = act(dense(width).apply(input) as tf.SymbolicTensor);
  for (let block = 0; block < depth; block++) {
    const branch = act(dense(width).apply(h) as tf.SymbolicTensor);
    h = skip ? (tf.layers.add().apply([h, branch]) as tf.SymbolicTensor) : branch;
  }
  const logits = dense(outputs).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}
