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
 * back as a plain `Dense` with the same activation.
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

/**
 * activation(x·w + b) as one taped op, with the gradient of tfjs's fused matMul. tfjs reshapes
 * x and w to 3-D first; the kernels take 2-D operands as one batch, so the reshapes are left out.
 */
function fusedMatMul(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor | null, activation: FusedActivation): tf.Tensor {
  const attrs = { transposeA: false, transposeB: false };
  const forwardFunc = (_backend: unknown, save: tf.GradSaveFunc) => {
    const product = tf.engine().runKernel(tf.BatchMatMul, { a: x, b: w }, attrs) as tf.Tensor;
    const z = bias ? tf.add(product, bias) : product;
    const y = activation === "relu" ? tf.relu(z) : z;
    tf.dispose([product, z].filter((t) => t !== y)); // the forward is not taped: only y is kept
    // Saved tensors are cloned by the engine: save only what the gradient reads (y only for ReLU).
    save(activation === "relu" ? [x, w, y] : [x, w]);
    return y;
  };
  const backwardsFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sa, sb, sy] = saved;
    // ReLU's gradient and the bias sum: one pass on wasm (reluBiasGrad.ts: the same bits as
    // tfjs's Step, Multiply and Sum over the batch, which run elsewhere).
    const { dz: dyActivation, biasGrad } =
      activation === "relu" && bias
        ? reluBiasGrad(dy, sy)
        : { dz: activation === "relu" ? tf.mul(dy, tf.step(sy)) : dy, biasGrad: undefined };
    const grads: Record<string, () => tf.Tensor> = {
      a: () => tf.matMul(dyActivation, sb, false, true),
      b: () => tf.matMul(sa, dyActivation, true, false),
    };
    // Dense's bias is [units], the shape of this sum (tf.sum(dz, 0) in one kernel: columnSum.ts).
    if (bias) grads.bias = biasGrad ?? (() => fusedColumnSum(dyActivation));
    return grads;
  };
  const inputs: tf.NamedTensorMap = bias ? { a: x, b: w, bias } : { a: x, b: w };
  return (tf.engine() as unknown as LazyGradientEngine).runKernelFunc({ forwardFunc, backwardsFunc, inputs });
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
