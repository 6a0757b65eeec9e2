/**
 * What a data-parallel replica is told at the start of a `fit` (dataParallel.ts → replicaWorker.ts):
 * the model's recipe, the loss and metrics by name, the shapes of one example and its labels,
 * and the shared memory of the step channel. Functions cannot cross threads, so only the
 * library's own losses (used as they are, i.e. with their default options: a mean over the batch)
 * and the "accuracy" metric have names here; a fit with another loss or metric trains on one thread.
 */
import { bce } from "../losses/bce";
import { bceWithLogits } from "../losses/bceWithLogits";
import { crossEntropy } from "../losses/crossEntropy";
import { huber } from "../losses/huber";
import { l1 } from "../losses/l1";
import { mse } from "../losses/mse";
import type { LossFn } from "./evaluate";
import { accuracy, probabilityAccuracy, type MetricFn } from "./metrics";
import type { ChannelLayout } from "./replicaChannel";
import type { LayerRecipe } from "./replicaRecipe";

/** Losses a replica can compute, by name: each a mean over the batch with its default options. */
export const REPLICA_LOSSES: Readonly<Record<string, LossFn>> = { crossEntropy, mse, l1, huber, bce, bceWithLogits };
/** Metrics a replica can compute, by name: each a mean over the batch. */
export const REPLICA_METRICS: Readonly<Record<string, MetricFn>> = { accuracy, probabilityAccuracy };

/** The name under which `table` holds `fn`, if it does. */
export function nameIn<F>(table: Readonly<Record<string, F>>, fn: F): string | undefined {
  return Object.keys(table).find((name) => table[name] === fn);
}

/** The configure message. */
export interface ReplicaSetup {
  recipe: LayerRecipe[];
  loss: string;
  metrics: string[];
  /** fit's `gradients` option: "tape" keeps the replica on the tape too. */
  gradients: "auto" | "tape";
  /** One example's shape (without the batch axis), and its labels'. */
  xShape: number[];
  yShape: number[];
  layout: ChannelLayout;
  buffer: SharedArrayBuffer;
}

/** The replica's answer to a configure message. */
export type ReplicaReply = { kind: "configured" } | { kind: "error"; message: string };
