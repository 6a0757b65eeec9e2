/**
 * Which fits `fit` splits by hidden units (unitSplit.ts), and over how many threads; or why not.
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { wasmSimdSupported } from "../backend/wasmCode/simd";
import { DataLoader } from "../data/loader";
import { crossEntropy, crossEntropyWithGradient } from "../losses/crossEntropy";
import { ChainOptimizer } from "../optim/chainOptimizer";
import type { FitCallbacks, FitPlan } from "./fitOptions";
import { accuracy } from "./metrics";

/** How a fit would be split by hidden units, or why not. */
export type UnitSplitPlan =
  | { readonly ok: true; readonly threads: number; readonly optimizer: ChainOptimizer; readonly why?: undefined }
  | { readonly ok?: undefined; readonly why: string };

/**
 * Whether `fit` can split this training by hidden units over `plan.threads` threads: on the wasm
 * backend with SIMD and shared memory; a Sequential of two of `models`' fused dense layers (ReLU
 * with bias, then linear with bias) whose weights are the trainable variables in layer order,
 * trained tape-free (denseStackGradients.ts: `losses.crossEntropy` with its defaults, no
 * regularizer) on float32 inputs [examples, features] and int32 class labels [examples], by a
 * DataLoader of optimlab's own batches; no gradient clipping; "accuracy" as the only metric; an
 * optim optimizer whose update is one element-wise program over all weights (one parameter group:
 * SGD, Adam, AdamW, RMSprop, …); and no `onStepEnd` callback (it could read the weights, which
 * live on the threads during an epoch).
 */
export function planUnitSplit(
  model: tf.LayersModel,
  plan: FitPlan,
  callbacks: FitCallbacks | undefined,
): UnitSplitPlan {
  const stack = plan.denseStack;
  if (!stack || stack.layers.length !== 2) return { why: "not a dense network of two layers trained without the tape" };
  const [first, second] = stack.layers;
  if (first.activation !== "relu" || second.activation !== "linear" || !first.bias || !second.bias)
    return { why: "not a ReLU hidden layer and a linear output layer, both with bias" };
  const expected = [first.kernel, first.bias, second.kernel, second.bias];
  const [inputs, hidden] = first.kernel.shape as [number, number];
  const classes = (second.kernel.shape as [number, number])[1];
  const refused = splitRefusal(plan, callbacks, expected, inputs, classes);
  if (typeof refused === "string") return { why: refused };
  if (plan.loader.dataset.x.rank !== 2) return { why: "inputs that are not float32 rows" };
  // More threads than cores would make every meeting wait for the scheduler.
  const threads = Math.min(plan.threads, hidden, splitThreadsAtMost());
  if (threads < 2) return { why: hidden < 2 ? "fewer than two hidden units" : "one core" };
  // Each thread's batch rows and buffers, the data, and a dozen vectors of the weights (unitSplit.ts's layout, rounded up).
  const batch = plan.loader.maxBatchSize;
  const weights = expected.reduce((sum, v) => sum + v.size, 0);
  const bytes =
    4 * (plan.loader.size * (inputs + 2) + batch * (threads * (inputs + 3 * classes + hidden) + hidden) + 12 * weights);
  const tooLarge = sharedMemoryRefusal(bytes);
  if (tooLarge !== undefined) return { why: tooLarge };
  return { ok: true, threads, optimizer: refused.optimizer };
}

/**
 * Why `fit` cannot split this training over threads on shared memory, whatever the network, or
 * the optimizer whose update it runs there: on the wasm backend with SIMD and shared memory; the
 * model's weights (`variables`, in order) as the trainable variables; `losses.crossEntropy` with
 * its defaults and no regularizer on float32 inputs of `features` values per example and int32
 * class labels [examples] over `classes`, by a DataLoader of optimlab's own batches; no gradient
 * clipping; "accuracy" as the only metric; an optim optimizer whose update is one element-wise
 * program over all weights (one parameter group: SGD, Adam, AdamW, RMSprop, …); and no
 * `onStepEnd` callback (it could read the weights, which live on the threads during an epoch).
 */
export function splitRefusal(
  plan: FitPlan,
  callbacks: FitCallbacks | undefined,
  variables: readonly tf.Variable[],
  features: number,
  classes: number,
): string | { optimizer: ChainOptimizer } {
  if (tf.getBackend() !== "wasm" || !wasmSimdSupported()) return "not the wasm backend with SIMD";
  if (typeof SharedArrayBuffer === "undefined") return "no shared memory";
  if (plan.variables.length !== variables.length || plan.variables.some((v, i) => v !== variables[i]))
    return "the trainable variables are not the layers' weights in order";
  if (plan.loss !== crossEntropy || plan.regularizer !== undefined) return "not losses.crossEntropy alone";
  if (plan.clipGradNorm !== undefined) return "gradient clipping";
  if (plan.metrics.some((m) => m.name !== "accuracy" || m.fn !== accuracy)) return "a metric other than accuracy";
  if (callbacks?.onStepEnd !== undefined)
    return "an onStepEnd callback (the weights live on the threads during an epoch)";
  const { loader } = plan;
  const ownBatches =
    loader.batches === DataLoader.prototype.batches &&
    loader.order === DataLoader.prototype.order &&
    loader.batchOrder === DataLoader.prototype.batchOrder;
  if (!ownBatches) return "a DataLoader subclass with its own batches";
  const { x, y } = loader.dataset;
  const examples = x.shape[0] ?? 0;
  if (x.dtype !== "float32" || examples === 0 || x.size !== examples * features)
    return "inputs that are not float32 rows";
  if (y.dtype !== "int32" || y.rank !== 1) return "labels that are not int32 class indices";
  try {
    if (crossEntropyWithGradient([y.shape[0] ?? 0, classes], y) === undefined)
      return "labels crossEntropy computes otherwise";
  } catch {
    return "labels crossEntropy refuses (the step says why)";
  }
  const optimizer: unknown = plan.optimizer;
  if (!(optimizer instanceof ChainOptimizer) || optimizer.fusedStepProgram(plan.variables) === undefined)
    return "an optimizer whose update is not one element-wise program over all weights";
  return { optimizer: optimizer as ChainOptimizer };
}

/** The most shared memory a split lays out (a wasm memory holds at most 4 GiB). */
const MAX_SPLIT_BYTES = 3.5 * 2 ** 30;

/** Why a split whose shared memory would take `bytes` cannot run, or undefined when it fits. */
export function sharedMemoryRefusal(bytes: number): string | undefined {
  if (bytes <= MAX_SPLIT_BYTES) return undefined;
  const gib = (bytes / 2 ** 30).toFixed(1);
  return `the data and a batch's buffers would take ${gib} GiB of shared memory (at most ${MAX_SPLIT_BYTES / 2 ** 30} in one wasm memory): fewer examples or a smaller batch split`;
}

/** The most threads a split uses: the cores, or what a test set. */
export function splitThreadsAtMost(): number {
  return maxThreads ?? os.availableParallelism();
}

let maxThreads: number | undefined;

/**
 * Sets the most threads the split uses (default: the cores; tests raise it to check more parts
 * than this machine has cores); returns the previous setting.
 */
export function setUnitSplitMaxThreads(threads: number | undefined): number | undefined {
  const previous = maxThreads;
  maxThreads = threads;
  return previous;
}
