/**
 * A tfjs `Dense` layer with ReLU whose product, bias and ReLU run as one `_FusedMatMul` kernel
 * also while gradients are recorded.
 *
 * tfjs's `tf.fused.matMul` fuses a non-linear activation only outside gradient recording, so in
 * training a `dense({ activation: "relu" })` runs product, bias add and ReLU as separate kernels,
 * and `mlp` used to add a separate ReLU layer (one more layer call per step). This layer calls the
 * fused kernel with tfjs's own gradient for it (`dy·step(y)`, then the products and the bias sum
 * exactly as `tf.fused.matMul` does), so values and gradients are the same bits as
 * dense (fused bias) → ReLU. It is a `Dense` subclass: `getClassName()` is "Dense", and a saved
 * model loads back as a plain `Dense` with `activation: "relu"`.
 */
import * as tf from "@tensorflow/tfjs";

type DenseArgs = NonNullable<Parameters<typeof tf.layers.dense>[0]>;
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
  if (!entry) throw new Error("reluDense: tfjs-layers has no Dense class registered");
  return entry[0];
}

/**
 * relu(x·w + b) as one kernel, with the gradient of tfjs's fused matMul for 'relu'. tfjs reshapes
 * x and w to 3-D first; the kernels take 2-D operands as one batch, with the same results, so the
 * reshapes (and their gradients) are left out.
 */
function fusedMatMulRelu(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor | null): tf.Tensor {
  const attrs = { transposeA: false, transposeB: false, activation: "relu", leakyreluAlpha: 0.2 };
  const run = (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc, b1?: tf.Tensor) => {
    const inputs: tf.NamedTensorMap = b1 ? { a, b, bias: b1 } : { a, b };
    const y = tf.engine().runKernel(tf._FusedMatMul, inputs, attrs) as tf.Tensor;
    save(b1 ? [a, b, y, b1] : [a, b, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb, sy, sBias] = saved;
      const dyActivation = tf.mul(dy, tf.step(sy));
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

let ReluDenseClass: DenseConstructor | undefined;

/** `tf.layers.dense({ ...args, activation: "relu" })`, fused in training too (see the file header). */
export function reluDense(args: Omit<DenseArgs, "activation">): tf.layers.Layer {
  ReluDenseClass ??= class ReluDense extends denseClass() {
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      this.invokeCallHook(inputs, kwargs);
      const fields = this as unknown as DenseFields;
      if (input.rank !== 2 || fields.activation.getClassName() !== "relu") return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const bias = fields.bias ? fields.bias.read() : null;
        return fusedMatMulRelu(input as tf.Tensor2D, fields.kernel.read() as tf.Tensor2D, bias);
      });
    }
  };
  return new ReluDenseClass({ ...args, activation: "relu" });
}
