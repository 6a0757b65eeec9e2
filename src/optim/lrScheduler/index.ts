/**
 * Learning-rate schedulers with torch.optim.lr_scheduler's semantics, attached to any optimizer
 * with a writable `lr` (see {@link LrControlled}). Each also offers `curve()` / `schedule()` pure
 * forms for plotting or for `transforms.scaleByLearningRate(fn)`.
 */
export type { LrControlled, MomentumControlled, BetasControlled } from "./lrControlled";
export { LRScheduler } from "./lrScheduler";
export type { SchedulerState, SchedulerSettings, LastEpochOption } from "./lrScheduler";
export type { LrSchedule } from "./schedule";
export { StepLR } from "./stepLR";
export type { StepLROptions } from "./stepLR";
export { MultiStepLR } from "./multiStepLR";
export type { MultiStepLROptions } from "./multiStepLR";
export { ExponentialLR } from "./exponentialLR";
export type { ExponentialLROptions } from "./exponentialLR";
export { CosineAnnealingLR } from "./cosineAnnealingLR";
export type { CosineAnnealingLROptions } from "./cosineAnnealingLR";
export { LinearLR } from "./linearLR";
export type { LinearLROptions } from "./linearLR";
export { OneCycleLR } from "./oneCycleLR";
export type { OneCycleLROptions } from "./oneCycleLR";
export { ReduceLROnPlateau } from "./reduceLROnPlateau";
export type { ReduceLROnPlateauOptions, ReduceLROnPlateauState } from "./reduceLROnPlateau";
export * as messages from "./messages";
