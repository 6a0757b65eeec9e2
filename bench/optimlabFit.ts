/**
 * optimlab's own training loop (`train.fit` + `optim.Adam`), timed on the same MLP and data as
 * `model.fit` + `tf.train.adam`. Both sit on the same kernels; the difference is the loop's and
 * the optimizer's own cost. Loaded at run time: the row is skipped while those modules are absent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { BATCH_SIZE, withKernels, type TrainingData } from "./workloads";

/** optimlab's loss convention, like PyTorch's: (prediction, target) → scalar. */
type LossFn = (prediction: tf.Tensor, target: tf.Tensor) => tf.Tensor;

interface FitOptions {
  optimizer: tf.Optimizer;
  loss: LossFn;
  train: { x: tf.Tensor; y: tf.Tensor };
  epochs: number;
  batchSize: number;
  progress: false;
}

interface TrainModule {
  fit(model: tf.LayersModel, options: FitOptions): Promise<unknown>;
}

interface OptimModule {
  Adam: new (params: { lr: number }) => tf.Optimizer;
}

function sourceDir(area: string): string {
  return path.join(__dirname, "..", "src", area);
}

function hasModule(dir: string): boolean {
  return fs.existsSync(path.join(dir, "index.js")) || fs.existsSync(path.join(dir, "index.ts"));
}

function load(): { train: TrainModule; optim: OptimModule } | string {
  const trainDir = sourceDir("train");
  const optimDir = sourceDir("optim");
  if (!hasModule(trainDir)) return "src/train is not there yet";
  if (!hasModule(optimDir)) return "src/optim is not there yet";
  const train = require(trainDir) as Partial<TrainModule>;
  const optim = require(optimDir) as Partial<OptimModule>;
  if (typeof train.fit !== "function") return "src/train exports no fit()";
  if (typeof optim.Adam !== "function") return "src/optim exports no Adam";
  return { train: train as TrainModule, optim: optim as OptimModule };
}

/** Why the optimlab row cannot run, or undefined when it can. */
export function optimlabFitUnavailable(): string | undefined {
  try {
    const loaded = load();
    return typeof loaded === "string" ? loaded : undefined;
  } catch (error) {
    return `loading src/train or src/optim failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
}

/** Categorical cross-entropy on softmax outputs, the loss `model.fit` uses in the other row. */
const categoricalCrossentropy: LossFn = (prediction, target) => tf.mean(tf.metrics.categoricalCrossentropy(target, prediction));

/** One round = one epoch of optimlab's fit over `data` (kernels installed), in samples/s. */
export async function optimlabFitRound(build: () => tf.LayersModel, data: TrainingData): Promise<() => Promise<number>> {
  const loaded = load();
  if (typeof loaded === "string") throw new Error(loaded);
  // The backend module chooses a backend when first imported: let that settle before timing.
  const backend = require(sourceDir("backend")) as { ready?: () => Promise<unknown> };
  if (typeof backend.ready === "function") await backend.ready();
  const model = build();
  const optimizer = new loaded.optim.Adam({ lr: 1e-3 });
  return () =>
    withKernels(true, async () => {
      const t0 = performance.now();
      await loaded.train.fit(model, {
        optimizer,
        loss: categoricalCrossentropy,
        train: { x: data.x, y: data.y },
        epochs: 1,
        batchSize: BATCH_SIZE,
        progress: false,
      });
      return data.count / ((performance.now() - t0) / 1000);
    });
}
