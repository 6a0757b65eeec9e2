/**
 * Learning-rate schedules side by side: lr against optimizer step for each schedule.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { ScheduleSource, SchedulerLike } from "./inputs";
import { baseLayout, runColour } from "./style";

export interface LrScheduleOptions extends LanguageOption {
  /** How many optimizer steps to draw (default 100; precomputed arrays draw their own length). */
  steps?: number;
  /** Logarithmic lr axis (default false). */
  log?: boolean;
  title?: string;
}

export const badStepsMessage = (steps: number): string => `lrSchedule: steps must be a positive integer, got ${steps}.`;
export const notAScheduleMessage = (name: string): string =>
  `lrSchedule: "${name}" is not a schedule. Pass a function (step) => lr, a scheduler with step() and getLastLr(), or an array of lrs.`;

function isScheduler(source: ScheduleSource): source is SchedulerLike {
  return (
    typeof source === "object" &&
    source !== null &&
    typeof (source as SchedulerLike).step === "function" &&
    typeof (source as SchedulerLike).getLastLr === "function"
  );
}

function lastLr(scheduler: SchedulerLike): number {
  const lr = scheduler.getLastLr();
  return typeof lr === "number" ? lr : lr[0];
}

/**
 * The lrs of one schedule for steps 0 … steps−1. For a scheduler object, element t is the lr after
 * construction and t `step()` calls, as torch's `last_epoch == t` (the scheduler is consumed).
 */
export function scheduleValues(name: string, source: ScheduleSource, steps: number): number[] {
  if (typeof source === "function") return Array.from({ length: steps }, (_, t) => source(t));
  if (isScheduler(source)) {
    const lrs: number[] = [];
    for (let t = 0; t < steps; t++) {
      if (t > 0) source.step();
      lrs.push(lastLr(source));
    }
    return lrs;
  }
  if (Array.isArray(source)) return [...(source as readonly number[])];
  throw new TypeError(notAScheduleMessage(name));
}

/**
 * Learning rate against step for each named schedule.
 *
 * @example plot.lrSchedule({ "cosine": cosineSchedule, "one-cycle": oneCycleSchedule }, { steps: 200 })
 */
export function lrSchedule(schedules: { [name: string]: ScheduleSource }, options: LrScheduleOptions = {}): Figure {
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(badStepsMessage(steps));
  const data: Trace[] = Object.entries(schedules).map(([name, source], index) => {
    const lrs = scheduleValues(name, source, steps);
    return {
      type: "scatter",
      mode: "lines",
      name,
      x: lrs.map((_, t) => t),
      y: lrs,
      line: { color: runColour(index), width: 2, shape: "hv" },
    };
  });
  const title = options.title ?? "Learning-rate schedules";
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(
      title,
      { title: "optimizer step (iterations)" },
      { title: `learning rate η${options.log ? " (log scale)" : ""}`, log: options.log },
    ),
  });
}
