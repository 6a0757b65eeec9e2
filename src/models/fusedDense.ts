/**
 * A tfjs `Dense` layer (linear or ReLU) whose product, bias and ReLU are one operation on the
 * gradient tape, on 2-D operands.
 *
 * In training, tfjs's `dense({ activation: "relu" })` records product, bias add and ReLU as
 * separate ops (`tf.fused.matMul` fuses a non-linear activation only outside gradient recording),
 * each with its own backward ops, reshapes to 3-D and back, and `mlp` used to add a separate ReLU
 * layer. Here one `tf.customGrad` op runs the plain product (BatchMatMul: optimlab's SIMD product,
 * which does not re-pack the weights every step as XNNPACK's fused product with bias does), the
 * bias add and the ReLU, and its gradient is tfjs's own for the fused product (`dy·step(y)`, then
 * the two products and the bias sum). On the cpu backend the results are the same bits as
 * dense → ReLU layer; on wasm the product's summation order differs from XNNPACK's (≤ 1e-6
 * relative, test). It is a `Dense` subclass: `getClassName()` is "Dense", and a saved model loads
 * back as a plain `Dense` with the same activation.
 */
import * as tf from "@tensorflow/tfjs";

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

/** tfjs-layers' Dense class, from the serialization registry (creating one would use up a layer name). */
function denseClass(): DenseConstructor {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Dense as unknown as
    [DenseConstructor, unknown] | undefined;
  if (!entry) throw new Error("fusedDense: tfjs-layers has no Dense class registered");
  return entry[0];
}

/**
 * activation(x·w + b) as one taped op, with the gradient of tfjs's fused matMul. tfjs reshapes
 * x and w to 3-D first; the kernels take 2-D operands as one batch, so the reshapes are left out.
 */
function fusedMatMul(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor | null, activation: FusedActivation): tf.Tensor {
  const attrs = { transposeA: false, transposeB: false };
  const run = (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc, b1?: tf.Tensor) => {
    const product = tf.engine().runKernel(tf.BatchMatMul, { a, b }, attrs) as tf.Tensor;
    const z = b1 ? tf.add(product, b1) : product;
    const y = activation === "relu" ? tf.relu(z) : z;
    tf.dispose([product, z].filter((t) => t !== y)); // the forward is not taped: only y is kept
    save(b1 ? [a, b, y, b1] : [a, b, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb, sy, sBias] = saved;
      const dyActivation = activation === "relu" ? tf.mul(dy, tf.step(sy)) : dy;
      const grads = [tf.matMul(dyActivation, sb, false, true), tf.matMul(sa, dyActivation, true, false)];
      if (sBias) grads.push(tf.sum(dyActivation, 0)); // Dense's bias is [units], the shape of this sum
      return grads;
    };
    return { value: y, gradFunc };
  };
  const asSave = (save: tf.Tensor | tf.GradSaveFunc) => save as tf.GradSaveFunc;
  if (bias === null) return tf.customGrad((a, b, save) => run(a as tf.Tensor, b as tf.Tensor, asSave(save)))(x, w);
  return tf.customGrad((a, b, b1, save) => run(a as tf.Tensor, b as tf.Tensor, asSave(save), b1 as tf.Tensor))(
    x,
    w,
    bias,
  );
}

let FusedDenseClass: DenseConstructor | undefined;

/** `tf.layers.dense({ ...args, activation })`, fused in training too (see the file header). */
export function fusedDense(args: Omit<DenseArgs, "activation">, activation: FusedActivation): tf.layers.Layer {
  FusedDenseClass ??= class FusedDense extends denseClass() {
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      this.invokeCallHook(inputs, kwargs);
      const fields = this as unknown as DenseFields;
      const name = fields.activation.getClassName();
      if (input.rank !== 2 || (name !== "relu" && name !== "linear")) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const bias = fields.bias ? fields.bias.read() : null;
        return fusedMatMul(input as tf.Tensor2D, fields.kernel.read() as tf.Tensor2D, bias, name);
      });
    }
  };
  return new FusedDenseClass({ ...args, activation });
}
