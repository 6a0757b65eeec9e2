/**
 * A tfjs `Dense` layer (linear or ReLU) whose product, bias and ReLU are one operation on the
 * gradient tape, on 2-D operands.
 *
 * In training, tfjs's `dense({ activation: "relu" })` records product, bias add and ReLU as
 * separate ops (`tf.fused.matMul` fuses a non-linear activation only outside gradient recording),
 * each with its own backward ops, reshapes to 3-D and back, and `mlp` used to add a separate ReLU
 * layer. Here one taped op runs the plain product (BatchMatMul: optimlab's SIMD product,
 * which does not re-pack the weights every step as XNNPACK's fused product with bias does), the
 * bias add and the ReLU, and its gradient is tfjs's own for the fused product (`dy·step(y)`, then
 * the two products and the bias sum), each input's part computed only when the engine asks for it
 * (never for the data batch). On the cpu backend the results are the same bits as
 * dense → ReLU layer; on wasm the product's summation order differs from XNNPACK's (≤ 1e-6
 * relative, test). It is a `Dense` subclass: `getClassName()` is "Dense", and a saved model loads
 * back as a plain `Dense` with the same activation. The forward and the gradient's pieces are
 * exported for `train.fit`'s tape-free gradients of a stack of these layers, which call exactly
 * them (train/denseStackGradients.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { fusedColumnSum } from "../backend/fused";
import { reluBiasGrad } from "../backend/wasmKernels/reluBiasGrad";
import { registeredLayerClass } from "./registeredLayerClass";

type DenseArgs = NonNullable<Parameters<typeof tf.layers.dense>[0]>;
/** The activations this layer fuses (the two whose fused gradient tfjs defines). */
export type FusedActivation = "relu" | "linear";
type DenseConstructor = new (args: DenseArgs) => tf.layers.Layer;

/** The fields of tfjs-layers' Dense that `call` reads (not in its public typings). */
interface DenseFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
}

/**
 * The engine's entry for an op with its own gradient (what `tf.customGrad` calls, private in the
 * typings): unlike `customGrad`, whose gradient computes every input's gradient at once, the
 * gradient returns one function per input and the engine calls only those of inputs on the path
 * to the variables. The data batch's gradient (a 64×128·128×784 product in the MNIST MLP, a third
 * of its product work) is then never computed.
 */
interface LazyGradientEngine {
  runKernelFunc(invocation: {
    forwardFunc: (backend: unknown, save: tf.GradSaveFunc) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: tf.NamedTensorMap;
  }): tf.Tensor;
}

/** The engine's BatchMatMul on 2-D operands (what `tf.matMul` runs, without the op wrapper). */
function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.engine().runKernel(tf.BatchMatMul, { a, b }, { transposeA, transposeB }) as tf.Tensor;
}

/**
 * activation(x·w + b) by direct engine calls, recording nothing: the forward of the fused layer,
 * run inside its taped op and by `train.fit`'s tape-free gradients (train/denseStackGradients.ts),
 * so both give the same bits. Intermediates are freed; only the output is returned.
 */
export function denseForward(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  bias: tf.Tensor | null,
  activation: FusedActivation,
): tf.Tensor2D {
  const engine = tf.engine();
  const xw = product(x, w, false, false);
  const z = bias ? (engine.runKernel(tf.Add, { a: xw, b: bias }) as tf.Tensor) : xw;
  if (z !== xw) xw.dispose();
  if (activation === "linear") return z as tf.Tensor2D;
  const y = engine.runKernel(tf.Relu, { x: z }) as tf.Tensor2D;
  z.dispose();
  return y;
}

/**
 * The gradient at the layer's pre-activation, dz = dy·activation′ (from the output y), and its
 * batch sum, the bias gradient (when the layer has a bias): ReLU's gradient and the bias sum are
 * one pass on wasm (reluBiasGrad.ts: the same bits as tfjs's Step, Multiply and Sum), the bias sum
 * alone is one kernel (columnSum.ts: tf.sum(dz, 0)). The bias sum runs when asked for.
 */
export function denseActivationGradient(
  dy: tf.Tensor,
  y: tf.Tensor,
  hasBias: boolean,
  activation: FusedActivation,
): { dz: tf.Tensor; biasGrad?: () => tf.Tensor } {
  if (activation === "relu" && hasBias) return reluBiasGrad(dy, y);
  const dz = activation === "relu" ? tf.tidy(() => tf.mul(dy, tf.step(y))) : dy;
  return hasBias ? { dz, biasGrad: () => fusedColumnSum(dz) } : { dz };
}

/** d loss/d x = dz·wᵀ (tfjs's fused matMul gradient for the left operand). */
export function denseInputGradient(dz: tf.Tensor, w: tf.Tensor): tf.Tensor2D {
  return product(dz, w, false, true) as tf.Tensor2D;
}

/** d loss/d w = xᵀ·dz (tfjs's fused matMul gradient for the right operand). */
export function denseKernelGradient(x: tf.Tensor, dz: tf.Tensor): tf.Tensor2D {
  return product(x, dz, true, false) as tf.Tensor2D;
}

/**
 * activation(x·w + b) as one taped op, with the gradient of tfjs's fused matMul. tfjs reshapes
 * x and w to 3-D first; the kernels take 2-D operands as one batch, so the reshapes are left out.
 */
function fusedMatMul(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor | null, activation: FusedActivation): tf.Tensor {
  const forwardFunc = (_backend: unknown, save: tf.GradSaveFunc) => {
    const y = denseForward(x, w, bias, activation); // the forward is not taped: only y is kept
    // Saved tensors are cloned by the engine: save only what the gradient reads (y only for ReLU).
    save(activation === "relu" ? [x, w, y] : [x, w]);
    return y;
  };
  const backwardsFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sa, sb, sy] = saved;
    const { dz, biasGrad } = denseActivationGradient(dy, sy, bias !== null, activation);
    const grads: Record<string, () => tf.Tensor> = {
      a: () => denseInputGradient(dz, sb),
      b: () => denseKernelGradient(sa, dz),
    };
    // Dense's bias is [units], the shape of this sum.
    if (biasGrad) grads.bias = biasGrad;
    return grads;
  };
  const inputs: tf.NamedTensorMap = bias ? { a: x, b: w, bias } : { a: x, b: w };
  return (tf.engine() as unknown as LazyGradientEngine).runKernelFunc({ forwardFunc, backwardsFunc, inputs });
}

/** A fused dense layer's weights and activation, as its 2-D forward uses them. */
export interface FusedDenseParts {
  /** [inputs, units] */
  kernel: tf.Variable;
  /** [units], or null for a layer without bias */
  bias: tf.Variable | null;
  activation: FusedActivation;
}

/**
 * The weights and activation of `layer` when it is a built fused dense layer that computes exactly
 * {@link denseForward} on a 2-D input (no activity regularizer, which tfjs-layers refuses to run);
 * otherwise undefined.
 */
export function fusedDenseParts(layer: tf.layers.Layer): FusedDenseParts | undefined {
  if (FusedDenseClass === undefined || !(layer instanceof FusedDenseClass) || !layer.built) return undefined;
  const fields = layer as unknown as DenseFields & { activityRegularizer?: unknown };
  const activation = fields.activation.getClassName();
  if ((activation !== "relu" && activation !== "linear") || fields.activityRegularizer != null) return undefined;
  return {
    kernel: fields.kernel.read() as tf.Variable,
    bias: fields.bias ? (fields.bias.read() as tf.Variable) : null,
    activation,
  };
}

let FusedDenseClass: DenseConstructor | undefined;

/** `tf.layers.dense({ ...args, activation })`, fused in training too (see the file header). */
export function fusedDense(args: Omit<DenseArgs, "activation">, activation: FusedActivation): tf.layers.Layer {
  FusedDenseClass ??= class FusedDense extends registeredLayerClass<DenseConstructor>("Dense", "fusedDense") {
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      const fields = this as unknown as DenseFields;
      const name = fields.activation.getClassName();
      if (input.rank !== 2 || (name !== "relu" && name !== "linear")) return super.call(inputs, kwargs);
      this.invokeCallHook(inputs, kwargs); // as Dense.call does (super.call above runs its own)
      return tf.tidy(() => {
        const bias = fields.bias ? fields.bias.read() : null;
        return fusedMatMul(input as tf.Tensor2D, fields.kernel.read() as tf.Tensor2D, bias, name);
      });
    }
  };
  return new FusedDenseClass({ ...args, activation });
}
