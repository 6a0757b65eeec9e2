import type { LrControlled } from "./lrControlled";
import * as messages from "./messages";

/**
 * A pure learning-rate schedule: step count (0 = the first optimizer step) → lr. The same shape as
 * optax's schedules, so it can be handed to `transforms.scaleByLearningRate(fn)` or plotted.
 */
export type LrSchedule = (count: number) => number;

/** Something that steps an optimizer's lr: what a scheduler constructor returns. */
interface Steppable {
  step(): void;
}

/**
 * A stand-in optimizer for simulating a schedule. It carries a momentum so OneCycleLR's default
 * momentum cycling has something to write to; the lr sequence does not depend on it.
 */
class SimulatedOptimizer implements LrControlled {
  momentum = 0.9;
  constructor(public lr: number) {}
}

/**
 * Runs a scheduler on a stand-in optimizer and returns the lrs of the first `steps` optimizer steps:
 * element t is the lr after construction followed by t `step()` calls (torch's `last_epoch == t`).
 * Uses the scheduler itself, so the values are exactly those the stateful scheduler produces.
 */
export function simulateLrs(attach: (opt: LrControlled) => Steppable, lr: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(messages.invalidScheduleStepMessage(steps));
  const opt = new SimulatedOptimizer(lr);
  const scheduler = attach(opt);
  const lrs: number[] = [];
  for (let t = 0; t < steps; t++) {
    if (t > 0) scheduler.step();
    lrs.push(opt.lr);
  }
  return lrs;
}

/**
 * A lazily simulated schedule: values are computed by stepping a private scheduler forward and
 * cached, so any count can be asked in any order and recursive schedules stay exact.
 */
export function simulatedSchedule(attach: (opt: LrControlled) => Steppable, lr: number): LrSchedule {
  const opt = new SimulatedOptimizer(lr);
  const scheduler = attach(opt);
  const cache: number[] = [opt.lr];
  return (count: number): number => {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(messages.invalidScheduleStepMessage(count));
    while (cache.length <= count) {
      scheduler.step();
      cache.push(opt.lr);
    }
    return cache[count];
  };
}
