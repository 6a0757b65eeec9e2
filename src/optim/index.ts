/**
 * Optimizers identical to torch.optim (torch 1.13, the reference installed by Debian), as
 * `tf.Optimizer` subclasses built from `transforms` chains. See docs/optimizers.md.
 */
export { ChainOptimizer } from "./chainOptimizer";
export type {
  BaseHyperparameters,
  BaseOptimizerOptions,
  ChainBuilder,
  LrHyperparameters,
  NamedTensor,
} from "./chainOptimizer";
export { ParamGroup } from "./paramGroup";
export type { ParamGroupOptions, ParamSelector } from "./paramGroup";
export { CustomChainOptimizer, ChainedOptimizer } from "./customChainOptimizer";
export type { CustomChainOptimizerOptions, ChainedOptimizerOptions } from "./customChainOptimizer";
export { BetasOptimizer } from "./betasOptimizer";
export type { BetasHyperparameters } from "./betasOptimizer";
export { SGD } from "./sgd";
export type { SGDHyperparameters, SGDOptions } from "./sgd";
export { Adam } from "./adam";
export type { AdamHyperparameters, AdamOptions } from "./adam";
export { AdamW } from "./adamw";
export { RMSprop } from "./rmsprop";
export type { RMSpropHyperparameters, RMSpropOptions } from "./rmsprop";
export { Adagrad } from "./adagrad";
export type { AdagradHyperparameters, AdagradOptions } from "./adagrad";
export { Adadelta } from "./adadelta";
export type { AdadeltaHyperparameters, AdadeltaOptions } from "./adadelta";
export { NAdam } from "./nadam";
export type { NAdamHyperparameters, NAdamOptions } from "./nadam";
export { RAdam } from "./radam";
export type { RAdamHyperparameters, RAdamOptions } from "./radam";
export { Adamax } from "./adamax";
export type { AdamaxHyperparameters, AdamaxOptions } from "./adamax";
export { ASGD } from "./asgd";
export type { ASGDHyperparameters, ASGDOptions } from "./asgd";
export { Rprop } from "./rprop";
export type { RpropHyperparameters, RpropOptions } from "./rprop";
export { LBFGS } from "./lbfgs";
export type { LBFGSHyperparameters, LBFGSOptions } from "./lbfgs";
export { OPTIMIZER_CLASSES } from "./registry";
export * as errors from "./errors";
export * as lrScheduler from "./lrScheduler";
