/**
 * Gradient transformations: pure, composable building blocks of optimizers, as in optax.
 *
 * Each is an `init(params) → state` / `update(updates, state, params) → [updates, state]` pair
 * (see `types.ts`). Chain them to build an optimizer:
 *
 *   chain(clipByGlobalNorm(1), traceMomentum({ momentum: 0.9 }), scaleByLearningRate(0.1))  // SGD + momentum + clipping
 *   chain(addWeightDecay(0.01), scaleByAdam(), scaleByLearningRate(1e-3))                   // Adam(weightDecay)
 *   chain(scaleByAdam(), decoupledWeightDecay(0.01), scaleByLearningRate(1e-3))             // AdamW
 */
export type {
  EmptyState,
  GradientTransformation,
  LearningRate,
  LeafFilter,
  StateValue,
  TensorList,
  TensorRecord,
  TensorTree,
  TransformState,
} from "./types";
export { chain } from "./chain";
export type { Chain, ChainLink, ChainState } from "./chain";
export { maximize } from "./maximize";
export { clipByGlobalNorm } from "./clipByGlobalNorm";
export { globalNorm } from "./globalNorm";
export { clipByValue } from "./clipByValue";
export { addWeightDecay } from "./addWeightDecay";
export { decoupledWeightDecay } from "./decoupledWeightDecay";
export { traceMomentum } from "./traceMomentum";
export type { TraceMomentumOptions, TraceMomentumState } from "./traceMomentum";
export { scaleByAdam } from "./scaleByAdam";
export type { AdamState, ScaleByAdamOptions } from "./scaleByAdam";
export { scaleByRms } from "./scaleByRms";
export type { RmsState, ScaleByRmsOptions } from "./scaleByRms";
export { scaleByAdagrad } from "./scaleByAdagrad";
export type { AdagradState, ScaleByAdagradOptions } from "./scaleByAdagrad";
export { scaleByAdadelta } from "./scaleByAdadelta";
export type { AdadeltaState, ScaleByAdadeltaOptions } from "./scaleByAdadelta";
export { scaleByNadam } from "./scaleByNadam";
export type { NadamState, ScaleByNadamOptions } from "./scaleByNadam";
export { scaleByRadam, radamRectification } from "./scaleByRadam";
export type { RadamState, ScaleByRadamOptions } from "./scaleByRadam";
export { scaleByAdamax } from "./scaleByAdamax";
export type { AdamaxState, ScaleByAdamaxOptions } from "./scaleByAdamax";
export { scaleByRprop } from "./scaleByRprop";
export type { RpropState, ScaleByRpropOptions } from "./scaleByRprop";
export { averagedStep } from "./averagedStep";
export type { AveragedStepOptions, AveragedStepState } from "./averagedStep";
export { scaleByLearningRate } from "./scaleByLearningRate";
export type { ScaleByLearningRateState } from "./scaleByLearningRate";
export { proximalL1 } from "./proximalL1";
export type { ProximalL1State } from "./proximalL1";
export { biasCorrection } from "./biasCorrection";
export { applyUpdates } from "./applyUpdates";
export { stateTensors } from "./stateTensors";
export { elementwiseTrees } from "./elementwiseTrees";
export { ema } from "./ema";
export { mapTree, zipTrees, treeKeys, treeLeaves, leafAt, fullLike, isTensorTree } from "./tree";
export * as messages from "./messages";
