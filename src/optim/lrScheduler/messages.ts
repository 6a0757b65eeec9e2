/**
 * Error messages of the learning-rate schedulers, kept in one place so tests match them exactly.
 * Where torch has a message for the same mistake, the text follows torch's (option names in camelCase).
 */

import { shown } from "../errors";

/** The object given as optimizer has no numeric `lr`. */
export function notAnOptimizerMessage(what: unknown): string {
  const described = what === null ? "null" : typeof what === "object" ? "object without a numeric lr" : typeof what;
  return `${described} is not an Optimizer: a learning-rate scheduler needs an object with a finite, writable numeric "lr" property (optim.SGD, optim.Adam, … or { lr: 0.1 })`;
}

/** `lastEpoch` other than -1 on an optimizer that no scheduler has recorded an initial lr for. */
export function missingInitialLrMessage(lastEpoch: number): string {
  return `param 'initial_lr' is not specified for this optimizer when resuming (lastEpoch=${lastEpoch}): attach a scheduler with lastEpoch -1 first, or construct with lastEpoch -1 and restore with loadStateDict()`;
}

/** An option that must be a positive integer (stepSize, tMax, totalIters, totalSteps, epochs, …). */
export function expectedPositiveIntegerMessage(option: string, value: unknown): string {
  return `Expected positive integer ${option}, but got ${shown(value)}`;
}

/** An option that must be a finite number. */
export function expectedFiniteNumberMessage(option: string, value: unknown): string {
  return `Expected a finite number for ${option}, but got ${shown(value)}`;
}

/** `lastEpoch` must be -1 (fresh start) or a non-negative integer. */
export function invalidLastEpochMessage(value: unknown): string {
  return `Expected lastEpoch to be -1 or a non-negative integer, but got ${shown(value)}`;
}

/** torch ≥ 2.0's wording: a start factor of 0 would divide by zero at step 1 (torch 1.13 fails there). */
export const startFactorRangeMessage = (): string =>
  "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.";
export const endFactorRangeMessage = (): string => "Ending multiplicative factor expected to be between 0 and 1.";

/** MultiStepLR milestones must be a list of non-negative integers. */
export function invalidMilestonesMessage(value: unknown): string {
  return `Expected milestones to be an array of non-negative integers, but got ${JSON.stringify(value)}`;
}

export const oneCycleMissingStepsMessage = (): string =>
  "You must define either totalSteps OR (epochs AND stepsPerEpoch)";

export function invalidPctStartMessage(value: unknown): string {
  return `Expected float between 0 and 1 pctStart, but got ${shown(value)}`;
}

export function invalidAnnealStrategyMessage(value: unknown): string {
  return `annealStrategy must be one of 'cos' or 'linear', instead got ${String(value)}`;
}

export const cycleMomentumUnsupportedMessage = (): string =>
  "optimizer must support momentum with `cycleMomentum` option enabled (it needs a numeric `momentum` or `betas` property; pass cycleMomentum: false otherwise)";

/** OneCycleLR stepped beyond its cycle. */
export function steppedPastTotalStepsMessage(stepNumber: number, totalSteps: number): string {
  return `Tried to step ${stepNumber} times. The specified number of total steps is ${totalSteps}`;
}

export const plateauFactorMessage = (): string => "Factor should be < 1.0.";

export function unknownModeMessage(mode: unknown): string {
  return `mode ${String(mode)} is unknown!`;
}

export function unknownThresholdModeMessage(mode: unknown): string {
  return `threshold mode ${String(mode)} is unknown!`;
}

/** ReduceLROnPlateau.step needs the monitored value. */
export function invalidMetricMessage(value: unknown): string {
  return `ReduceLROnPlateau.step(metric) needs the monitored value as a number, but got ${shown(value)}`;
}

/** loadStateDict got something that is not this scheduler's stateDict(). */
export function invalidStateDictMessage(scheduler: string, problem: string): string {
  return `${scheduler}.loadStateDict: not a state from ${scheduler}.stateDict() (${problem})`;
}

/** A pure schedule was asked for a step that is not a non-negative integer. */
export function invalidScheduleStepMessage(value: unknown): string {
  return `A schedule's step count must be a non-negative integer, but got ${shown(value)}`;
}

/** `step(epoch)` got something that is not an epoch index. */
export function invalidEpochMessage(value: unknown): string {
  return `Expected non-negative integer epoch, but got ${shown(value)} (call step() without an argument to advance by one step)`;
}

/** torch's ConstantLR check. */
export const constantFactorRangeMessage = (): string =>
  "Constant multiplicative factor expected to be between 0 and 1.";

/** LambdaLR / MultiplicativeLR: one function, or one per parameter group. */
export function lrLambdaCountMessage(groups: number, got: number): string {
  return `Expected ${groups} lr_lambdas, but got ${got}`;
}

export function notAFunctionMessage(option: string, value: unknown): string {
  return `Expected ${option} to be a function of the epoch (or an array of them, one per parameter group), but got ${shown(value)}`;
}

/** CosineAnnealingWarmRestarts' tMult. */
export function invalidTMultMessage(value: unknown): string {
  return `Expected integer tMult >= 1, but got ${shown(value)}`;
}

/** CyclicLR's mode. */
export function invalidCyclicModeMessage(value: unknown): string {
  return `mode is invalid and scaleFn is undefined: expected "triangular", "triangular2" or "exp_range", got ${shown(value)}`;
}

/** An option given per parameter group with the wrong length. */
export function perGroupLengthMessage(option: string, groups: number, got: number): string {
  return `expected ${groups} values for ${option}, got ${got}`;
}

/** ReduceLROnPlateau's minLr list must have one value per parameter group (torch's text). */
export function minLrCountMessage(groups: number, got: number): string {
  return `expected ${groups} min_lrs, got ${got}`;
}

/** SequentialLR / ChainedScheduler: every scheduler must drive the same optimizer. */
export function differentOptimizerMessage(container: string, index: number): string {
  return `${container} expects all schedulers to belong to the same optimizer, but got the scheduler at index ${index} attached to a different one`;
}

/** SequentialLR needs one milestone fewer than schedulers. */
export function sequentialMilestonesMessage(schedulers: number, milestones: number): string {
  return `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers} and the number of milestones to be equal to ${milestones}`;
}

/** SequentialLR / ChainedScheduler need at least one scheduler. */
export function noSchedulersMessage(container: string): string {
  return `${container} needs at least one scheduler, got none`;
}

/** torch's warning (its text, with our names) for `scheduler.step()` before any optimizer step. */
export const schedulerBeforeOptimizerMessage = (): string =>
  "Detected call of `scheduler.step()` before `optimizer.step()`. You should call them in the opposite order: " +
  "the optimizer's step (applyGradients, minimize, or train.fit) before `scheduler.step()`. " +
  "Failure to do this will result in skipping the first value of the learning rate schedule.";
