/**
 * `fusedSoftmaxCrossEntropy(logits, labels, reduction)`: cross-entropy of softmax(logits) against
 * int32 class indices as ONE taped op — one kernel forward, one backward — where
 * `logSoftmax` + one-hot pick + mean records ~13 kernels forward and ~15 backward (with their
 * saved-tensor clones) per training step.
 *
 * It repeats, value by value, the float32 operations of the op path it replaces
 * (`losses.crossEntropy` without weights, smoothing or ignored labels): tfjs's `logSoftmax`
 * (x − max, exp, row sum, log, subtract), the one-hot product and its row sum, the negation,
 * the batch sum and the division by N; and backward the same gradient ops (dy/N, the one-hot
 * product, logSoftmax's `dy − Σdy·exp(logp)`). Sums run in the order and precision of each
 * backend's Sum kernel: float32 running sums on "wasm", double running sums rounded once on
 * "cpu". So on "cpu" the loss and gradient are the same bits; on "wasm" they are too wherever
 * JavaScript's `Math.exp`/`Math.log` rounded to float32 equal the backend's `expf`/`logf`
 * (almost always; a value differs by 1 ulp otherwise, test). The forward also writes
 * softmax = exp(logp) (float32), which the backward needs. Other backends use the op path.
 * Untaped, `softmaxCrossEntropyWithGradient` runs the forward kernel with the backward for dy = 1
 * folded in (the second output is then the gradient): `train.fit`'s tape-free path.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from "@tensorflow/tfjs";
import { float32Arrays, int32Array, type ArrayBackendName } from "./arrays";
import { accumulator, rowGradient, softmaxCrossEntropyRows } from "./softmaxCrossEntropyRows";

export const SOFTMAX_CROSS_ENTROPY_KERNEL = "OptimlabSoftmaxCrossEntropy";
export const SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL = "OptimlabSoftmaxCrossEntropyGrad";

/** What the loss reduces to: the mean over the batch or the sum. */
export type SoftmaxCrossEntropyReduction = "mean" | "sum";

interface Attrs {
  /** N for "mean"; 0 for "sum" (no division). */
  divisor: number;
  /** The second output is d loss/d logits for an upstream gradient of 1 instead of softmax. */
  gradient?: boolean;
}

/** True when the fused op can run here: both kernels exist on the current backend. */
export function fusedSoftmaxCrossEntropyAvailable(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, backend) !== undefined &&
    tf.getKernel(SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, backend) !== undefined
  );
}

/**
 * The scalar loss of float32 `logits` [N, C] (N ≥ 1) against int32 `labels` [N] holding indices
 * in [0, C) (the caller checks them). Call only where {@link fusedSoftmaxCrossEntropyAvailable}.
 */
export function fusedSoftmaxCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  reduction: SoftmaxCrossEntropyReduction,
): tf.Scalar {
  const attrs: Attrs = { divisor: reduction === "mean" ? logits.shape[0] : 0 };
  // labels are closed over, not an input: they have no gradient, and the caller keeps them alive.
  const op = tf.customGrad((x, save) => {
    const [loss, softmax] = tf
      .engine()
      .runKernel(
        SOFTMAX_CROSS_ENTROPY_KERNEL,
        { logits: x as tf.Tensor, labels },
        attrs as unknown as NamedAttrMap,
      ) as tf.Tensor[];
    (save as tf.GradSaveFunc)([softmax]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf
          .engine()
          .runKernel(
            SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL,
            { softmax: saved[0], labels, dy },
            attrs as unknown as NamedAttrMap,
          ) as tf.Tensor,
    };
  });
  return op(logits) as tf.Scalar;
}

/**
 * The loss of {@link fusedSoftmaxCrossEntropy} and its gradient with respect to `logits` for an
 * upstream gradient of 1 — what the gradient kernel computes from the saved softmax when a tape
 * seeds the loss with ones — in ONE kernel and outside any tape (same preconditions). The same
 * bits as the taped op's value and gradient: the backward's operations run on the softmax row
 * just written, rounded to float32 as the saved tensor is.
 */
export function softmaxCrossEntropyWithGradient(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  reduction: SoftmaxCrossEntropyReduction,
): { loss: tf.Scalar; gradient: tf.Tensor2D } {
  const attrs: Attrs = { divisor: reduction === "mean" ? logits.shape[0] : 0, gradient: true };
  const [loss, gradient] = tf
    .engine()
    .runKernel(SOFTMAX_CROSS_ENTROPY_KERNEL, { logits, labels }, attrs as unknown as NamedAttrMap) as tf.Tensor[];
  return { loss: loss as tf.Scalar, gradient: gradient as tf.Tensor2D };
}

/** Forward: [loss, softmax]; see the file header for the operations it repeats. */
export function softmaxCrossEntropyKernel(backendName: ArrayBackendName): KernelFunc {
  const float32Sums = backendName === "wasm";
  return ({ inputs, attrs, backend }) => {
    const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo };
    const { divisor, gradient } = attrs as unknown as Attrs;
    const [n, c] = logits.shape;
    const arrays = float32Arrays(backendName, backend, [logits], [[], [n, c]]);
    const [lossOut, softmax] = arrays.outputs;
    const y = int32Array(backendName, backend, labels);
    lossOut[0] = softmaxCrossEntropyRows(
      float32Sums,
      arrays.inputs[0],
      0,
      n,
      c,
      (i) => y[i],
      divisor,
      softmax,
      0,
      gradient === true,
    );
    return arrays.infos;
  };
}

/**
 * Backward: d loss / d logits for the scalar `dy`. As the op path: s = dy/N (dy for "sum"), the
 * one-hot product gives dlogp_j = −s·onehot_j, logSoftmax's gradient dlogp − (Σ_j dlogp_j)·softmax.
 */
export function softmaxCrossEntropyGradKernel(backendName: ArrayBackendName): KernelFunc {
  const add = accumulator(backendName === "wasm");
  const f = Math.fround;
  return ({ inputs, attrs, backend }) => {
    const { softmax, labels, dy } = inputs as { softmax: TensorInfo; labels: TensorInfo; dy: TensorInfo };
    const { divisor } = attrs as unknown as Attrs;
    const [n, c] = softmax.shape;
    const arrays = float32Arrays(backendName, backend, [softmax, dy], [[n, c]]);
    const [sm, dyValues] = arrays.inputs;
    const out = arrays.outputs[0];
    const y = int32Array(backendName, backend, labels);
    const s = divisor === 0 ? dyValues[0] : f(dyValues[0] / divisor);
    out.set(sm);
    for (let i = 0; i < n; i++) rowGradient(add, y[i], out, i * c, c, s);
    return arrays.infos[0];
  };
}

export function softmaxCrossEntropyKernelConfigs(backendName: ArrayBackendName): KernelConfig[] {
  return [
    {
      kernelName: SOFTMAX_CROSS_ENTROPY_KERNEL,
      backendName,
      kernelFunc: softmaxCrossEntropyKernel(backendName),
    },
    {
      kernelName: SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL,
      backendName,
      kernelFunc: softmaxCrossEntropyGradKernel(backendName),
    },
  ];
}
