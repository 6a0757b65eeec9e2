/**
 * `fit` on several threads: each step's batch is cut into consecutive parts, the first computed on
 * this thread and each other part by a replica thread (replicaWorker.ts) holding a copy of the
 * model with this step's weights; the parts' gradients, loss and metrics are combined here,
 * weighted by their share of the batch (the loss is a batch mean: the mean of the whole batch is
 * the weighted mean of the parts' means), and the update runs here as on one thread.
 *
 * Every example's forward and backward pass is computed by the same code as on one thread, but
 * the batch sums inside the gradients are summed per part and then added, so the result is not
 * the same bits as one thread (float32 rounding of a sum depends on its order); it is the same
 * bits on every run with the same thread count (the parts and the order of their sum are fixed).
 * Only models whose examples do not interact (replicaRecipe.ts), with the library's own losses and
 * metrics (replicaSetup.ts) and no regularizer, are split; anything else trains on one thread, and
 * `planDataParallel` says why.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendName } from "../backend";
import { elementwiseGroups, type TraceCache } from "../backend/fused";
import type { Batch } from "../data/loader";
import { crossEntropy } from "../losses/crossEntropy";
import type { FitPlan } from "./fitOptions";
import { ReplicaChannel, ReplicaState, tensorOfShared, valuesOf } from "./replicaChannel";
import { sequentialRecipe } from "./replicaRecipe";
import { nameIn, REPLICA_LOSSES, REPLICA_METRICS, type ReplicaSetup } from "./replicaSetup";
import { replicaThreads } from "./replicaPool";
import type { ReplicaThread } from "./replicaThread";
import { multiplyAddsPerExample, worthSplitting, minPartMultiplyAdds } from "./splitPolicy";
import type { StepValueLayout } from "./stepValues";
import { finishStep, forwardAndGradients, trainStep, type Forward } from "./trainStep";

/** crossEntropy's default ignored label: a batch with it is not a plain mean (see `step`). */
const IGNORED_LABEL = -100;

/** How a fit would be split: the setup for its replicas, or why it trains on one thread. */
export type DataParallelPlan =
  | { setup: Omit<ReplicaSetup, "layout" | "buffer">; multiplyAdds: number; why?: undefined }
  | { setup?: undefined; why: string };

/** Whether `fit` can split this model's steps over threads (see the file header). */
export function planDataParallel(model: tf.LayersModel, plan: FitPlan): DataParallelPlan {
  if (tf.getBackend() === "tensorflow") return { why: "tfjs-node runs its own threads" };
  const recipe = sequentialRecipe(model);
  if (!recipe) return { why: "the model is not a Sequential whose examples are computed independently" };
  const loss = nameIn(REPLICA_LOSSES, plan.loss);
  if (loss === undefined) return { why: "the loss is not one of optimlab's losses with default options" };
  const metrics = plan.metrics.map((m) => nameIn(REPLICA_METRICS, m.fn));
  if (metrics.some((m) => m === undefined)) return { why: "a metric other than accuracy" };
  if (plan.regularizer) return { why: "a regularizer" };
  const { dataset } = plan.loader;
  if (dataset.x.dtype !== "float32" || !(dataset.y.dtype === "float32" || dataset.y.dtype === "int32"))
    return { why: "inputs that are not float32 or labels that are not float32/int32" };
  if (model.weights.some((w) => w.dtype !== "float32")) return { why: "weights that are not float32" };
  const multiplyAdds = multiplyAddsPerExample(model);
  const smallestPart = splitRows(plan.loader.maxBatchSize, plan.threads)[plan.threads - 1];
  if (!worthSplitting(smallestPart, multiplyAdds))
    return {
      why: `a part of ${smallestPart} examples is ${Math.round(smallestPart * multiplyAdds * 3).toLocaleString("en-US")} multiply-adds, too little to pay for the split (${minPartMultiplyAdds().toLocaleString("en-US")}: splitPolicy.ts)`,
    };
  return {
    multiplyAdds,
    setup: {
      recipe,
      loss,
      metrics: metrics as string[],
      gradients: plan.denseStack ? "auto" : "tape",
      xShape: dataset.x.shape.slice(1),
      yShape: dataset.y.shape.slice(1),
    },
  };
}

/** Rows per part: consecutive, the first parts one longer when `rows` does not divide evenly. */
export function splitRows(rows: number, parts: number): number[] {
  const base = Math.floor(rows / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < rows % parts ? 1 : 0));
}

interface Part {
  thread: ReplicaThread;
  channel: ReplicaChannel;
}

/** One fit's replicas: configured, stepped, released. */
export class DataParallel {
  /** The traced program of the gradients' weighted sum, kept across steps. */
  private readonly sumTrace: TraceCache = {};

  private constructor(
    private readonly parts: Part[],
    private readonly countsIgnoredLabels: boolean,
    /** Multiply-adds per example (see {@link MIN_PART_MULTIPLY_ADDS}). */
    private readonly multiplyAdds: number,
  ) {}

  /** `plan.threads` threads for this fit (this one included), the replicas configured with the model. */
  static async start(
    model: tf.LayersModel,
    plan: FitPlan,
    { setup, multiplyAdds }: { setup: Omit<ReplicaSetup, "layout" | "buffer">; multiplyAdds: number },
  ): Promise<DataParallel> {
    const layout = {
      weights: model.weights.reduce((sum, w) => sum + w.read().size, 0),
      xWidth: tf.util.sizeFromShape(setup.xShape),
      yWidth: tf.util.sizeFromShape(setup.yShape),
      maxRows: plan.loader.maxBatchSize,
      gradients: plan.variables.reduce((sum, v) => sum + v.size, 0),
      outputs: 1 + plan.metrics.length,
    };
    const replicaThreadList = await replicaThreads(plan.threads - 1, tf.getBackend() as BackendName);
    const parts = replicaThreadList.map((thread) => ({ thread, channel: new ReplicaChannel(layout) }));
    try {
      for (const part of parts)
        await part.thread.configure({ ...setup, layout, buffer: part.channel.buffer }, part.channel);
    } catch (error) {
      for (const part of parts) part.thread.release();
      throw error;
    }
    return new DataParallel(
      parts,
      plan.loss === crossEntropy && plan.loader.dataset.y.dtype !== "float32",
      multiplyAdds,
    );
  }

  /** Threads this fit trains on, this one included. */
  get threads(): number {
    return this.parts.length + 1;
  }

  /** Ends the replicas' step loops (they wait for the next fit). */
  release(): void {
    for (const { thread } of this.parts) thread.release();
  }

  /** Resolves when every replica has answered the posted step; rejects with the first failure. */
  private async answers(): Promise<void> {
    const results = await Promise.allSettled(this.parts.map((part) => part.thread.answered()));
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  /**
   * One optimizer step, its batch split over the threads; the step's recorded values packed by
   * `layout`, as `trainStep` returns them. A batch whose parts would be too small (e.g. an epoch's
   * short last batch), or whose crossEntropy mean skips ignored labels (so the parts' weights are
   * not their row counts), runs on this thread alone.
   */
  async step(model: tf.LayersModel, plan: FitPlan, layout: StepValueLayout, batch: Batch): Promise<tf.Tensor> {
    const rows = splitRows(batch.size, this.threads);
    const labels = batch.y.dataSync();
    const oneThread =
      !worthSplitting(rows[rows.length - 1], this.multiplyAdds) ||
      (this.countsIgnoredLabels && labels.includes(IGNORED_LABEL));
    if (oneThread) return trainStep(model, plan, layout, batch);
    this.post(model, batch, rows, labels);
    const forward: Forward = { metrics: [] };
    let own: { grads: tf.NamedTensorMap; loss: tf.Scalar; metrics: tf.Scalar[] };
    try {
      own = tf.tidy(() => {
        const x = tf.slice(batch.x, 0, rows[0]);
        const y = tf.slice(batch.y, 0, rows[0]);
        const grads = forwardAndGradients(model, plan, { x, y }, forward);
        return { grads, loss: forward.dataLoss as tf.Scalar, metrics: forward.metrics };
      });
    } catch (error) {
      // The replicas' answers are awaited before the error is reported: a replica still on this
      // step when the fit ends would answer after the release and miss it.
      await this.answers().catch(() => undefined);
      throw error;
    }
    try {
      await this.answers();
    } catch (error) {
      tf.dispose([own.grads, own.loss, own.metrics]);
      throw error;
    }
    return tf.tidy(() => this.combine(plan, layout, own, rows, batch.size));
  }

  /** Writes each replica's rows, their labels and the weights, and hands the step over. */
  private post(model: tf.LayersModel, batch: Batch, rows: number[], labels: tf.TypedArray): void {
    const weights = model.weights.map((w) => valuesOf(w.read()));
    const x = valuesOf(batch.x);
    const { xWidth, yWidth } = this.parts[0].channel.layout;
    let start = rows[0];
    this.parts.forEach(({ channel }, i) => {
      const count = rows[i + 1];
      let offset = 0;
      for (const values of weights) {
        channel.weights.set(values, offset);
        offset += values.length;
      }
      channel.x.set(x.subarray(start * xWidth, (start + count) * xWidth));
      const y = labels.subarray(start * yWidth, (start + count) * yWidth);
      if (batch.y.dtype === "int32") channel.yInt.set(y);
      else channel.yFloat.set(y);
      channel.setStep(count, batch.y.dtype === "int32");
      channel.hand(ReplicaState.posted);
      start += count;
    });
  }

  /** The parts' gradients, loss and metrics weighted by their rows, then the update (finishStep). */
  private combine(
    plan: FitPlan,
    layout: StepValueLayout,
    own: { grads: tf.NamedTensorMap; loss: tf.Scalar; metrics: tf.Scalar[] },
    rows: number[],
    total: number,
  ): tf.Tensor {
    const share = rows.map((count) => count / total);
    // Each variable's gradient is Σ part·share in part order, all variables in one fused kernel.
    let offset = 0;
    const groups = plan.variables.map((variable) => {
      const group: Record<string, tf.Tensor> = { p0: own.grads[variable.name] };
      this.parts.forEach(({ channel }, i) => {
        const values = channel.gradients.subarray(offset, offset + variable.size);
        group[`p${i + 1}`] = tensorOfShared(values, variable.shape);
      });
      offset += variable.size;
      return group;
    });
    const sums = elementwiseGroups(
      groups,
      (parts) => {
        let sum = parts.p0.mul(share[0]);
        for (let i = 1; i < share.length; i++) sum = sum.add(parts[`p${i}`].mul(share[i]));
        return { sum };
      },
      { cache: this.sumTrace },
    );
    const grads: tf.NamedTensorMap = {};
    plan.variables.forEach((variable, i) => (grads[variable.name] = sums[i].sum));
    const weighted = (mine: tf.Scalar, output: number) =>
      this.parts.reduce(
        (sum, { channel }, i) => tf.add(sum, tf.mul(tf.scalar(channel.outputs[output]), share[i + 1])),
        tf.mul(mine, share[0]),
      ) as tf.Scalar;
    const forward: Forward = {
      dataLoss: weighted(own.loss, 0),
      metrics: own.metrics.map((metric, m) => weighted(metric, 1 + m)),
    };
    tf.dispose([own.grads, own.loss, own.metrics]);
    return finishStep(plan, layout, grads, forward);
  }
}
