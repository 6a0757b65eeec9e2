/**
 * `fit`: our own training loop on tf.variableGrads + optimizer.applyGradients.
 *
 * Per step it records the loss, metrics, lr, gradient norm, weight norm and wall time. Values
 * stay on the backend as one small packed tensor per step and are read in batches (at epoch
 * end, when the progress bar is due, or every `syncEvery` steps), so the loop does not wait on
 * a read every step.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { DataLoader, type Batch } from "../data/loader";
import { datasetSize, emptyDatasetMessage, type Dataset } from "../data/dataset";
import { invalidLearningRate } from "../optim/errors";
import { LRScheduler, OneCycleLR, ReduceLROnPlateau, type SchedulerSettings } from "../optim/lrScheduler";
import { clipGradNorm as clipByGlobalNorm } from "../regularize";
import { DivergenceError } from "./divergence";
import { evaluateModel, type LossFn } from "./evaluate";
import { History } from "./history";
import { resolveMetrics, validationName, type Metric } from "./metrics";
import { globalNorm } from "../transforms/globalNorm";
import { Progress } from "./progress";
import type { EpochRecord, StepRecord } from "./records";

export type { LossFn } from "./evaluate";

/** A penalty on the trainable weights added to the loss (e.g. `(w) => regularize.l2Penalty(w, 1e-4)`). */
export type Regularizer = (weights: tf.Variable[]) => tf.Scalar;

/** An lr scheduler from `optim.lrScheduler`. */
export type Scheduler = LRScheduler<SchedulerSettings> | ReduceLROnPlateau;

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
  /** After each optimizer step (values are not read here, to avoid a sync per step). */
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
  /** When to step an epoch scheduler: "epoch" (default; OneCycleLR always steps per batch). */
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
  /** Names the run (legend of plots, key in `compare`). */
  name?: string;
}

export const MISSING_OPTIMIZER = "fit needs an optimizer, e.g. { optimizer: new optim.SGD({ lr: 0.1 }) }";
export const MISSING_LOSS = "fit needs a loss function (prediction, target) → scalar, e.g. { loss: losses.mse }";

export function invalidEpochsMessage(epochs: unknown): string {
  return `Invalid epochs: ${String(epochs)} (expected a positive integer)`;
}

export function invalidClipMessage(value: unknown): string {
  return `Invalid clipGradNorm: ${String(value)} (expected a number > 0)`;
}

export function inputShapeMessage(
  which: string,
  expected: readonly (number | null)[],
  actual: readonly number[],
): string {
  return `fit: the model expects inputs of shape [${expected.map((d) => (d === null ? "n" : d)).join(", ")}] but ${which}.x has shape [${actual.join(", ")}]`;
}

export function invalidNormsMessage(value: unknown): string {
  return `Invalid norms: ${String(value)} (expected "step" or "epoch")`;
}

export function nonScalarLossMessage(shape: readonly number[]): string {
  return `fit: the loss must return a scalar, got shape [${shape.join(", ")}] (use reduction "mean")`;
}

function checkInputShape(model: tf.LayersModel, dataset: Dataset, which: string): void {
  const expected = model.inputs[0]?.shape;
  if (!expected) return;
  const actual = dataset.x.shape;
  const ok = expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
  if (!ok) throw new Error(inputShapeMessage(which, expected, actual));
}

function currentLr(optimizer: tf.Optimizer): number | undefined {
  const lr = (optimizer as { lr?: unknown }).lr;
  return typeof lr === "number" ? lr : undefined;
}

/** Snapshot of all weights (trainable and not, e.g. batch-norm statistics). */
function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.weights.map((w) => tf.clone(w.read()));
}

interface PendingStep {
  packed: tf.Tensor;
  step: number;
  epoch: number;
  lr: number | undefined;
  time: number;
  size: number;
}

/**
 * Trains `model` and returns its {@link History}.
 *
 * @example
 * const history = await train.fit(model, {
 *   optimizer: new optim.SGD({ lr: 0.1, momentum: 0.9 }), loss: losses.crossEntropy,
 *   train, validation, epochs: 5, batchSize: 64, metrics: ["accuracy"],
 * });
 */
export async function fit(model: tf.LayersModel, options: FitOptions): Promise<History> {
  const info = await ready();
  const { optimizer, loss } = options;
  if (!optimizer || typeof optimizer.applyGradients !== "function") throw new Error(MISSING_OPTIMIZER);
  if (typeof loss !== "function") throw new Error(MISSING_LOSS);
  const lr0 = currentLr(optimizer);
  if (lr0 !== undefined && !(lr0 > 0)) throw new Error(invalidLearningRate(lr0));
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs <= 0) throw new Error(invalidEpochsMessage(epochs));
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(typeof clip === "number" && clip > 0)) throw new Error(invalidClipMessage(clip));
  const trainData = options.train instanceof DataLoader ? options.train.dataset : options.train;
  if (datasetSize(trainData) === 0) throw new Error(emptyDatasetMessage("fit"));
  checkInputShape(model, trainData, "train");
  if (options.validation) {
    if (datasetSize(options.validation) === 0) throw new Error(emptyDatasetMessage("fit (validation)"));
    checkInputShape(model, options.validation, "validation");
  }
  const loader =
    options.train instanceof DataLoader
      ? options.train
      : new DataLoader(options.train, {
          batchSize: options.batchSize ?? 32,
          shuffle: options.shuffle ?? true,
          seed: options.seed,
        });
  const metrics = resolveMetrics(options.metrics);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const regularizer = options.regularizer;
  const scheduler = options.scheduler;
  const stepScheduler =
    scheduler instanceof OneCycleLR ||
    (options.schedulerInterval === "step" && !(scheduler instanceof ReduceLROnPlateau));
  const syncEvery = options.syncEvery ?? 200;

  const history = new History({
    name: options.name,
    info: {
      optimizer: optimizer.getClassName?.() ?? optimizer.constructor.name,
      batchSize: loader.batchSize,
      epochs,
      backend: info.name,
      seed: loader.seed,
    },
  });
  const progress =
    options.progress === false ? undefined : new Progress({ name: options.name, epochs, stepsPerEpoch: loader.length });
  const stepNorms = (options.norms ?? "step") === "step";
  if (options.norms !== undefined && options.norms !== "step" && options.norms !== "epoch")
    throw new Error(invalidNormsMessage(options.norms));
  // Layout of each packed step tensor: [loss, penalty?, gradNorm?, weightNorm?, ...metrics].
  const penaltySlot = regularizer ? 1 : -1;
  const recordGradNorm = stepNorms || clip !== undefined;
  const gradSlot = recordGradNorm ? 1 + (regularizer ? 1 : 0) : -1;
  const weightSlot = stepNorms ? 1 + (regularizer ? 1 : 0) + 1 : -1;
  const metricSlot = 1 + (regularizer ? 1 : 0) + (recordGradNorm ? 1 : 0) + (stepNorms ? 1 : 0);

  const early = options.earlyStopping ? (options.earlyStopping === true ? {} : options.earlyStopping) : undefined;
  const monitor = early?.monitor ?? (options.validation ? "valLoss" : "loss");
  const mode = early?.mode ?? (/accuracy/i.test(monitor) ? "max" : "min");
  let best: { value: number; epoch: number; weights?: tf.Tensor[] } | undefined;
  let badEpochs = 0;

  const runStep = (batch: Batch): tf.Tensor =>
    tf.tidy(() => {
      const kept: tf.Tensor[] = [];
      let gradients: { value: tf.Scalar; grads: tf.NamedTensorMap };
      try {
        gradients = tf.variableGrads(() => {
          const prediction = model.apply(batch.x, { training: true }) as tf.Tensor;
          const dataLoss = loss(prediction, batch.y);
          if (dataLoss.rank !== 0) throw new Error(nonScalarLossMessage(dataLoss.shape));
          kept.push(tf.keep(dataLoss));
          for (const metric of metrics) kept.push(tf.keep(metric.fn(prediction, batch.y)));
          if (!regularizer) return dataLoss;
          const penalty = tf.keep(regularizer(variables));
          kept.push(penalty);
          return tf.add(dataLoss, penalty) as tf.Scalar;
        }, variables);
      } catch (error) {
        // Kept tensors survive tidy: free them when the loss or a metric throws.
        tf.dispose(kept);
        throw error;
      }
      const { value, grads } = gradients;
      // Without a regularizer `value` is kept[0] (disposed below); otherwise the tidy frees it.
      void value;
      let gradNorm: tf.Scalar | undefined;
      let update = grads;
      if (clip !== undefined) {
        const clipped = clipByGlobalNorm(grads, clip);
        update = clipped.grads;
        gradNorm = clipped.totalNorm;
      } else if (stepNorms) {
        gradNorm = globalNorm(Object.values(grads));
      }
      optimizer.applyGradients(update);
      const [dataLoss, ...rest] = kept;
      const metricValues = regularizer ? rest.slice(0, -1) : rest;
      const slots: tf.Tensor[] = [
        dataLoss,
        ...(regularizer ? [rest[rest.length - 1]] : []),
        ...(gradNorm ? [gradNorm] : []),
        ...(stepNorms ? [globalNorm(variables)] : []),
        ...metricValues,
      ];
      const packed = tf.stack(slots);
      tf.dispose(kept);
      return packed;
    });

  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let pending: PendingStep[] = [];
  let globalStep = 0;
  let samples = 0;
  let epochSteps: StepRecord[] = [];

  /** Reads all pending steps into records; throws DivergenceError on the first non-finite loss. */
  const flush = (): void => {
    if (pending.length === 0) return;
    const values = tf.tidy(() => tf.stack(pending.map((p) => p.packed)).dataSync());
    const width = values.length / pending.length;
    tf.dispose(pending.map((p) => p.packed));
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      const row = values.subarray(i * width, (i + 1) * width);
      const record: StepRecord = { step: p.step, epoch: p.epoch, loss: row[0], lr: p.lr, time: p.time, size: p.size };
      if (gradSlot > 0) record.gradNorm = row[gradSlot];
      if (weightSlot > 0) record.weightNorm = row[weightSlot];
      if (penaltySlot > 0) record.penalty = row[penaltySlot];
      metrics.forEach((m, j) => (record[m.name] = row[metricSlot + j]));
      history.steps.push(record);
      epochSteps.push(record);
      const objective = row[0] + (penaltySlot > 0 ? row[penaltySlot] : 0);
      if (!Number.isFinite(objective)) {
        history.info.diverged = { epoch: p.epoch, step: p.step };
        throw new DivergenceError(p.epoch, p.step, Number.isFinite(row[0]) ? objective : row[0], p.lr, history);
      }
    }
  };

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      epochSteps = [];
      const epochStart = seconds();
      let epochSamples = 0;
      let stepInEpoch = 0;
      for (const batch of loader.batches(epoch - 1)) {
        const lr = currentLr(optimizer);
        let packed: tf.Tensor;
        try {
          packed = runStep(batch);
        } finally {
          batch.dispose();
        }
        globalStep++;
        stepInEpoch++;
        samples += batch.size;
        epochSamples += batch.size;
        pending.push({ packed, step: globalStep, epoch, lr, time: seconds(), size: batch.size });
        if (scheduler && stepScheduler) (scheduler as LRScheduler<SchedulerSettings>).step();
        options.callbacks?.onStepEnd?.({ step: globalStep, epoch, batch: stepInEpoch - 1, lr });
        if (progress?.due()) {
          flush();
          const elapsed = seconds();
          progress.update({
            epoch,
            epochs,
            step: stepInEpoch,
            stepsPerEpoch: loader.length,
            loss: epochSteps[epochSteps.length - 1]?.loss,
            samplesPerSecond: samples / elapsed,
            elapsed,
          });
        } else if (pending.length >= syncEvery) {
          flush();
        }
      }
      flush();

      const totalSize = epochSteps.reduce((s, r) => s + (r.size ?? 0), 0);
      const mean = (key: string) => epochSteps.reduce((s, r) => s + (r[key] ?? 0) * (r.size ?? 0), 0) / totalSize;
      const record: EpochRecord = {
        epoch,
        step: globalStep,
        loss: mean("loss"),
        lr: epochSteps[epochSteps.length - 1]?.lr,
        gradNorm: recordGradNorm ? mean("gradNorm") : undefined,
        weightNorm: stepNorms
          ? epochSteps[epochSteps.length - 1]?.weightNorm
          : tf.tidy(() => globalNorm(variables).dataSync()[0]),
        time: 0,
        samplesPerSecond: 0,
      };
      if (regularizer) record.penalty = mean("penalty");
      for (const metric of metrics) record[metric.name] = mean(metric.name);
      if (options.validation) {
        const evaluation = evaluateModel(model, options.validation, loss, metrics);
        record.valLoss = evaluation.loss;
        for (const metric of metrics) record[validationName(metric.name)] = evaluation[metric.name];
      }
      record.time = seconds();
      record.samplesPerSecond = epochSamples / Math.max(record.time - epochStart, 1e-9);
      history.epochs.push(record);

      if (scheduler instanceof ReduceLROnPlateau) scheduler.step(record.valLoss ?? record.loss);
      else if (scheduler && !stepScheduler) scheduler.step();

      let stop = false;
      if (early) {
        const value = record[monitor];
        if (value === undefined)
          throw new Error(
            `earlyStopping: no "${monitor}" in the epoch record (available: ${Object.keys(record).join(", ")})`,
          );
        const delta = early.minDelta ?? 0;
        const improved = !best || (mode === "min" ? value < best.value - delta : value > best.value + delta);
        if (improved) {
          tf.dispose(best?.weights ?? []);
          best = { value, epoch, weights: early.restoreBest === false ? undefined : snapshot(model) };
          badEpochs = 0;
        } else if (++badEpochs >= (early.patience ?? 5)) {
          stop = true;
          history.info.stoppedEarly = { epoch, monitor, best: best?.value ?? value, bestEpoch: best?.epoch ?? epoch };
        }
      }
      await options.callbacks?.onEpochEnd?.(record, { history, stop: () => (stop = true) });
      progress?.epochEnd(
        {
          epoch,
          epochs,
          step: loader.length,
          stepsPerEpoch: loader.length,
          loss: record.loss,
          samplesPerSecond: samples / record.time,
          elapsed: record.time,
        },
        {
          loss: record.loss,
          valLoss: record.valLoss,
          ...Object.fromEntries(metrics.map((m) => [m.name, record[m.name]])),
        },
      );
      if (stop) break;
    }
  } catch (error) {
    // Divergence or a user error: free what the loop holds, then report.
    tf.dispose(pending.map((p) => p.packed));
    tf.dispose(best?.weights ?? []);
    progress?.finish();
    throw error;
  }
  if (best?.weights) {
    if (history.info.stoppedEarly || best.epoch !== history.epochs.length) model.setWeights(best.weights);
    tf.dispose(best.weights);
  }
  progress?.finish();
  return history;
}
