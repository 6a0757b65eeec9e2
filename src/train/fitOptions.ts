/**
 * What `fit` accepts (FitOptions and its parts), the messages for bad options, and `planFit`: the
 * one place that checks the options and resolves their defaults into a {@link FitPlan}.
 */
import * as tf from "@tensorflow/tfjs";
import { fitThreads, type FitThreads } from "../backend/fitThreads";
import { wasmSimdSupported } from "../backend/wasmCode/simd";
import { DataLoader, noBatchesMessage } from "../data/loader";
import { datasetSize, emptyDatasetMessage, type Dataset } from "../data/dataset";
import { invalidLearningRateMessage, shown } from "../optim/errors";
import { checkOptionNames, closestOption } from "../messages/options";
import {
  ChainedScheduler,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  type LRScheduler,
  type SchedulerSettings,
} from "../optim/lrScheduler";
import { checkEarlyStoppingOptions, unknownMonitorMessage } from "./earlyStopping";
import { nameIn, REPLICA_LOSSES } from "./replicaSetup";
import { denseStackOf, type DenseStack } from "./denseStackGradients";
import type { LossFn } from "./evaluate";
import { resolveMetrics, type Metric, type MetricFn } from "./metrics";
import { validationKey, type EpochRecord } from "./records";
import type { History } from "./history";

export type { LossFn } from "./evaluate";

/** A penalty on the trainable weights added to the loss (e.g. `(w) => regularize.l2Penalty(w, 1e-4)`). */
export type Regularizer = (weights: tf.Variable[]) => tf.Scalar;

/**
 * Any lr scheduler from `optim.lrScheduler`. `fit` steps it as a torch loop would: after every
 * epoch by default (ReduceLROnPlateau with the validation loss, else the training loss), after every
 * batch with `schedulerInterval: "step"`; OneCycleLR (alone or inside a SequentialLR or
 * ChainedScheduler) always after every batch.
 */
export type Scheduler = LRScheduler<SchedulerSettings> | SequentialLR | ChainedScheduler | ReduceLROnPlateau;

export interface EarlyStoppingOptions {
  /** Epoch value to watch (default "valLoss" with validation data, else "loss"). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as improvement (default 0). */
  minDelta?: number;
  /** "min" (default; "max" for keys containing "accuracy"). */
  mode?: "min" | "max";
  /** Put back the weights of the best epoch at the end (default true). */
  restoreBest?: boolean;
}

export interface EpochContext {
  history: History;
  /** Ends training after this epoch. */
  stop(): void;
}

export interface FitCallbacks {
  /**
   * After each optimizer step (values are not read here, to avoid a sync per step). A promise it
   * returns is awaited, and its rejection ends the fit with that error.
   */
  onStepEnd?(info: { step: number; epoch: number; batch: number; lr: number | undefined }): void;
  /** After each epoch, with its record. */
  onEpochEnd?(record: EpochRecord, context: EpochContext): void | Promise<void>;
}

export interface FitOptions {
  /** An optimizer from `optim` (e.g. `new optim.SGD({ lr: 0.1 })`) or any tf.Optimizer. */
  optimizer: tf.Optimizer;
  /** (prediction, target) → scalar, e.g. `losses.crossEntropy`. */
  loss: LossFn;
  /** Training data, or a DataLoader you configured yourself. */
  train: Dataset | DataLoader;
  validation?: Dataset;
  /** Default 1. */
  epochs?: number;
  /** Default 32; `"full"` for full-batch gradient descent, 1 for pure SGD. Ignored for a DataLoader. */
  batchSize?: number | "full";
  /** Reshuffle every epoch (default true). Ignored for a DataLoader. */
  shuffle?: boolean;
  /** e.g. `["accuracy"]`. */
  metrics?: Metric[];
  regularizer?: Regularizer;
  /** Clip the global gradient L2 norm to this value before each update. */
  clipGradNorm?: number;
  scheduler?: Scheduler;
  /**
   * When to step the scheduler: "epoch" (default) or "step" (after every batch, e.g. CyclicLR or a
   * SequentialLR of per-batch schedules). OneCycleLR always steps per batch (so does a SequentialLR or
   * ChainedScheduler that holds one), ReduceLROnPlateau per epoch.
   */
  schedulerInterval?: "epoch" | "step";
  callbacks?: FitCallbacks;
  earlyStopping?: EarlyStoppingOptions | boolean;
  /** Seed of the data order (default: next sub-seed of `seed(n)`). */
  seed?: number;
  /** Progress bar (default true). */
  progress?: boolean;
  /**
   * When to record gradient and weight norms: every step (default) or only per epoch ("epoch":
   * the weight norm at the epoch's end; gradient norms only when clipping, which computes them
   * anyway). "epoch" saves a few small ops per step, which shows on tiny models.
   */
  norms?: "step" | "epoch";
  /** Read recorded values at least every this many steps (default 200). */
  syncEvery?: number;
  /**
   * How the gradients are taken: "auto" (default) computes them directly, without tfjs's gradient
   * tape, when the model is a Sequential of `models` dense layers (`mlp` without dropout or batch
   * norm, `linear`, `logistic`) and the loss is `losses.crossEntropy` with class-index labels and no
   * regularizer — the same bits as the tape, with less overhead per step — and with
   * `tf.variableGrads` otherwise. "tape" always uses `tf.variableGrads`.
   */
  gradients?: "auto" | "tape";
  /**
   * Threads to train on (default: the `OPTIMLAB_THREADS` environment variable, else the cores, at
   * most 8, for the same-bits splits alone: backend/fitThreads.ts). With 2 or more, a two-layer
   * dense network trained tape-free by an optim optimizer (train/unitSplit.ts: `planUnitSplit`
   * says which) is split by hidden units, and a LeNet-shaped network by examples and weights
   * (train/convSplit.ts: `planConvSplit`) — both the same bits as one thread —, at most one thread
   * per core. Asked for (this option or `OPTIMLAB_THREADS`), other models have each batch split into
   * consecutive parts, one per thread, whose gradients are added (train/dataParallel.ts): not the
   * same bits as one thread, the same on every run with the same count; only for a Sequential
   * whose examples are computed independently (dense, convolution, pooling, flatten, reshape,
   * activation layers) with one of optimlab's losses as is, "accuracy" as the only metric and no
   * regularizer. Otherwise one thread, and `history.info.threadsNote` says why.
   */
  threads?: number;
  /** Names the run (legend of plots, key in `compare`). */
  name?: string;
}

export const missingOptimizerMessage = (): string =>
  "fit needs an optimizer, e.g. { optimizer: new optim.SGD({ lr: 0.1 }) }";
export const missingLossMessage = (): string =>
  "fit needs a loss function (prediction, target) → scalar, e.g. { loss: losses.mse }";

export function invalidEpochsMessage(epochs: unknown): string {
  return `Invalid epochs: ${shown(epochs)} (expected a positive integer)`;
}

export function invalidClipMessage(value: unknown): string {
  return `Invalid clipGradNorm: ${shown(value)} (expected a number > 0)`;
}

export function inputShapeMessage(
  which: string,
  expected: readonly (number | null)[],
  actual: readonly number[],
): string {
  return `fit: the model expects inputs of shape [${expected.map((d) => (d === null ? "n" : d)).join(", ")}] but ${which}.x has shape [${actual.join(", ")}]`;
}

/** torch's containers say "expects all schedulers to belong to the same optimizer"; fit says which. */
export const foreignSchedulerMessage = (): string =>
  "fit: the scheduler belongs to a different optimizer than options.optimizer, so the lrs it schedules would never reach the optimizer being trained; build it on that optimizer, e.g. scheduler: new optim.lrScheduler.StepLR(optimizer, { stepSize: 10 })";

export function invalidFitSeedMessage(value: unknown): string {
  return `Invalid seed: ${shown(value)} (expected an integer, e.g. seed: 0)`;
}

/** Every option of `fit`, for the unknown-option check (a Record, so a new option cannot be left out). */
const FIT_OPTIONS: Record<keyof FitOptions, true> = {
  optimizer: true,
  loss: true,
  train: true,
  validation: true,
  epochs: true,
  batchSize: true,
  shuffle: true,
  metrics: true,
  regularizer: true,
  clipGradNorm: true,
  scheduler: true,
  schedulerInterval: true,
  callbacks: true,
  earlyStopping: true,
  seed: true,
  progress: true,
  norms: true,
  syncEvery: true,
  gradients: true,
  threads: true,
  name: true,
};
/** The names of `fit`'s options (`compare` checks its own against them). */
export const fitOptionNames = (): (keyof FitOptions)[] => Object.keys(FIT_OPTIONS) as (keyof FitOptions)[];
const CALLBACKS: Record<keyof FitCallbacks, true> = { onStepEnd: true, onEpochEnd: true };
const EARLY_STOPPING_OPTIONS: Record<keyof EarlyStoppingOptions, true> = {
  monitor: true,
  patience: true,
  minDelta: true,
  mode: true,
  restoreBest: true,
};

/** The keys of the epoch records a fit makes (what early stopping can watch), in record order. */
function epochRecordKeys(has: {
  lr: boolean;
  gradNorm: boolean;
  penalty: boolean;
  metrics: readonly string[];
  validation: boolean;
}): string[] {
  const keys = ["epoch", "step", "loss"];
  if (has.lr) keys.push("lr");
  if (has.gradNorm) keys.push("gradNorm");
  keys.push("weightNorm", "time", "samplesPerSecond");
  if (has.penalty) keys.push("penalty");
  keys.push(...has.metrics);
  if (has.validation) keys.push("valLoss", ...has.metrics.map(validationKey));
  return keys;
}

/** Throws for a key of `options` that is not one of `allowed`'s. */
function checkFitOptionNames(what: string, options: object, allowed: Record<string, true>): void {
  checkOptionNames(what, options, Object.keys(allowed));
}

export function invalidSchedulerIntervalMessage(value: unknown): string {
  return `Invalid schedulerInterval: ${shown(value)} (expected "epoch" or "step")`;
}

export function invalidSyncEveryMessage(value: unknown): string {
  return `Invalid syncEvery: ${shown(value)} (expected a positive integer)`;
}

/** A OneCycleLR with fewer steps left than the fit takes (torch fails mid-run: "Tried to step … times"). */
export function oneCycleTooShortMessage(left: number, epochs: number, batches: number): string {
  const steps = epochs * batches;
  return `fit: the OneCycleLR has ${left} steps left but this fit takes ${steps} (${epochs} epochs × ${batches} batches), and OneCycleLR steps after every batch; build it with { totalSteps: ${steps} } or { epochs: ${epochs}, stepsPerEpoch: ${batches} }`;
}

/** The validation labels fail the loss's own checks (e.g. crossEntropy's "Target 2 is out of bounds."). */
export function invalidValidationLabelsMessage(lossMessage: string): string {
  return `fit: validation.y does not suit the loss: ${lossMessage}`;
}

export function invalidNormsMessage(value: unknown): string {
  return `Invalid norms: ${shown(value)} (expected "step" or "epoch")`;
}

export function invalidFitThreadsMessage(value: unknown): string {
  return `Invalid threads: ${shown(value)} (expected a whole number from 1 to ${MAX_FIT_THREADS})`;
}

/** The most threads `fit` splits a batch over. */
export const MAX_FIT_THREADS = 8;

export function invalidGradientsMessage(value: unknown): string {
  return `Invalid gradients: ${shown(value)} (expected "auto" or "tape")`;
}

export function nonScalarLossMessage(shape: readonly number[]): string {
  return `fit: the loss must return a scalar, got shape [${shape.join(", ")}] (use reduction "mean")`;
}

/** What a loss or regularizer returned instead of a tensor, for the messages. */
function returned(value: unknown): string {
  return `${shown(value)} (${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`})`;
}

export function lossNotTensorMessage(value: unknown): string {
  return `fit: the loss must return a scalar tensor, got ${returned(value)}; compute it with tf ops on (prediction, target), e.g. losses.mse or tf.mean(tf.square(tf.sub(prediction, target)))`;
}

export function regularizerNotTensorMessage(value: unknown): string {
  return `fit: the regularizer must return a scalar tensor, got ${returned(value)}; compute it with tf ops on the weights, e.g. (w) => regularize.l2Penalty(w, 1e-4)`;
}

export function nonScalarRegularizerMessage(shape: readonly number[]): string {
  return `fit: the regularizer must return a scalar, got shape [${shape.join(", ")}] (sum the penalty over the weights, e.g. with tf.sum)`;
}

export function notASchedulerMessage(value: unknown): string {
  return `Invalid scheduler: ${shown(value)} (expected a scheduler from optim.lrScheduler built on the optimizer, e.g. new optim.lrScheduler.StepLR(optimizer, { stepSize: 10 }))`;
}

/** The checked options of one `fit` call, defaults resolved. */
export interface FitPlan {
  optimizer: tf.Optimizer;
  loss: LossFn;
  loader: DataLoader;
  validation: Dataset | undefined;
  epochs: number;
  metrics: { name: string; fn: MetricFn }[];
  /** The model's trainable weights, as the variables the gradient is taken against. */
  variables: tf.Variable[];
  regularizer: Regularizer | undefined;
  clipGradNorm: number | undefined;
  scheduler: Scheduler | undefined;
  /** True when the scheduler steps after every batch rather than every epoch. */
  schedulerPerStep: boolean;
  /** Record gradient and weight norms at every step (`norms: "step"`). */
  normsPerStep: boolean;
  /** Record the gradient norm at every step (per-step norms, or clipping computes it anyway). */
  recordGradNorm: boolean;
  earlyStopping: EarlyStoppingOptions | undefined;
  syncEvery: number;
  /** The model's layers when its gradients are taken without the tape (`gradients: "auto"`). */
  denseStack: DenseStack | undefined;
  /** Threads (`threads`, else `OPTIMLAB_THREADS`, else the cores: backend/fitThreads.ts). */
  threads: number;
  /** Whether `threads` or `OPTIMLAB_THREADS` asked for them: only then may a batch be split (other bits). */
  threadsAsked: boolean;
}

/** The optimizer's current learning rate, when it has a numeric `lr`. */
export function currentLr(optimizer: tf.Optimizer): number | undefined {
  const lr = (optimizer as { lr?: unknown }).lr;
  return typeof lr === "number" ? lr : undefined;
}

function checkInputShape(model: tf.LayersModel, dataset: Dataset, which: string): void {
  const expected = model.inputs[0]?.shape;
  if (!expected) return;
  const actual = dataset.x.shape;
  const ok = expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
  if (!ok) throw new Error(inputShapeMessage(which, expected, actual));
}

/** Checks every option (throwing the messages above) before anything is allocated, and resolves defaults. */
export function planFit(model: tf.LayersModel, options: FitOptions): FitPlan {
  checkFitOptionNames("fit", options, FIT_OPTIONS);
  if (typeof options.callbacks === "object" && options.callbacks !== null)
    checkFitOptionNames("callbacks", options.callbacks, CALLBACKS);
  if (typeof options.earlyStopping === "object" && options.earlyStopping !== null)
    checkFitOptionNames("earlyStopping", options.earlyStopping, EARLY_STOPPING_OPTIONS);
  const { optimizer, loss } = options;
  if (!optimizer || typeof optimizer.applyGradients !== "function") throw new Error(missingOptimizerMessage());
  if (typeof loss !== "function") throw new Error(missingLossMessage());
  const lr0 = currentLr(optimizer);
  // torch's check is 0.0 <= lr: lr 0 (a run that must not move) is a legitimate experiment.
  if (lr0 !== undefined && !(lr0 >= 0)) throw new Error(invalidLearningRateMessage(lr0));
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs <= 0) throw new Error(invalidEpochsMessage(epochs));
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(typeof clip === "number" && clip > 0)) throw new Error(invalidClipMessage(clip));
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new Error(invalidFitSeedMessage(options.seed));
  const trainData = options.train instanceof DataLoader ? options.train.dataset : options.train;
  if (datasetSize(trainData) === 0) throw new Error(emptyDatasetMessage("fit"));
  checkInputShape(model, trainData, "train");
  if (options.validation) {
    if (datasetSize(options.validation) === 0) throw new Error(emptyDatasetMessage("fit (validation)"));
    checkInputShape(model, options.validation, "validation");
  }
  if (options.validation) checkValidationLabels(model, options.validation, loss);
  const loader =
    options.train instanceof DataLoader
      ? options.train
      : new DataLoader(options.train, {
          batchSize: options.batchSize ?? 32,
          shuffle: options.shuffle ?? true,
          seed: options.seed,
        });
  if (!(loader.length > 0)) throw new Error(noBatchesMessage("fit", loader));
  const metrics = resolveMetrics(options.metrics, loss);
  const scheduler = options.scheduler;
  if (scheduler !== undefined && !isScheduler(scheduler)) throw new Error(notASchedulerMessage(scheduler));
  if (scheduler !== undefined && (scheduler.optimizer as unknown) !== optimizer)
    throw new Error(foreignSchedulerMessage());
  if (scheduler instanceof OneCycleLR) {
    const total = scheduler.stateDict().settings.totalSteps;
    const left = typeof total === "number" ? total - scheduler.lastEpoch : Infinity;
    if (epochs * loader.length > left) throw new Error(oneCycleTooShortMessage(left, epochs, loader.length));
  }
  if (options.norms !== undefined && options.norms !== "step" && options.norms !== "epoch")
    throw new Error(invalidNormsMessage(options.norms));
  const interval = options.schedulerInterval;
  if (interval !== undefined && interval !== "epoch" && interval !== "step")
    throw new Error(invalidSchedulerIntervalMessage(interval));
  const normsPerStep = (options.norms ?? "step") === "step";
  const gradients = options.gradients ?? "auto";
  if (gradients !== "auto" && gradients !== "tape") throw new Error(invalidGradientsMessage(options.gradients));
  // Not given: OPTIMLAB_THREADS, else the cores for the hidden-unit split alone (backend/fitThreads.ts).
  const splits = tf.getBackend() === "wasm" && wasmSimdSupported();
  const byDefault = options.threads === undefined ? fitThreads(process.env.OPTIMLAB_THREADS, splits) : undefined;
  const threads = options.threads ?? (byDefault as FitThreads).threads;
  const threadsAsked = byDefault === undefined || byDefault.asked;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_FIT_THREADS)
    throw new Error(invalidFitThreadsMessage(options.threads));
  const syncEvery = options.syncEvery ?? 200;
  if (!(Number.isInteger(syncEvery) && syncEvery > 0)) throw new Error(invalidSyncEveryMessage(options.syncEvery));
  const early = options.earlyStopping;
  if (typeof early === "object" && early !== null) checkEarlyStoppingOptions(early);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const regularizer = options.regularizer;
  const recordGradNorm = normsPerStep || clip !== undefined;
  if (early) {
    const keys = epochRecordKeys({
      lr: lr0 !== undefined,
      gradNorm: recordGradNorm,
      penalty: regularizer !== undefined,
      metrics: metrics.map((m) => m.name),
      validation: options.validation !== undefined,
    });
    const monitor: unknown = (early === true ? undefined : early.monitor) ?? (options.validation ? "valLoss" : "loss");
    if (typeof monitor !== "string" || !keys.includes(monitor))
      throw new Error(
        unknownMonitorMessage(monitor, keys, typeof monitor === "string" ? closestOption(monitor, keys) : undefined),
      );
  }
  return {
    optimizer,
    loss,
    loader,
    validation: options.validation,
    epochs,
    metrics,
    variables,
    regularizer,
    clipGradNorm: clip,
    scheduler,
    schedulerPerStep:
      stepsEveryBatch(scheduler) || (options.schedulerInterval === "step" && !(scheduler instanceof ReduceLROnPlateau)),
    normsPerStep,
    recordGradNorm,
    earlyStopping: early ? (early === true ? {} : early) : undefined,
    syncEvery,
    denseStack: gradients === "auto" ? denseStackOf(model, { loss, regularizer, variables }) : undefined,
    threads,
    threadsAsked,
  };
}

/**
 * Runs one of optimlab's losses on the validation labels before training, with zeros standing in
 * for the predictions, so that labels the loss refuses (out of range, wrong dtype or shape) fail
 * now rather than when the first epoch is evaluated. Other losses are left alone: they might not
 * take zeros.
 */
function checkValidationLabels(model: tf.LayersModel, validation: Dataset, loss: LossFn): void {
  if (nameIn(REPLICA_LOSSES, loss) === undefined) return;
  const outputShape = model.outputs[0]?.shape.slice(1);
  if (!outputShape || outputShape.some((d) => d === null)) return;
  try {
    tf.tidy(() => {
      loss(tf.zeros([validation.x.shape[0], ...(outputShape as number[])]), validation.y);
    });
  } catch (error) {
    throw new Error(invalidValidationLabelsMessage(error instanceof Error ? error.message : String(error)));
  }
}

/** Whether `value` has what fit uses of a scheduler: `step()` and the optimizer it drives. */
function isScheduler(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { step, optimizer } = value as { step?: unknown; optimizer?: unknown };
  return typeof step === "function" && typeof optimizer === "object" && optimizer !== null;
}

/** OneCycleLR counts batches, also inside a SequentialLR or ChainedScheduler: it steps after every batch. */
function stepsEveryBatch(scheduler: unknown): boolean {
  if (scheduler instanceof OneCycleLR) return true;
  if (scheduler instanceof SequentialLR || scheduler instanceof ChainedScheduler) {
    return scheduler.members.some((member) => stepsEveryBatch(member));
  }
  return false;
}
