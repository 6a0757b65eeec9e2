/**
 * `fit`: our own training loop on tf.variableGrads + optimizer.applyGradients.
 *
 * Per step it records the loss, metrics, lr, gradient norm, weight norm and wall time. Values
 * stay on the backend as one small packed tensor per step and are read in batches (at epoch
 * end, when the progress bar is due, or every `syncEvery` steps), so the loop does not wait on
 * a read every step. The named steps: planFit (fitOptions.ts) → per batch trainStep
 * (trainStep.ts) → StepReader.read (stepReader.ts) → per epoch summarizeEpoch, schedulers,
 * EarlyStopping (earlyStopping.ts), callbacks, progress.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { noBatchesMessage } from "../data/loader";
import type { Dataset } from "../data/dataset";
import { labelsDrawnFrom } from "../losses/labelValues";
import { ReduceLROnPlateau } from "../optim/lrScheduler";
import { globalNorm } from "../transforms/globalNorm";
import { DivergenceError } from "./divergence";
import { EarlyStopping } from "./earlyStopping";
import { evaluateModel } from "./evaluate";
import { DataParallel, planDataParallel } from "./dataParallel";
import { currentLr, planFit, type FitOptions, type FitPlan } from "./fitOptions";
import { History } from "./history";
import { Progress } from "./progress";
import { recordNumber, validationKey, type EpochRecord, type StepRecord } from "./records";
import { StepReader } from "./stepReader";
import { StepValueLayout } from "./stepValues";
import { trainStep } from "./trainStep";
import { UnitSplit } from "./unitSplit";
import { planUnitSplit } from "./unitSplitPlan";
import { ConvSplit, planConvSplit } from "./convSplit";
import type { Batch } from "../data/loader";
import { KeyboardInterrupt, throwIfInterrupted } from "./interrupt";

export * from "./fitOptions";

/** Example-weighted means of the epoch's steps, the last lr and weight norm, validation values. */
function summarizeEpoch(
  model: tf.LayersModel,
  plan: FitPlan,
  epoch: number,
  globalStep: number,
  epochSteps: StepRecord[],
): EpochRecord {
  const totalSize = epochSteps.reduce((s, r) => s + (r.size ?? 0), 0);
  const mean = (key: string) =>
    epochSteps.reduce((s, r) => s + (recordNumber(r, key) ?? 0) * (r.size ?? 0), 0) / totalSize;
  const last = epochSteps[epochSteps.length - 1];
  const record: EpochRecord = {
    epoch,
    step: globalStep,
    loss: mean("loss"),
    lr: last?.lr,
    gradNorm: plan.recordGradNorm ? mean("gradNorm") : undefined,
    weightNorm: plan.normsPerStep ? last?.weightNorm : tf.tidy(() => globalNorm(plan.variables).dataSync()[0]),
    time: 0,
    samplesPerSecond: 0,
  };
  if (plan.regularizer) record.penalty = mean("penalty");
  for (const metric of plan.metrics) record[metric.name] = mean(metric.name);
  if (plan.validation) {
    const evaluation = evaluateModel(model, plan.validation, plan.loss, plan.metrics);
    record.valLoss = evaluation.loss;
    for (const metric of plan.metrics) record[validationKey(metric.name)] = evaluation[metric.name];
  }
  return record;
}

/** What holds non-finite values when a fit's first loss is NaN or infinite (fit's data, the starting weights). */
function firstStepSuspects(dataset: Dataset, weightsFinite: tf.Tensor): string[] {
  // Integers are always finite (and tfjs's wasm isFinite calls an int32 -100 non-finite).
  const nonFinite = (t: tf.Tensor) => t.dtype === "float32" && tf.tidy(() => !tf.all(tf.isFinite(t)).dataSync()[0]);
  const found: string[] = [];
  if (nonFinite(dataset.x)) found.push("train.x");
  if (nonFinite(dataset.y)) found.push("train.y");
  if (!weightsFinite.dataSync()[0]) found.push("the model's starting weights (from an earlier run that diverged?)");
  return found;
}

/**
 * Reads the steps not yet read into `history` and attaches it to `error` as `error.history`
 * (as a DivergenceError has it), so that an error thrown from the loop (a callback's, the
 * loss's, a label check's) loses nothing of the run. An error that already has a `history`
 * (e.g. from a fit inside a callback) keeps its own.
 */
function keepRecorded(reader: StepReader, history: History, error: unknown): void {
  try {
    reader.read([]);
  } catch {
    // A non-finite loss among them: recorded (history.info.diverged), but the error reported is the first one.
  }
  if (error instanceof Error && !("history" in error)) Object.assign(error, { history });
}

/**
 * The history an error thrown by `fit` carries: what was recorded up to the failure (every error
 * thrown from the training loop has one, a DivergenceError included), else undefined.
 */
export function historyOf(error: unknown): History | undefined {
  const history = (error as { history?: unknown } | null)?.history;
  return history instanceof History ? history : undefined;
}

/** Why a fit asked for threads trains on one: the same-bits splits' reasons (where they were considered) and the batch split's. */
function threadsNote(
  unitSplitWhy: string | undefined,
  convSplitWhy: string | undefined,
  batchSplitWhy: string,
): string {
  if (unitSplitWhy === undefined) return batchSplitWhy;
  const conv = convSplitWhy === undefined ? "" : `; by examples and weights: ${convSplitWhy}`;
  return `split by hidden units: ${unitSplitWhy}${conv}; by batch: ${batchSplitWhy}`;
}

/** Steps an epoch scheduler after the epoch (ReduceLROnPlateau on the validation loss, if any). */
function stepEpochScheduler(plan: FitPlan, record: EpochRecord): void {
  const scheduler = plan.scheduler;
  if (scheduler instanceof ReduceLROnPlateau) scheduler.step(record.valLoss ?? record.loss);
  else if (scheduler && !plan.schedulerPerStep) scheduler.step();
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
  const plan = planFit(model, options);
  const { optimizer, loader, epochs } = plan;
  // Two threads or more: a two-layer MLP by hidden units, a LeNet by examples and weights (both
  // the same bits, so also by default), else by batch (other bits: only when threads were asked for).
  const unitPlan = plan.threads > 1 ? planUnitSplit(model, plan, options.callbacks) : undefined;
  const convPlan = plan.threads > 1 && !unitPlan?.ok ? planConvSplit(model, plan, options.callbacks) : undefined;
  const split = unitPlan?.ok
    ? await UnitSplit.start(plan, unitPlan)
    : convPlan?.ok
      ? await ConvSplit.start(plan, convPlan)
      : undefined;
  const parallelPlan = plan.threads > 1 && plan.threadsAsked && !split ? planDataParallel(model, plan) : undefined;
  const parallel = parallelPlan?.setup ? await DataParallel.start(model, plan, parallelPlan) : undefined;
  const threads = split?.threads ?? parallel?.threads ?? 1;
  const history = new History({
    name: options.name,
    info: {
      optimizer: optimizer.getClassName?.() ?? optimizer.constructor.name,
      batchSize: loader.batchSize,
      epochs,
      backend: info.name,
      seed: loader.seed,
      ...((plan.threads > 1 && plan.threadsAsked) || split ? { threads } : {}),
      ...(split
        ? { threadsSplit: split instanceof UnitSplit ? ("hidden units" as const) : ("examples and weights" as const) }
        : parallel
          ? { threadsSplit: "batch" as const }
          : {}),
      ...(parallelPlan?.why ? { threadsNote: threadsNote(unitPlan?.why, convPlan?.why, parallelPlan.why) } : {}),
    },
  });
  const progress =
    options.progress === false ? undefined : new Progress({ name: options.name, epochs, stepsPerEpoch: loader.length });
  const layout = new StepValueLayout(
    { penalty: plan.regularizer !== undefined, gradNorm: plan.recordGradNorm, weightNorm: plan.normsPerStep },
    plan.metrics.map((m) => m.name),
  );
  // Whether the weights are finite before the first update (read only if the first loss is not).
  const weightsFinite = tf.tidy(() => tf.isFinite(globalNorm(plan.variables)));
  const reader = new StepReader(layout, history, () => firstStepSuspects(loader.dataset, weightsFinite));
  const early = plan.earlyStopping ? new EarlyStopping(plan.earlyStopping, plan.validation !== undefined) : undefined;

  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let globalStep = 0;
  let samples = 0;
  // Where training is (epoch, step within it), for the bar's last state if it stops with an error.
  const at = { epoch: 1, step: 0 };
  /** One step on a batch of tensors: on this thread, or (a promise) the batch split over threads. */
  const tensorStep = (batch: Batch): tf.Tensor | Promise<tf.Tensor> => {
    // Label checks (crossEntropy's) read the dataset's labels once, not each batch's.
    try {
      labelsDrawnFrom(batch.y, loader.dataset.y);
    } catch (error) {
      batch.dispose();
      throw error;
    }
    if (parallel) return parallel.step(model, plan, layout, batch).finally(() => batch.dispose());
    try {
      return trainStep(model, plan, layout, batch);
    } finally {
      batch.dispose();
    }
  };

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochSteps: StepRecord[] = [];
      const epochStart = seconds();
      let epochSamples = 0;
      let stepInEpoch = 0;
      // A split holds the weights on its threads during the epoch (written back after it).
      split?.beginEpoch(epoch - 1);
      for (const batch of split ? split.batches() : loader.batches(epoch - 1)) {
        const lr = currentLr(optimizer);
        const result = split ? split.step(batch, layout) : tensorStep(batch as Batch);
        // A step on this thread costs no microtask; the batch split's is awaited.
        const packed = result instanceof Promise ? await result : result;
        globalStep++;
        stepInEpoch++;
        at.epoch = epoch;
        at.step = stepInEpoch;
        samples += batch.size;
        epochSamples += batch.size;
        reader.push({ packed, step: globalStep, epoch, lr, time: seconds(), size: batch.size });
        // planFit never makes ReduceLROnPlateau per-step: it needs the epoch's metric.
        if (plan.schedulerPerStep && plan.scheduler && !(plan.scheduler instanceof ReduceLROnPlateau))
          plan.scheduler.step();
        const stepEnd: unknown = options.callbacks?.onStepEnd?.({
          step: globalStep,
          epoch,
          batch: stepInEpoch - 1,
          lr,
        });
        // An async callback is awaited (its rejection fails the fit); a plain one costs no microtask.
        if (stepEnd instanceof Promise) await stepEnd;
        throwIfInterrupted(); // Kernel → Interrupt stops here, between two steps
        if (progress?.due()) {
          reader.read(epochSteps);
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
        } else if (reader.count >= plan.syncEvery) {
          reader.read(epochSteps);
        }
      }
      // An epoch without steps would record a NaN loss (a mean over no examples).
      if (stepInEpoch === 0) throw new Error(noBatchesMessage("fit", loader, epoch));
      split?.endEpoch();
      reader.read(epochSteps);

      const record = summarizeEpoch(model, plan, epoch, globalStep, epochSteps);
      record.time = seconds();
      record.samplesPerSecond = epochSamples / Math.max(record.time - epochStart, 1e-9);
      history.epochs.push(record);
      stepEpochScheduler(plan, record);

      let stop = false;
      const stoppedEarly = early?.update(record, model);
      if (stoppedEarly) {
        stop = true;
        history.info.stoppedEarly = stoppedEarly;
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
          ...Object.fromEntries(plan.metrics.map((m) => [m.name, record[m.name]])),
        },
      );
      if (stop) break;
    }
  } catch (error) {
    // Divergence or a user error: the weights as the last step left them, what was recorded kept,
    // what the loop holds freed, then the report.
    split?.endEpoch();
    if (!(error instanceof DivergenceError)) keepRecorded(reader, history, error);
    weightsFinite.dispose();
    reader.dispose();
    early?.dispose();
    // The bar ends saying it stopped, where and why, not frozen at its last update with an ETA.
    if (error instanceof DivergenceError) {
      progress?.stop("diverged", {
        epoch: error.epoch,
        step: error.step - (error.epoch - 1) * loader.length,
        elapsed: seconds(),
      });
    } else {
      progress?.stop(error instanceof KeyboardInterrupt ? "interrupted" : "error", { ...at, elapsed: seconds() });
    }
    throw error;
  } finally {
    parallel?.release();
    split?.release();
  }
  weightsFinite.dispose();
  early?.restoreBest(model, history.info.stoppedEarly !== undefined, history.epochs.length);
  early?.dispose();
  // Stopped before the budget (early stopping or a callback's stop()): the bar says so.
  const lastEpoch = history.epochs[history.epochs.length - 1]?.epoch;
  progress?.finish(lastEpoch !== undefined && lastEpoch < epochs ? lastEpoch : undefined);
  return history;
}
