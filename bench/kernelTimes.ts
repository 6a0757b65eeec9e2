/**
 * Per-override timings on the shapes of the two workloads (MLP 784-128-10 and LeNet, batch 64):
 * each case is timed with optimlab's wasm kernels and with tfjs's own, interleaved.
 */
import * as tf from "@tensorflow/tfjs";
import { elementwise, fusedGlobalNorm } from "../src/backend/fused";
import { interleave, msPerCall } from "./timing";
import { withKernels } from "./workloads";

export interface KernelCase {
  kernel: string;
  shapes: string;
  /** Builds the inputs once and returns the call to time (disposing its result) and a cleanup. */
  setup(): { call: () => void; dispose: () => void };
}

function timed(op: () => tf.Tensor | tf.Tensor[]): () => void {
  return () => tf.dispose(op());
}

function tensors(...ts: tf.Tensor[]): () => void {
  return () => tf.dispose(ts);
}

/** tfjs has no public op for the filter gradient alone; run its kernel directly. */
function backpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], pad: "same" | "valid"): tf.Tensor {
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
    strides: 1,
    pad,
    dataFormat: "NHWC",
    dimRoundingMode: undefined,
    filterShape,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

export const KERNEL_CASES: KernelCase[] = [
  {
    kernel: "BatchMatMul",
    shapes: "xᵀ·dy 784×64·64×128 (dW, transposeA)",
    setup() {
      const x = tf.randomNormal([64, 784]);
      const dy = tf.randomNormal([64, 128]);
      return { call: timed(() => tf.matMul(x, dy, true, false)), dispose: tensors(x, dy) };
    },
  },
  {
    kernel: "BatchMatMul",
    shapes: "dy·Wᵀ 64×128·128×784 (dx, transposeB)",
    setup() {
      const dy = tf.randomNormal([64, 128]);
      const w = tf.randomNormal([784, 128]);
      return { call: timed(() => tf.matMul(dy, w, false, true)), dispose: tensors(dy, w) };
    },
  },
  {
    kernel: "BatchMatMul",
    shapes: "x·W 64×784·784×128, new W each call",
    setup() {
      const x = tf.randomNormal([64, 784]);
      const w = tf.randomNormal([784, 128]);
      // W·1 has a new tensor id, like weights after an optimizer step: XNNPACK re-packs it.
      return { call: timed(() => tf.tidy(() => tf.matMul(x, tf.mul(w, 1)))), dispose: tensors(x, w) };
    },
  },
  {
    kernel: "BatchMatMul",
    shapes: "x·W 64×784·784×128, same W (packed once)",
    setup() {
      const x = tf.randomNormal([64, 784]);
      const w = tf.randomNormal([784, 128]);
      return { call: timed(() => tf.matMul(x, w)), dispose: tensors(x, w) };
    },
  },
  {
    kernel: "BatchMatMul",
    shapes: "batched 8×(64×64·(64×64)ᵀ)",
    setup() {
      const a = tf.randomNormal([8, 64, 64]);
      const b = tf.randomNormal([8, 64, 64]);
      return { call: timed(() => tf.matMul(a, b, false, true)), dispose: tensors(a, b) };
    },
  },
  {
    kernel: "GatherV2",
    shapes: "64 random rows of 10000×784 (model.fit batches)",
    setup() {
      const x = tf.zeros([10000, 784]);
      const rows = tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => (i * 7919) % 10000),
        "int32",
      );
      return { call: timed(() => tf.gather(x, rows)), dispose: tensors(x, rows) };
    },
  },
  {
    kernel: "Slice",
    shapes: "64 rows of 10000×784",
    setup() {
      const x = tf.zeros([10000, 784]);
      return { call: timed(() => tf.slice(x, [640, 0], [64, 784])), dispose: tensors(x) };
    },
  },
  {
    kernel: "Conv2DBackpropFilter",
    shapes: "LeNet conv1: x 64×28×28×1, 5×5×1×6 same",
    setup() {
      const x = tf.randomNormal([64, 28, 28, 1]) as tf.Tensor4D;
      const dy = tf.randomNormal([64, 28, 28, 6]) as tf.Tensor4D;
      return { call: timed(() => backpropFilter(x, dy, [5, 5, 1, 6], "same")), dispose: tensors(x, dy) };
    },
  },
  {
    kernel: "Conv2DBackpropFilter",
    shapes: "LeNet conv2: x 64×14×14×6, 5×5×6×16 valid",
    setup() {
      const x = tf.randomNormal([64, 14, 14, 6]) as tf.Tensor4D;
      const dy = tf.randomNormal([64, 10, 10, 16]) as tf.Tensor4D;
      return { call: timed(() => backpropFilter(x, dy, [5, 5, 6, 16], "valid")), dispose: tensors(x, dy) };
    },
  },
  {
    kernel: "Conv2DBackpropInput",
    shapes: "LeNet conv2: dy 64×10×10×16 → dx 64×14×14×6",
    setup() {
      const dy = tf.randomNormal([64, 10, 10, 16]) as tf.Tensor4D;
      const w = tf.randomNormal([5, 5, 6, 16]) as tf.Tensor4D;
      return { call: timed(() => tf.conv2dTranspose(dy, w, [64, 14, 14, 6], 1, "valid")), dispose: tensors(dy, w) };
    },
  },
  {
    kernel: "MaxPoolGrad",
    shapes: "LeNet pool1: 64×28×28×6, 2×2",
    setup() {
      const x = tf.randomNormal([64, 28, 28, 6]) as tf.Tensor4D;
      const grad = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, "valid"));
      return { call: timed(() => grad(x)), dispose: tensors(x) };
    },
  },
  {
    kernel: "AvgPoolGrad",
    shapes: "64×28×28×6, 2×2",
    setup() {
      const x = tf.randomNormal([64, 28, 28, 6]) as tf.Tensor4D;
      const grad = tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, 2, 2, "valid"));
      return { call: timed(() => grad(x)), dispose: tensors(x) };
    },
  },
  {
    // Without optimlab's kernels the same elementwise body runs as ~12 tfjs ops.
    kernel: "OptimlabElementwise",
    shapes: "Adam moments + update, 784×128 (fused vs tfjs ops)",
    setup() {
      const [g, m, v] = [tf.randomNormal([784, 128]), tf.randomNormal([784, 128]), tf.abs(tf.randomNormal([784, 128]))];
      const adam = () => {
        const out = elementwise({ g, m, v }, ({ g, m, v }) => {
          const mu = m.mul(0.9).add(g.mul(1 - 0.9));
          const nu = v.mul(0.999).add(g.square().mul(1 - 0.999));
          return { mu, nu, u: mu.div(nu.sqrt().div(0.0316).add(1e-8)).mul(10) };
        });
        return [out.mu, out.nu, out.u];
      };
      return { call: timed(adam), dispose: tensors(g, m, v) };
    },
  },
  {
    kernel: "OptimlabGlobalNorm",
    shapes: "the MLP's 4 gradients, 101,770 values (fused vs tfjs ops)",
    setup() {
      const grads = [
        tf.randomNormal([784, 128]),
        tf.randomNormal([128]),
        tf.randomNormal([128, 10]),
        tf.randomNormal([10]),
      ];
      return { call: timed(() => fusedGlobalNorm(grads)), dispose: tensors(...grads) };
    },
  },
];

export interface KernelTiming {
  kernel: string;
  shapes: string;
  oursMs: number;
  tfjsMs?: number;
  tfjsError?: string;
}

/** Times each case `reps` times per round, `rounds` rounds, ours and tfjs's interleaved. */
export async function timeKernels(reps: number, rounds: number): Promise<KernelTiming[]> {
  const timings: KernelTiming[] = [];
  for (const c of KERNEL_CASES) {
    const { call, dispose } = c.setup();
    const [ours, theirs] = await interleave(
      [
        { name: "ours", round: () => withKernels(true, async () => msPerCall(call, reps)) },
        { name: "tfjs", round: () => withKernels(false, async () => msPerCall(call, reps)) },
      ],
      rounds,
      true,
    );
    dispose();
    timings.push({
      kernel: c.kernel,
      shapes: c.shapes,
      oursMs: ours.best,
      tfjsMs: theirs.error === undefined ? theirs.best : undefined,
      tfjsError: theirs.error,
    });
  }
  return timings;
}
