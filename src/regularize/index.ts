/**
 * Regularizers in torch's and Keras' conventions: weight penalties for a loss closure, gradient
 * clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), a max-norm constraint, magnitude
 * pruning with persistent masks, and seeded inverted dropout.
 */
export { l1Penalty, l2Penalty, elasticNet } from "./penalties";
export type { ElasticNetCoefficients } from "./penalties";
export { clipGradNorm } from "./clipGradNorm";
export type { ClipGradNormOptions, ClippedGradients } from "./clipGradNorm";
export { clipGradValue } from "./clipGradValue";
export type { Gradients } from "./gradients";
export { maxNorm, applyMaxNorm } from "./maxNorm";
export type { MaxNormOptions } from "./maxNorm";
export { Pruner } from "./pruner";
export type { PrunerOptions, SparsityReport } from "./pruner";
export { dropout } from "./dropout";
export type { DropoutOptions } from "./dropout";
export { isBiasLike } from "./weights";
export type { WeightsInput, WeightSelection, ReadableWeight } from "./weights";
export * as messages from "./messages";
