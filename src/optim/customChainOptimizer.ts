import type { GradientTransformation, LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { LrHyperparameters } from "./chainOptimizer";
import type { ParamGroupOptions } from "./paramGroup";
import { requireLr } from "./validate";

/** Options of `CustomChainOptimizer`. */
export interface CustomChainOptimizerOptions {
  /** The initial learning rate (readable and writable later as `opt.lr`). */
  readonly lr: number;
  /**
   * Builds the chain from the live learning rate; pass `lr` to `scaleByLearningRate` (and to
   * `proximalL1`) so that schedulers setting `opt.lr` reach it.
   */
  readonly chain: (lr: LearningRate) => GradientTransformation;
  /** Parameter groups with their own `lr` (each runs its own copy of the chain). */
  readonly paramGroups?: readonly ParamGroupOptions[];
}

/**
 * A `tf.Optimizer` running your own chain of transformations, usable wherever a preset is
 * (`model.compile`, `minimize`, schedulers):
 *
 * @example
 * const opt = new optim.CustomChainOptimizer({
 *   lr: 0.1,
 *   chain: (lr) => transforms.chain(
 *     transforms.clipByGlobalNorm(1.0),
 *     transforms.traceMomentum({ momentum: 0.9 }),
 *     transforms.scaleByLearningRate(lr),
 *   ),
 * });
 *
 * Its chain is a function, so `getConfig()` holds only `lr` and the class is not registered for
 * deserialization; `getWeights`/`setWeights` work as for the presets. (Called `ChainedOptimizer`
 * before; that name remains as a deprecated alias. `ChainOptimizer` is the base class of all.)
 */
export class CustomChainOptimizer extends ChainOptimizer<LrHyperparameters> {
  static override className = "optimlab.CustomChainOptimizer";

  constructor(options: CustomChainOptimizerOptions) {
    requireLr(options.lr);
    const groupOptions = options.paramGroups === undefined ? {} : { paramGroups: options.paramGroups };
    super({ lr: options.lr, ...groupOptions }, resolveLr, (_hyper, lr) => options.chain(lr));
  }
}

/** The only option of a custom chain, checked as every preset checks it. */
function resolveLr(options: { lr: unknown }): LrHyperparameters {
  for (const key of Object.keys(options)) {
    if (key !== "lr") throw new TypeError(`CustomChainOptimizer: parameter groups can set only lr, got '${key}'`);
  }
  requireLr(options.lr);
  return { lr: options.lr as number };
}

/** @deprecated The former name of {@link CustomChainOptimizer} (too close to the base class `ChainOptimizer`). */
export const ChainedOptimizer = CustomChainOptimizer;
/** @deprecated The former name of {@link CustomChainOptimizerOptions}. */
export type ChainedOptimizerOptions = CustomChainOptimizerOptions;
