/**
 * One epoch of the library path the notebooks run (#19): `models.mlp` / `models.lenet` +
 * `losses.crossEntropy` on class-index labels + `train.fit` + `optim.Adam` (fit's defaults).
 * Shared by bench/libraryPath.ts (in the bench's process) and bench/libraryPathProcess.ts (in a
 * child with its own thread count).
 */
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../src/losses";
import * as models from "../src/models";
import { fitEpochRound } from "./optimlabFit";
import type { TrainingData } from "./workloads";

export type Network = "mlp" | "lenet";

/** A fresh model and optimizer, and a function that trains one epoch over `data` (flat [n, 784] images) and returns samples/s. */
export function libraryRound(network: Network, data: TrainingData, labels: tf.Tensor1D): () => Promise<number> {
  const model = network === "mlp" ? models.mlp({ sizes: [784, 128, 10], seed: 1 }) : models.lenet({ seed: 1 });
  return fitEpochRound(model, crossEntropy, data.x, labels, data.count);
}
