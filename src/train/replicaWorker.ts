/**
 * The data-parallel replica thread (a `worker_threads` worker started by dataParallel.ts): its own
 * tfjs on the trainer's backend (single-threaded), a copy of the model rebuilt from its recipe,
 * and a step loop that computes the loss, metrics and gradients of the rows the trainer posts,
 * with the trainer's current weights, by the same code as the trainer's own rows
 * (trainStep.ts's `forwardAndGradients`).
 *
 * Between fits it waits for a configure message on its event loop; during a fit it blocks in its
 * step loop (replicaChannel.ts) until the trainer releases it.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { use, type BackendName } from "../backend";
import { denseStackOf } from "./denseStackGradients";
import { ReplicaChannel, ReplicaState, tensorOfShared, valuesOf } from "./replicaChannel";
import { buildFromRecipe } from "./replicaRecipe";
import { REPLICA_LOSSES, REPLICA_METRICS, type ReplicaReply, type ReplicaSetup } from "./replicaSetup";
import { forwardAndGradients, type Forward, type GradientPlan } from "./trainStep";

interface Replica {
  model: tf.Sequential;
  plan: GradientPlan;
  setup: ReplicaSetup;
  channel: ReplicaChannel;
}

function configure(setup: ReplicaSetup): Replica {
  const model = buildFromRecipe(setup.recipe);
  const loss = REPLICA_LOSSES[setup.loss];
  const metrics = setup.metrics.map((name) => ({ name, fn: REPLICA_METRICS[name] }));
  if (!loss || metrics.some((m) => !m.fn))
    throw new Error(`replica: unknown loss or metric (${setup.loss}, ${setup.metrics.join(", ")})`);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const denseStack =
    setup.gradients === "auto" ? denseStackOf(model, { loss, regularizer: undefined, variables }) : undefined;
  const plan: GradientPlan = { denseStack, regularizer: undefined, variables, loss, metrics };
  return { model, plan, setup, channel: new ReplicaChannel(setup.layout, setup.buffer) };
}

/** One posted step: the trainer's weights, then this thread's rows' loss, metrics and gradients. */
function step({ model, plan, setup, channel }: Replica): void {
  tf.tidy(() => {
    // The model is rebuilt from the trainer's recipe: its weights have the trainer's shapes and order.
    let offset = 0;
    const weights = model.weights.map((w) => {
      const shape = w.shape as number[];
      const size = tf.util.sizeFromShape(shape);
      offset += size;
      return tensorOfShared(channel.weights.subarray(offset - size, offset), shape);
    });
    model.setWeights(weights);
    const rows = channel.rows;
    const xSize = rows * setup.layout.xWidth;
    const ySize = rows * setup.layout.yWidth;
    const x = tensorOfShared(channel.x.subarray(0, xSize), [rows, ...setup.xShape]);
    const labels = channel.labelsInt ? channel.yInt : channel.yFloat;
    const y = tensorOfShared(labels.subarray(0, ySize), [rows, ...setup.yShape]);
    const forward: Forward = { metrics: [] };
    const grads = forwardAndGradients(model, plan, { x, y }, forward);
    offset = 0;
    for (const variable of plan.variables) {
      const values = valuesOf(grads[variable.name]);
      channel.gradients.set(values, offset);
      offset += values.length;
    }
    channel.outputs[0] = (forward.dataLoss as tf.Scalar).dataSync()[0];
    forward.metrics.forEach((metric, i) => (channel.outputs[1 + i] = metric.dataSync()[0]));
    tf.dispose([forward.dataLoss, ...forward.metrics]);
  });
}

/** Answers posted steps until the trainer releases this replica. */
function runSteps(replica: Replica): void {
  const { channel } = replica;
  for (;;) {
    const state = channel.state;
    if (state === ReplicaState.release) return;
    if (state !== ReplicaState.posted) {
      channel.blockWhile(state);
      continue;
    }
    try {
      step(replica);
      channel.hand(ReplicaState.done);
    } catch (error) {
      channel.writeError(error instanceof Error ? error.message : String(error));
      channel.hand(ReplicaState.failed);
    }
  }
}

async function main(): Promise<void> {
  try {
    await use((workerData as { backend: BackendName }).backend);
  } catch (error) {
    parentPort?.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) });
    return;
  }
  parentPort?.on("message", (setup: ReplicaSetup) => {
    let replica: Replica;
    try {
      replica = configure(setup);
    } catch (error) {
      const reply: ReplicaReply = { kind: "error", message: error instanceof Error ? error.message : String(error) };
      parentPort?.postMessage(reply);
      return;
    }
    const reply: ReplicaReply = { kind: "configured" };
    parentPort?.postMessage(reply);
    try {
      runSteps(replica);
    } finally {
      replica.model.dispose();
    }
  });
  parentPort?.postMessage({ kind: "started" });
}

void main();
