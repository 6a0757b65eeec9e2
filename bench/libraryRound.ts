/**
 * A round of the library path the notebooks run (#19): `models.mlp` / `models.lenet` +
 * `losses.crossEntropy` on class-index labels + `train.fit` + `optim.Adam` (fit's defaults), timed
 * as PyTorch's rounds are ({@link warmedRound}). Shared by bench/libraryPath.ts (in the bench's
 * process) and bench/libraryPathProcess.ts (in a child with its own thread count).
 */
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../src/losses";
import * as models from "../src/models";
import { fitEpochRound } from "./optimlabFit";
import type { TrainingData } from "./workloads";

export type Network = "mlp" | "lenet";

/** Timed epochs of a round after its untimed one: bench/torch_reference.py's default (TIMED_EPOCHS). */
export const TIMED_EPOCHS = 3;

/**
 * A round timed as bench/torch_reference.py times PyTorch's (a fresh process per round): one
 * untimed epoch, then the best of {@link TIMED_EPOCHS}. Until session 18 our rounds were one epoch
 * each, which in an interleaved bench starts after the seconds this process sat idle while the
 * other variants ran — and on the reference VM memory left untouched that long reads back several
 * times slower (a 40 MB array: 5 ms warm, 24 ms after 0.3 s idle, 63 ms after 1 s, 103 ms after
 * 3 s), so the MNIST MLP's epoch after 1.5 s idle ran at 34,000 samples/s against 52,000 back to
 * back on one thread (docs/performance.md, "Idle costs here"). PyTorch's rounds never paid it.
 */
export function warmedRound(epoch: () => Promise<number>): () => Promise<number> {
  return async () => {
    await epoch();
    let best = 0;
    for (let i = 0; i < TIMED_EPOCHS; i++) best = Math.max(best, await epoch());
    return best;
  };
}

/** A fresh model and optimizer, and a round (see {@link warmedRound}) of epochs over `data` (flat [n, 784] images) in samples/s. */
export function libraryRound(network: Network, data: TrainingData, labels: tf.Tensor1D): () => Promise<number> {
  const model = network === "mlp" ? models.mlp({ sizes: [784, 128, 10], seed: 1 }) : models.lenet({ seed: 1 });
  return warmedRound(fitEpochRound(model, crossEntropy, data.x, labels, data.count));
}
