/**
 * Training and validation loss of one or more runs: one colour per run, validation dashed.
 */
import { toHistories } from "./adapters";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { EpochRecord, HistoryLike, StepRecord } from "./inputs";
import { baseLayout, runColour, TRAIN_DASH, VALIDATION_DASH } from "./style";

/** What the x axis counts. */
export type LossAxis = "step" | "epoch" | "time";

export interface LossCurvesOptions {
  /** x axis: optimizer steps (default), epochs, or wall-clock seconds since the start. */
  x?: LossAxis;
  /** Logarithmic loss axis (default false). */
  log?: boolean;
  /** Draw validation loss when the histories have it (default true). */
  validation?: boolean;
  title?: string;
  /** y axis title (default "loss"). Say the loss's name, e.g. "cross-entropy (nats)". */
  yLabel?: string;
}

export const X_AXIS_TITLES: { [axis in LossAxis]: string } = {
  step: "training step (iterations)",
  epoch: "epoch (passes over the training set)",
  time: "wall-clock time (s)",
};

export const NO_TIME = (run: string): string =>
  `lossCurves: run "${run}" has no \`time\` in its records, so it cannot be drawn with { x: "time" }. Use x: "step" or "epoch", or record time while training.`;

export const BAD_X = (x: string): string => `lossCurves: unknown x axis "${x}". Use "step", "epoch" or "time".`;

/** Where an epoch's validation point goes on the step axis: its recorded step, else its last step. */
function epochEndStep(epoch: EpochRecord, steps: readonly StepRecord[]): number | undefined {
  if (epoch.step !== undefined) return epoch.step;
  let last: number | undefined;
  for (const step of steps) if (step.epoch === epoch.epoch) last = step.step;
  return last;
}

function trainPoints(history: HistoryLike, x: LossAxis, run: string): { x: number[]; y: number[] } {
  if (x === "epoch") return { x: history.epochs.map((e) => e.epoch), y: history.epochs.map((e) => e.loss) };
  const steps = history.steps;
  if (x === "step") return { x: steps.map((s) => s.step), y: steps.map((s) => s.loss) };
  if (steps.some((s) => s.time === undefined)) throw new Error(NO_TIME(run));
  return { x: steps.map((s) => s.time as number), y: steps.map((s) => s.loss) };
}

function validationPoints(history: HistoryLike, x: LossAxis, run: string): { x: number[]; y: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const epoch of history.epochs) {
    if (epoch.valLoss === undefined) continue;
    let position: number | undefined;
    if (x === "epoch") position = epoch.epoch;
    else if (x === "step") position = epochEndStep(epoch, history.steps);
    else if (epoch.time === undefined) throw new Error(NO_TIME(run));
    else position = epoch.time;
    if (position === undefined) continue;
    xs.push(position);
    ys.push(epoch.valLoss);
  }
  return { x: xs, y: ys };
}

/** The traces of one run (train, then validation if any), coloured by `index`. */
export function lossTraces(history: HistoryLike, name: string, index: number, options: LossCurvesOptions = {}): Trace[] {
  const x = options.x ?? "step";
  if (!(x in X_AXIS_TITLES)) throw new Error(BAD_X(x));
  const colour = runColour(index);
  const train = trainPoints(history, x, name);
  const traces: Trace[] = [
    { type: "scatter", mode: train.x.length > 1 ? "lines" : "lines+markers", name: `${name} (train)`, legendgroup: name, x: train.x, y: train.y, line: { color: colour, dash: TRAIN_DASH, width: 2 } },
  ];
  if (options.validation ?? true) {
    const validation = validationPoints(history, x, name);
    if (validation.x.length > 0) {
      traces.push({ type: "scatter", mode: "lines+markers", name: `${name} (validation)`, legendgroup: name, x: validation.x, y: validation.y, line: { color: colour, dash: VALIDATION_DASH, width: 2 }, marker: { color: colour, size: 6 } });
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
  if (!(x in X_AXIS_TITLES)) throw new Error(BAD_X(x));
  const data = runs.flatMap((run, index) => lossTraces(run.history, run.name, index, options));
  const title = options.title ?? (runs.length === 1 ? `Loss: ${runs[0].name}` : `Loss of ${runs.length} runs`);
  const yTitle = `${options.yLabel ?? "loss"}${options.log ? " (log scale)" : ""}`;
  return new Figure({ data, layout: baseLayout(title, { title: X_AXIS_TITLES[x] }, { title: yTitle, log: options.log }) });
}
