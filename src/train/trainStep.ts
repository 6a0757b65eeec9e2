/**
 * One optimizer step of `fit`: forward, loss (+ penalty), gradients (on tfjs's tape, or directly for
 * a dense stack: denseStackGradients.ts), optional clipping, update,
 * and the step's recorded values packed into one tensor (see stepValues.ts). Everything else
 * the step allocates is freed, also when the user's loss, metric or regularizer throws.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch } from "../data/loader";
import { ChainOptimizer } from "../optim/chainOptimizer";
import { clipGradNorm } from "../regularize/clipGradNorm";
import { globalNorm } from "../transforms/globalNorm";
import { denseStackGradients } from "./denseStackGradients";
import {
  lossNotTensorMessage,
  nonScalarLossMessage,
  nonScalarRegularizerMessage,
  regularizerNotTensorMessage,
  type FitPlan,
} from "./fitOptions";
import type { NormOf, StepValueLayout } from "./stepValues";
import { freeAbandonedTape } from "./abandonedTape";

/** The tensors the forward pass hands out of `tf.variableGrads` (kept, so the caller frees them). */
export interface Forward {
  dataLoss?: tf.Scalar;
  penalty?: tf.Scalar;
  metrics: tf.Scalar[];
}

/** What the forward pass and the gradients read of a fit's plan (a data-parallel replica has only these). */
export type GradientPlan = Pick<FitPlan, "denseStack" | "regularizer" | "variables" | "loss" | "metrics">;

/**
 * The gradients of the loss (+ penalty) on `batch`, by variable name; the loss, penalty and
 * metrics go into `forward`. On a throw, frees what it kept and the abandoned tape.
 */
export function forwardAndGradients(
  model: tf.LayersModel,
  plan: GradientPlan,
  batch: Pick<Batch, "x" | "y">,
  forward: Forward,
): tf.NamedTensorMap {
  try {
    return gradientsOf(model, plan, batch, forward);
  } catch (error) {
    tf.dispose(keptBy(forward));
    freeAbandonedTape();
    throw error;
  }
}

/** Whether a loss or regularizer returned a tensor (and not, say, a number). */
function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/** The tensors `forward` holds. */
function keptBy(forward: Forward): tf.Tensor[] {
  return [forward.dataLoss, forward.penalty, ...forward.metrics].filter((t) => t !== undefined);
}

function gradientsOf(
  model: tf.LayersModel,
  plan: GradientPlan,
  batch: Pick<Batch, "x" | "y">,
  forward: Forward,
): tf.NamedTensorMap {
  const direct = plan.denseStack ? denseStackGradients(plan.denseStack, batch.x, batch.y) : undefined;
  if (direct) {
    // No tape (denseStackGradients.ts): the same values as below, no regularizer.
    forward.dataLoss = direct.loss;
    for (const metric of plan.metrics) forward.metrics.push(metric.fn(direct.logits, batch.y));
    direct.logits.dispose();
    return direct.grads;
  }
  const { regularizer, variables } = plan;
  return tf.variableGrads(() => {
    const prediction = model.apply(batch.x, { training: true }) as tf.Tensor;
    const dataLoss: unknown = plan.loss(prediction, batch.y);
    if (!isTensor(dataLoss)) throw new Error(lossNotTensorMessage(dataLoss));
    if (dataLoss.rank !== 0) throw new Error(nonScalarLossMessage(dataLoss.shape));
    forward.dataLoss = tf.keep(dataLoss as tf.Scalar);
    for (const metric of plan.metrics) forward.metrics.push(tf.keep(metric.fn(prediction, batch.y)));
    if (!regularizer) return dataLoss as tf.Scalar;
    const penalty: unknown = regularizer(variables);
    if (!isTensor(penalty)) throw new Error(regularizerNotTensorMessage(penalty));
    if (penalty.rank !== 0) throw new Error(nonScalarRegularizerMessage(penalty.shape));
    forward.penalty = tf.keep(penalty as tf.Scalar);
    return tf.add(dataLoss, forward.penalty) as tf.Scalar;
  }, variables).grads;
}

/** Runs one step on `batch` and returns its recorded values packed by `layout`. */
export function trainStep(model: tf.LayersModel, plan: FitPlan, layout: StepValueLayout, batch: Batch): tf.Tensor {
  return tf.tidy(() => {
    const forward: Forward = { metrics: [] };
    const grads = forwardAndGradients(model, plan, batch, forward);
    return finishStep(plan, layout, grads, forward);
  });
}

/**
 * The rest of a step once its gradients are known: clipping, the norms, the update, and the
 * step's values packed by `layout`. Frees `forward`'s tensors; call inside a tidy.
 */
export function finishStep(
  plan: FitPlan,
  layout: StepValueLayout,
  grads: tf.NamedTensorMap,
  forward: Forward,
): tf.Tensor {
  let gradNorm: tf.Scalar | NormOf | undefined;
  let update = grads;
  if (plan.clipGradNorm !== undefined) {
    const clipped = clipGradNorm(grads, plan.clipGradNorm);
    update = clipped.grads;
    gradNorm = clipped.totalNorm;
  } else if (plan.normsPerStep) {
    // optim's optimizers leave the gradients alone: their norm is taken when packing, after
    // the update, in the kernel that packs the values; any other optimizer might free them.
    gradNorm =
      plan.optimizer instanceof ChainOptimizer ? { normOf: Object.values(grads) } : globalNorm(Object.values(grads));
  }
  plan.optimizer.applyGradients(update);
  // Both norms and the values go into one kernel (stepValues.ts).
  const packed = layout.pack({
    loss: forward.dataLoss as tf.Scalar,
    penalty: forward.penalty,
    gradNorm,
    weightNorm: plan.normsPerStep ? { normOf: plan.variables } : undefined,
    metrics: forward.metrics,
  });
  tf.dispose(keptBy(forward));
  return packed;
}
