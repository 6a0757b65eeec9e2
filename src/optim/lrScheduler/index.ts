/**
 * Learning-rate schedulers with torch.optim.lr_scheduler's semantics, attached to any optimizer
 * with a writable `lr` (see {@link LrControlled}). Each also offers `curve()` / `schedule()` pure
 * forms for plotting or for `transforms.scaleByLearningRate(fn)`.
 */
export type { LrControlled, MomentumControlled, BetasControlled } from "./lrControlled";
export { LRScheduler, paramGroupsOf } from "./lrScheduler";
export type { SchedulerState, SchedulerSettings, LastEpochOption, EpochScheduler } from "./lrScheduler";
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
export { LambdaLR } from "./lambdaLR";
export type { LambdaLROptions, LrLambda } from "./lambdaLR";
export { MultiplicativeLR } from "./multiplicativeLR";
export type { MultiplicativeLROptions } from "./multiplicativeLR";
export { ConstantLR } from "./constantLR";
export type { ConstantLROptions } from "./constantLR";
export { PolynomialLR } from "./polynomialLR";
export type { PolynomialLROptions } from "./polynomialLR";
export { CosineAnnealingWarmRestarts } from "./cosineAnnealingWarmRestarts";
export type { CosineAnnealingWarmRestartsOptions } from "./cosineAnnealingWarmRestarts";
export { CyclicLR } from "./cyclicLR";
export type { CyclicLROptions } from "./cyclicLR";
export { SequentialLR } from "./sequentialLR";
export type { SequentialLROptions, SequentialLRState, PureSequentialOptions } from "./sequentialLR";
export { ChainedScheduler } from "./chainedScheduler";
export type { ChainedSchedulerState } from "./chainedScheduler";
export { ReduceLROnPlateau } from "./reduceLROnPlateau";
export type { ReduceLROnPlateauOptions, ReduceLROnPlateauState } from "./reduceLROnPlateau";
export * as messages from "./messages";
