/**
 * `fit`'s gradients of a dense stack without the gradient tape: for a `tf.Sequential` of fused
 * dense layers (what `models.mlp`, `models.linear` and `models.logistic` build) trained with
 * `losses.crossEntropy` on class indices and no regularizer, the forward pass and the hand-derived
 * backward pass run as direct engine calls — the same kernels on the same values as the taped
 * path (the fused layer's own forward and gradient functions, models/fusedDense.ts, and the
 * loss's fused kernel, losses/crossEntropy.ts), so the same bits — without `tf.variableGrads`'
 * bookkeeping (tape nodes, saved-tensor clones, scopes) or tfjs-layers' `apply` (≈ 0.1 ms per
 * MLP step together). Anything else takes the tape (trainStep.ts), untouched; so does a batch the
 * direct path does not cover, which then gives the tape path's results or errors.
 */
import * as tf from "@tensorflow/tfjs";
import { crossEntropy, crossEntropyWithGradient, type LossWithGradient } from "../losses/crossEntropy";
import {
  denseActivationGradient,
  denseForward,
  denseInputGradient,
  denseKernelGradient,
  fusedDenseParts,
  type FusedDenseParts,
} from "../models/fusedDense";
import type { LossFn } from "./evaluate";

/** A model whose gradients `fit` takes without the tape: its layers, input to output. */
export interface DenseStack {
  readonly layers: readonly FusedDenseParts[];
  /** The trainable variables in `fit`'s order (the order of the gradients the tape returns). */
  readonly variables: readonly tf.Variable[];
}

/** What decides whether a fit's gradients can skip the tape. */
export interface DenseStackTraining {
  loss: LossFn;
  regularizer: unknown;
  /** The trainable variables `fit` differentiates against. */
  variables: readonly tf.Variable[];
}

/**
 * The dense stack of `model` when its gradients for this training need no tape: a Sequential of
 * built fused dense layers (ReLU or linear) whose weights, float32 and chained in shape, are
 * exactly the trainable `variables` (each once), the loss is `losses.crossEntropy` itself (its
 * options are then the defaults: mean, no weight, smoothing or ignored index other than -100) and
 * no regularizer. Otherwise undefined.
 */
export function denseStackOf(model: tf.LayersModel, training: DenseStackTraining): DenseStack | undefined {
  if (training.loss !== crossEntropy || training.regularizer !== undefined) return undefined;
  if (!(model instanceof tf.Sequential) || model.layers.length === 0) return undefined;
  const layers: FusedDenseParts[] = [];
  for (const layer of model.layers) {
    const parts = fusedDenseParts(layer);
    if (!parts) return undefined;
    layers.push(parts);
  }
  const weights: tf.Variable[] = [];
  for (const [i, { kernel, bias }] of layers.entries()) {
    const units = kernel.shape[1];
    const next = layers[i + 1];
    if (kernel.rank !== 2 || (next && next.kernel.shape[0] !== units)) return undefined;
    if (bias && (bias.rank !== 1 || bias.shape[0] !== units)) return undefined;
    weights.push(...(bias ? [kernel, bias] : [kernel]));
  }
  const { variables } = training;
  const same =
    weights.length === variables.length &&
    new Set(weights).size === weights.length &&
    weights.every((w) => w.dtype === "float32" && w.trainable && variables.includes(w));
  return same ? { layers, variables } : undefined;
}

/** One step's values from {@link denseStackGradients}. */
export interface DenseStackStep {
  /** The model's output (the caller's metrics read it; no gradient flows through it). */
  logits: tf.Tensor2D;
  loss: tf.Scalar;
  /** By variable name, in the stack's variable order: what `tf.variableGrads` returns. */
  grads: tf.NamedTensorMap;
}

/**
 * crossEntropy's loss and gradient for the stack's logits on this batch when the stack's weights
 * exist, `x` is a batch its first layer takes and crossEntropy of its logits against `y` has a
 * direct gradient; else undefined. Decided before any work (bad labels: crossEntropy's errors).
 */
function lossFor(stack: DenseStack, x: tf.Tensor, y: tf.Tensor): LossWithGradient | undefined {
  const { layers } = stack;
  const classes = layers[layers.length - 1].kernel.shape[1] ?? 0; // rank 2 (denseStackOf)
  const takes =
    x.dtype === "float32" &&
    x.rank === 2 &&
    x.shape[0] > 0 &&
    x.shape[1] === layers[0].kernel.shape[0] &&
    stack.variables.every((v) => !v.isDisposed);
  return takes ? crossEntropyWithGradient([x.shape[0], classes], y) : undefined;
}

/**
 * The logits, crossEntropy loss and gradients of every variable of `stack` on the batch (`x`,
 * class labels `y`), computed without a tape; or undefined, having freed what it made, when this
 * batch needs the taped path (a batch of another shape or dtype, labels crossEntropy computes
 * otherwise, e.g. some equal to its ignored index). Bad labels throw crossEntropy's errors.
 * Intermediates are freed; the caller owns the returned tensors.
 */
export function denseStackGradients(stack: DenseStack, x: tf.Tensor, y: tf.Tensor): DenseStackStep | undefined {
  const lossWithGradient = lossFor(stack, x, y);
  if (!lossWithGradient) return undefined;
  const { layers } = stack;
  // inputs[l] is layer l's input, inputs[l + 1] its output (the last is the logits).
  const inputs: tf.Tensor[] = [x];
  for (const { kernel, bias, activation } of layers)
    inputs.push(denseForward(inputs[inputs.length - 1] as tf.Tensor2D, kernel as tf.Tensor2D, bias, activation));
  const logits = inputs[layers.length] as tf.Tensor2D;
  let lossAndGradient: ReturnType<LossWithGradient>;
  try {
    lossAndGradient = lossWithGradient(logits);
  } catch (error) {
    tf.dispose(inputs.slice(1));
    throw error;
  }
  // Backward, output to input, as the tape runs each layer's gradient functions (input, kernel,
  // bias); the first layer's input (the data) gets none.
  const grads = new Map<tf.Variable, tf.Tensor>();
  let dy: tf.Tensor = lossAndGradient.gradient;
  for (let l = layers.length - 1; l >= 0; l--) {
    const { kernel, bias, activation } = layers[l];
    const { dz, biasGrad } = denseActivationGradient(dy, inputs[l + 1], bias !== null, activation);
    const dx = l > 0 ? denseInputGradient(dz, kernel) : undefined;
    grads.set(kernel, denseKernelGradient(inputs[l], dz));
    if (bias && biasGrad) grads.set(bias, biasGrad());
    tf.dispose(dz === dy ? [dy] : [dy, dz]);
    if (l + 1 < layers.length) inputs[l + 1].dispose(); // a hidden activation, read for the last time
    if (dx) dy = dx;
  }
  const named: tf.NamedTensorMap = {};
  for (const v of stack.variables) named[v.name] = grads.get(v) as tf.Tensor;
  return { logits, loss: lossAndGradient.loss, grads: named };
}
