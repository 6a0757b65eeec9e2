/**
 * A tfjs `Conv2D` layer (linear or ReLU) whose convolution, bias add and ReLU are one operation on
 * the gradient tape (2-D convolution, channels last, dilation 1).
 *
 * In training, tfjs's `conv2d({ activation: "relu" })` records convolution, bias add and ReLU as
 * separate ops (`tf.fused.conv2d` fuses only outside gradient recording): on wasm the broadcast
 * bias add alone is a scalar loop over the whole feature map (~1 ms for LeNet's first layer at
 * batch 64). Here the layer runs tfjs's `FusedConv2D` kernel (on wasm: XNNPACK's convolution with
 * bias and ReLU in its epilogue) as one taped op, and its gradient (registered for that kernel) is
 * the one tfjs records for the unfused layer: `dy·step(y)`, then the bias sum over batch and
 * positions and the two convolution gradients (`Conv2DBackpropInput`, `Conv2DBackpropFilter`:
 * optimlab's wasm kernels), each computed only when needed.
 * On the cpu backend the values and gradients are the same bits as conv → bias → ReLU; on wasm
 * XNNPACK starts each sum from the bias instead of adding it last (≤ 1e-5 relative, test). It is a
 * `Conv2D` subclass: `getClassName()` is "Conv2D", so summaries and saved models are unchanged
 * and a saved model loads back as a plain `Conv2D` with the same activation.
 */
import * as tf from "@tensorflow/tfjs";
import { reluBiasGrad } from "../backend/wasmKernels/reluBiasGrad";
import { registeredLayerClass } from "./registeredLayerClass";

type Conv2DArgs = NonNullable<Parameters<typeof tf.layers.conv2d>[0]>;
/** The activations this layer fuses (the two whose fused gradient tfjs defines). */
export type FusedConvActivation = "relu" | "linear";
type Conv2DConstructor = new (args: Conv2DArgs) => tf.layers.Layer;

/** The fields of tfjs-layers' Conv2D that `call` reads (not in its public typings). */
interface Conv2DFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
  strides: number[];
  padding: "valid" | "same" | "causal";
  dataFormat: "channelsFirst" | "channelsLast";
  dilationRate: number | number[];
}

/** The geometry the fused op needs (NHWC, dilation 1). */
interface ConvGeometry {
  strides: [number, number];
  pad: "valid" | "same";
}

export function unsupportedFusedConvGradientMessage(activation: unknown, dataFormat: unknown): string {
  return `fusedConv2d: no gradient for activation ${String(activation)} with data format ${String(dataFormat)} (relu or linear, NHWC)`;
}

/**
 * The gradient of tfjs's `FusedConv2D` kernel (tfjs defines none: `tf.fused.conv2d` leaves the
 * kernel while recording). Registered as a kernel gradient rather than a `tf.customGrad` so that
 * the engine calls only the parts it needs: the first layer's input gradient (a whole
 * `Conv2DBackpropInput`) is never computed.
 */
const fusedConv2dGradient: tf.GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ["x", "filter"],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x, filter, y] = saved as tf.Tensor4D[];
    const { activation, strides, pad, dataFormat, dimRoundingMode } = attrs;
    if ((activation !== "relu" && activation !== "linear") || dataFormat !== "NHWC")
      throw new Error(unsupportedFusedConvGradientMessage(activation, dataFormat));
    // ReLU's gradient and the bias sum: one pass on wasm (reluBiasGrad.ts), tfjs's Step, Multiply, Sum elsewhere.
    const { dz: dyActivation, biasGrad } =
      activation === "relu"
        ? reluBiasGrad(dy as tf.Tensor, y)
        : { dz: dy as tf.Tensor, biasGrad: () => tf.sum(dy as tf.Tensor, [0, 1, 2]) };
    const convAttrs = { strides, pad, dataFormat, dimRoundingMode };
    return {
      x: () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyActivation, filter }, {
          ...convAttrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filter: () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dyActivation }, {
          ...convAttrs,
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      bias: biasGrad, // the bias is [filters], the shape of this sum
    };
  },
};

let gradientRegistered = false;

/**
 * activation(conv2d(x, w) + b) as one taped kernel (FusedConv2D), with the gradient of the
 * unfused ops. Only y is kept for the backward pass, no intermediate map.
 */
export function fusedConv2dOp(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  activation: FusedConvActivation,
  geometry: ConvGeometry,
): tf.Tensor4D {
  if (!gradientRegistered) {
    tf.registerGradient(fusedConv2dGradient);
    gradientRegistered = true;
  }
  const inputs: tf.NamedTensorMap = bias ? { x, filter: w, bias } : { x, filter: w };
  const attrs = {
    strides: geometry.strides,
    pad: geometry.pad,
    dataFormat: "NHWC",
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation,
    leakyreluAlpha: 0,
  };
  return tf.engine().runKernel(tf.FusedConv2D, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The geometry when this layer can run fused (channels last, dilation 1, no causal padding), else undefined. */
function fusableGeometry(fields: Conv2DFields): ConvGeometry | undefined {
  const dilation = typeof fields.dilationRate === "number" ? [fields.dilationRate] : fields.dilationRate;
  if (fields.dataFormat !== "channelsLast" || !dilation.every((d) => d === 1)) return undefined;
  if (fields.padding !== "valid" && fields.padding !== "same") return undefined;
  return { strides: [fields.strides[0], fields.strides[1]], pad: fields.padding };
}

let FusedConv2DClass: Conv2DConstructor | undefined;

/** `tf.layers.conv2d({ ...args, activation })`, fused in training too (see the file header). */
export function fusedConv2d(args: Omit<Conv2DArgs, "activation">, activation: FusedConvActivation): tf.layers.Layer {
  FusedConv2DClass ??= class FusedConv2D extends registeredLayerClass<Conv2DConstructor>("Conv2D", "fusedConv2d") {
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const fields = this as unknown as Conv2DFields;
      const name = fields.activation.getClassName();
      const geometry = fusableGeometry(fields);
      if (input.rank !== 4 || geometry === undefined || (name !== "relu" && name !== "linear"))
        return super.call(inputs, kwargs);
      this.invokeCallHook(inputs, kwargs);
      return tf.tidy(() => {
        const bias = fields.bias ? (fields.bias.read() as tf.Tensor1D) : null;
        return fusedConv2dOp(input as tf.Tensor4D, fields.kernel.read() as tf.Tensor4D, bias, name, geometry);
      });
    }
  };
  return new FusedConv2DClass({ ...args, activation });
}

/** Whether `layer` is a {@link fusedConv2d} layer (its activation is in its config). */
export function isFusedConv2d(layer: tf.layers.Layer): boolean {
  return FusedConv2DClass !== undefined && layer instanceof FusedConv2DClass;
}
