/**
 * Conv2D and FusedConv2D (bias + linear or ReLU) for wasm on generated SIMD kernels, with XNNPACK's
 * bits: few input channels at stride 1 (a first layer: LeNet's 1 → 6 at 28×28) on
 * conv2dFewChannelsSimd.ts (1.05 → 0.45 ms for LeNet's conv1 at batch 64), layers with ≥ 8 output
 * channels on conv2dTiledSimd.ts (LeNet's conv2 0.87 → 0.65 ms; 3×3 layers of 16–128 channels
 * 1.2–1.4× faster, with a new or the same filter each call). XNNPACK re-packs the filter whenever
 * it changes, i.e. on every training step. Every other layer, activation or data format goes to
 * tfjs's own kernel (XNNPACK), which also checks the inputs and throws its messages.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { geometryOf } from "./conv2dBackpropFilter";
import { filterGradLayout } from "./conv2dBackpropFilterSimd";
import { paddedIsInput } from "./conv2dBackpropInputSimd";
import { convFewChannels, convFewChannelsApplies } from "./conv2dFewChannelsSimd";
import { convTiled, convTiledApplies } from "./conv2dTiledSimd";
import { padInput } from "./im2colSimd";
import { paddedInputSize } from "./patchWalk";
import { fillPaddedPlanes } from "./paddedPlanesSimd";
import type { KernelOverride } from "./registry";
import { disposeTemp, f32View, tensorData, wasmMemory, type WasmBackend } from "./wasmBackend";

interface ConvInputs {
  x: TensorInfo;
  filter: TensorInfo;
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
}

/** The convolution on a generated SIMD kernel, or undefined where neither applies. */
function convolveSimd(
  backend: WasmBackend,
  inputs: ConvInputs,
  attrs: NamedAttrMap,
  relu: boolean,
): TensorInfo | undefined {
  const { x, filter, bias } = inputs;
  if (x.shape.length !== 4 || filter.shape.length !== 4 || x.dtype !== "float32" || filter.dtype !== "float32")
    return undefined;
  if (bias !== undefined && (bias.dtype !== "float32" || bias.shape.length !== 1 || bias.shape[0] !== filter.shape[3]))
    return undefined;
  if (attrs.dataFormat !== "NHWC" || x.shape[3] !== filter.shape[2]) return undefined;
  const dilations = attrs.dilations as number | [number, number] | undefined;
  if (dilations !== undefined && !(typeof dilations === "number" ? [dilations] : dilations).every((d) => d === 1))
    return undefined;
  const memory = wasmMemory(backend);
  if (memory === undefined) return undefined;
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const g = geometryOf(conv);
  const at = (t: TensorInfo) => tensorData(backend, t).memoryOffset;
  const biasAt = bias === undefined ? 0 : at(bias);
  if (convFewChannelsApplies(g)) {
    const layout = filterGradLayout(g, conv.outChannels);
    const out = backend.makeOutput([...conv.outShape], "float32");
    const xp = backend.makeOutput([g.inChannels * g.batch * layout.paddedHeight * layout.paddedWidth], "float32");
    fillPaddedPlanes(memory, g, layout, f32View(backend, x), at(x), f32View(backend, xp), at(xp));
    convFewChannels(memory, g, layout, conv.outChannels, relu, at(xp), at(filter), biasAt, at(out));
    disposeTemp(backend, xp);
    return out;
  }
  if (convTiledApplies(g, conv.outChannels)) {
    const out = backend.makeOutput([...conv.outShape], "float32");
    let xp = x;
    if (!paddedIsInput(g)) {
      const { rows, columns } = paddedInputSize(g);
      xp = backend.makeOutput([g.batch * rows * columns * g.inChannels], "float32");
      padInput(f32View(backend, x), g, f32View(backend, xp));
    }
    convTiled(memory, g, conv.outChannels, relu, at(xp), at(filter), biasAt, at(out));
    if (xp !== x) disposeTemp(backend, xp);
    return out;
  }
  return undefined;
}

function convolution(original: KernelConfig | undefined, fused: boolean): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackend;
    const inputs = args.inputs as unknown as ConvInputs;
    const attrs = args.attrs as NamedAttrMap;
    const activation = fused ? attrs.activation : "linear";
    if ((activation === "linear" || activation === "relu") && inputs.preluActivationWeights === undefined) {
      const out = convolveSimd(backend, inputs, attrs, activation === "relu");
      if (out !== undefined) return out;
    }
    if (original === undefined) throw new Error(`wasm backend has no ${fused ? tf.FusedConv2D : tf.Conv2D} kernel`);
    return original.kernelFunc(args);
  };
}

export const conv2dOverride: KernelOverride = {
  kernelName: tf.Conv2D,
  make: (original) => convolution(original, false),
};

export const fusedConv2dOverride: KernelOverride = {
  kernelName: tf.FusedConv2D,
  make: (original) => convolution(original, true),
};
