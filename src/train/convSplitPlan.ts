/**
 * Which fits `fit` splits by examples and weights as a LeNet-shaped network (convSplit.ts), over
 * how many threads, and its shapes; or why not.
 */
import * as tf from "@tensorflow/tfjs";
import { geometryOf, type PatchGeometry } from "../backend/wasmKernels/conv2dBackpropFilter";
import { filterGradLayout, filterGradSimdApplies } from "../backend/wasmKernels/conv2dBackpropFilterSimd";
import { filterGradTiledApplies } from "../backend/wasmKernels/conv2dBackpropFilterTiled";
import { col2imSimdApplies, paddedIsInput } from "../backend/wasmKernels/conv2dBackpropInputSimd";
import { convFewChannelsApplies } from "../backend/wasmKernels/conv2dFewChannelsSimd";
import { convTiledApplies } from "../backend/wasmKernels/conv2dTiledSimd";
import { im2colSimdApplies } from "../backend/wasmKernels/im2colSimd";
import { MAX_COLUMN_SUM_CHANNELS } from "../backend/wasmKernels/columnSumsSimd";
import { isFusedConv2d } from "../models/fusedConv2d";
import { fusedDenseParts } from "../models/fusedDense";
import type { ChainOptimizer } from "../optim/chainOptimizer";
import { mapSizes, type ConvNetShape, type PoolShape } from "./convSplitStep";
import type { FitCallbacks, FitPlan } from "./fitOptions";
import { sharedMemoryRefusal, splitRefusal, splitThreadsAtMost } from "./unitSplitPlan";

/** How a fit would be split as a convolutional network, or why not. */
export type ConvSplitPlan =
  | {
      readonly ok: true;
      readonly threads: number;
      readonly optimizer: ChainOptimizer;
      readonly net: ConvNetShape;
      readonly why?: undefined;
    }
  | { readonly ok?: undefined; readonly why: string };

/** The most channels a ReLU-gradient or column-sum module unrolls, and conv1's dz transpose copies. */
const MAX_CONV1_CHANNELS = 64;

interface ConvConfig {
  strides: number[];
  padding: string;
  dilationRate: number | number[];
  dataFormat: string;
  activation: string;
  useBias: boolean;
  kernelSize: number[];
  filters: number;
}

/** The layer's weights, in the order the model lists its trainable variables. */
function weightsOf(layer: tf.layers.Layer): tf.Variable[] {
  return layer.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** A convolution's geometry at batch 1, or why it is not one the split runs. */
function convGeometry(layer: tf.layers.Layer, inShape: number[]): PatchGeometry | string {
  const c = layer.getConfig() as unknown as ConvConfig;
  const dilation = typeof c.dilationRate === "number" ? [c.dilationRate] : c.dilationRate;
  if (!isFusedConv2d(layer) || c.activation !== "relu" || !c.useBias) return "a convolution that is not ReLU with bias";
  if (c.dataFormat !== "channelsLast" || !dilation.every((d) => d === 1))
    return "a dilated or channels-first convolution";
  if (c.padding !== "same" && c.padding !== "valid") return "a convolution with causal padding";
  const [h, w, ci] = inShape;
  const info = tf.backend_util.computeConv2DInfo(
    [1, h, w, ci],
    [c.kernelSize[0], c.kernelSize[1], ci, c.filters],
    [c.strides[0], c.strides[1]],
    1,
    c.padding,
  );
  return geometryOf(info);
}

/** A 2×2, stride-2 max pool over even maps, or why not. */
function poolShape(layer: tf.layers.Layer, inShape: number[]): PoolShape | string {
  const c = layer.getConfig() as unknown as {
    poolSize: number[];
    strides: number[];
    padding: string;
    dataFormat: string;
  };
  const [h, w, channels] = inShape;
  const ok =
    layer.getClassName() === "MaxPooling2D" &&
    c.poolSize[0] === 2 &&
    c.poolSize[1] === 2 &&
    c.strides[0] === 2 &&
    c.strides[1] === 2 &&
    c.padding === "valid" &&
    c.dataFormat === "channelsLast" &&
    h % 2 === 0 &&
    w % 2 === 0;
  return ok ? { inWidth: w, channels, outHeight: h / 2, outWidth: w / 2 } : "not a 2×2 max pool over even maps";
}

/** The shape a layer outputs for one example. */
function outShape(layer: tf.layers.Layer): number[] {
  return (layer.outputShape as (number | null)[]).slice(1) as number[];
}

/**
 * Whether `fit` can split this training as a LeNet-shaped network: a Sequential of (a Reshape,)
 * a ReLU convolution of one input channel at stride 1 (conv2dFewChannelsSimd.ts), a 2×2 max pool,
 * a ReLU convolution of ≥ 8 filters at stride 1 without padding (conv2dTiledSimd.ts), a 2×2 max
 * pool, a Flatten, ReLU dense layers and a linear dense layer, all of `models`' fused layers with
 * bias (`models.lenet()` with its defaults is one) — the layers whose one-thread kernels the split
 * runs; and whatever every split needs (`splitRefusal`, unitSplitPlan.ts).
 */
export function planConvSplit(
  model: tf.LayersModel,
  plan: FitPlan,
  callbacks: FitCallbacks | undefined,
): ConvSplitPlan {
  if (!(model instanceof tf.Sequential)) return { why: "not a Sequential model" };
  const layers = model.layers.filter((layer) => layer.getClassName() !== "Reshape" || layer !== model.layers[0]);
  if (layers.length < 7) return { why: "not a LeNet-shaped network" };
  const [c1, p1, c2, p2, flatten, ...dense] = layers;
  if (flatten.getClassName() !== "Flatten") return { why: "not a LeNet-shaped network" };
  const inShape = (c1.input as tf.SymbolicTensor).shape.slice(1) as number[];
  if (inShape.length !== 3 || inShape[2] !== 1) return { why: "not one input channel" };
  const g1 = convGeometry(c1, inShape);
  if (typeof g1 === "string") return { why: g1 };
  const co1 = outShape(c1)[2];
  const pool1 = poolShape(p1, outShape(c1));
  if (typeof pool1 === "string") return { why: pool1 };
  const g2 = convGeometry(c2, outShape(p1));
  if (typeof g2 === "string") return { why: g2 };
  const co2 = outShape(c2)[2];
  const pool2 = poolShape(p2, outShape(c2));
  if (typeof pool2 === "string") return { why: pool2 };
  const batch = plan.loader.maxBatchSize;
  const whole1 = { ...g1, batch };
  const whole2 = { ...g2, batch };
  const kernelsApply =
    convFewChannelsApplies(whole1) &&
    filterGradSimdApplies(whole1) &&
    co1 <= MAX_CONV1_CHANNELS &&
    g1.outWidth % 4 === 0 && // conv1's dz transposed has no padded lanes to keep zero
    convTiledApplies(whole2, co2) &&
    paddedIsInput(whole2) &&
    g2.strideHeight === 1 &&
    g2.strideWidth === 1 &&
    col2imSimdApplies(whole2) &&
    im2colSimdApplies(whole2) &&
    filterGradTiledApplies(whole2, co2) &&
    co2 <= MAX_COLUMN_SUM_CHANNELS;
  if (!kernelsApply) return { why: "convolutions the split's kernels do not run" };
  const shapes: { inputs: number; units: number }[] = [];
  let features = pool2.outHeight * pool2.outWidth * pool2.channels;
  for (const [i, layer] of dense.entries()) {
    const parts = fusedDenseParts(layer);
    const relu = i < dense.length - 1;
    if (!parts || !parts.bias || parts.activation !== (relu ? "relu" : "linear"))
      return { why: "not ReLU dense layers and a linear output layer, all with bias" };
    const [inputs, units] = parts.kernel.shape as [number, number];
    if (inputs !== features || units > MAX_COLUMN_SUM_CHANNELS) return { why: "dense layers the split does not run" };
    shapes.push({ inputs, units });
    features = units;
  }
  const classes = features;
  const variables = [c1, c2, ...dense].flatMap(weightsOf);
  const imageSize = inShape[0] * inShape[1];
  const refused = splitRefusal(plan, callbacks, variables, imageSize, classes);
  if (typeof refused === "string") return { why: refused };
  // Each thread needs examples of its own; more threads than cores would wait for the scheduler.
  const threads = Math.min(plan.threads, Math.floor(batch / 2), splitThreadsAtMost());
  if (threads < 2) return { why: batch < 4 ? "batches of fewer than 4 examples" : "one core" };
  const net: ConvNetShape = {
    inputSize: imageSize,
    conv1: { g: g1, outChannels: co1, layout: filterGradLayout(g1, co1) },
    pool1,
    conv2: { g: g2, outChannels: co2 },
    pool2,
    dense: shapes,
  };
  // The data and a batch of every map in one wasm memory (at most 4 GiB): a full batch of MNIST would not fit.
  const mapFloats = Object.values(mapSizes(net))
    .flat()
    .reduce((sum: number, floats: number) => sum + floats, 0);
  const weights = variables.reduce((sum, v) => sum + v.size, 0);
  const bytes = 4 * (plan.loader.size * (imageSize + 2) + batch * mapFloats + 8 * weights);
  const tooLarge = sharedMemoryRefusal(bytes);
  if (tooLarge !== undefined) return { why: tooLarge };
  return { ok: true, threads, optimizer: refused.optimizer, net };
}
