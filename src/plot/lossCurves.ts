/**
 * Training and validation loss (or another recorded metric) of one or more runs: one colour per
 * run, validation dashed.
 */
import type { LanguageOption } from "./localize";
import { toHistories } from "./adapters";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { EpochLike, HistoryLike, StepLike } from "./inputs";
import { baseLayout, runColour, TRAIN_DASH, VALIDATION_DASH } from "./style";
import { recordNumber, validationKey } from "../train/records";

/** What the x axis counts. */
export type LossAxis = "step" | "epoch" | "time";

export interface LossCurvesOptions extends LanguageOption {
  /** x axis: optimizer steps (default), epochs, or wall-clock seconds since the start. */
  x?: LossAxis;
  /** Logarithmic loss axis (default false). */
  log?: boolean;
  /** Draw validation loss when the histories have it (default true). */
  validation?: boolean;
  title?: string;
  /** y axis title (default: the metric's name). Say the loss's name, e.g. "cross-entropy (nats)". */
  yLabel?: string;
  /**
   * The recorded value to draw (default "loss"): e.g. "accuracy" draws `accuracy` and its
   * validation twin `valAccuracy`, from the steps (x: "step" / "time") or the epochs (x: "epoch").
   */
  metric?: string;
}

export const noMetricMessage = (run: string, metric: string): string =>
  `lossCurves: run "${run}" has no "${metric}" values. Record it while training (train.fit's metrics option) or choose another metric.`;

export const X_AXIS_TITLES: { [axis in LossAxis]: string } = {
  step: "training step (iterations)",
  epoch: "epoch (passes over the training set)",
  time: "wall-clock time (s)",
};

export const noTimeMessage = (run: string): string =>
  `lossCurves: run "${run}" has no \`time\` in its records, so it cannot be drawn with { x: "time" }. Use x: "step" or "epoch", or record time while training.`;

export const badXMessage = (x: string): string => `lossCurves: unknown x axis "${x}". Use "step", "epoch" or "time".`;

/** Where an epoch's validation point goes on the step axis: its recorded step, else its last step. */
function epochEndStep(epoch: EpochLike, steps: readonly StepLike[]): number | undefined {
  if (epoch.step !== undefined) return epoch.step;
  let last: number | undefined;
  for (const step of steps) if (step.epoch === epoch.epoch) last = step.step;
  return last;
}

/** Where an epoch record goes on the x axis (undefined when it cannot be placed). */
function epochPosition(epoch: EpochLike, x: LossAxis, history: HistoryLike, run: string): number | undefined {
  if (x === "epoch") return epoch.epoch;
  if (x === "step") return epochEndStep(epoch, history.steps);
  if (epoch.time === undefined) throw new Error(noTimeMessage(run));
  return epoch.time;
}

/**
 * Training values: per step for x "step"/"time" when the steps record the metric, else per epoch
 * (e.g. accuracy recorded only per epoch, placed at each epoch's last step).
 */
function trainPoints(history: HistoryLike, x: LossAxis, run: string, metric: string): { x: number[]; y: number[] } {
  const steps = x === "epoch" ? [] : history.steps.filter((s) => recordNumber(s, metric) !== undefined);
  if (steps.length > 0) {
    if (x === "time" && steps.some((s) => s.time === undefined)) throw new Error(noTimeMessage(run));
    return {
      x: steps.map((s) => (x === "step" ? s.step : (s.time as number))),
      y: steps.map((s) => recordNumber(s, metric) as number),
    };
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (const epoch of history.epochs) {
    const value = recordNumber(epoch, metric);
    const position = value === undefined ? undefined : epochPosition(epoch, x, history, run);
    if (value === undefined || position === undefined) continue;
    xs.push(position);
    ys.push(value);
  }
  if (xs.length === 0 && (history.steps.length > 0 || history.epochs.length > 0))
    throw new Error(noMetricMessage(run, metric));
  return { x: xs, y: ys };
}

function validationPoints(
  history: HistoryLike,
  x: LossAxis,
  run: string,
  metric: string,
): { x: number[]; y: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  const key = validationKey(metric);
  for (const epoch of history.epochs) {
    const value = recordNumber(epoch, key);
    if (value === undefined) continue;
    const position = epochPosition(epoch, x, history, run);
    if (position === undefined) continue;
    xs.push(position);
    ys.push(value);
  }
  return { x: xs, y: ys };
}

/** The traces of one run (train, then validation if any), coloured by `index`. */
export function lossTraces(
  history: HistoryLike,
  name: string,
  index: number,
  options: LossCurvesOptions = {},
): Trace[] {
  const x = options.x ?? "step";
  if (!(x in X_AXIS_TITLES)) throw new Error(badXMessage(x));
  const colour = runColour(index);
  const metric = options.metric ?? "loss";
  const train = trainPoints(history, x, name, metric);
  const traces: Trace[] = [
    {
      type: "scatter",
      mode: train.x.length > 1 ? "lines" : "lines+markers",
      name: `${name} (train)`,
      legendgroup: name,
      x: train.x,
      y: train.y,
      line: { color: colour, dash: TRAIN_DASH, width: 2 },
    },
  ];
  if (options.validation ?? true) {
    const validation = validationPoints(history, x, name, metric);
    if (validation.x.length > 0) {
      traces.push({
        type: "scatter",
        mode: "lines+markers",
        name: `${name} (validation)`,
        legendgroup: name,
        x: validation.x,
        y: validation.y,
        line: { color: colour, dash: VALIDATION_DASH, width: 2 },
        marker: { color: colour, size: 6 },
      });
    }
  }
  return traces;
}

/**
 * Loss curves of one or more runs.
 *
 * @example plot.lossCurves([sgdHistory, adamHistory], { x: "epoch", log: true })
 */
export function lossCurves(histories: HistoryLike | readonly HistoryLike[], options: LossCurvesOptions = {}): Figure {
  const runs = toHistories(histories);
  const x = options.x ?? "step";
  if (!(x in X_AXIS_TITLES)) throw new Error(badXMessage(x));
  const data = runs.flatMap((run, index) => lossTraces(run.history, run.name, index, options));
  const metric = options.metric ?? "loss";
  const what = metric === "loss" ? "Loss" : metric.charAt(0).toUpperCase() + metric.slice(1);
  const title = options.title ?? (runs.length === 1 ? `${what}: ${runs[0].name}` : `${what} of ${runs.length} runs`);
  const yTitle = `${options.yLabel ?? metric}${options.log ? " (log scale)" : ""}`;
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(title, { title: X_AXIS_TITLES[x] }, { title: yTitle, log: options.log }),
  });
}
