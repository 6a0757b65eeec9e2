import type { GradientTransformation, LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { LrHyperparameters } from "./chainOptimizer";
import { requireLr } from "./validate";

/** Options of `ChainedOptimizer`. */
export interface ChainedOptimizerOptions {
  /** The initial learning rate (readable and writable later as `opt.lr`). */
  readonly lr: number;
  /**
   * Builds the chain from the live learning rate; pass `lr` to `scaleByLearningRate` (and to
   * `proximalL1`) so that schedulers setting `opt.lr` reach it.
   */
  readonly chain: (lr: LearningRate) => GradientTransformation;
}

/**
 * A `tf.Optimizer` running your own chain of transformations, usable wherever a preset is
 * (`model.compile`, `minimize`, schedulers):
 *
 * @example
 * const opt = new optim.ChainedOptimizer({
 *   lr: 0.1,
 *   chain: (lr) => transforms.chain(
 *     transforms.clipByGlobalNorm(1.0),
 *     transforms.traceMomentum({ momentum: 0.9 }),
 *     transforms.scaleByLearningRate(lr),
 *   ),
 * });
 *
 * Its chain is a function, so `getConfig()` holds only `lr` and the class is not registered for
 * deserialization; `getWeights`/`setWeights` work as for the presets.
 */
export class ChainedOptimizer extends ChainOptimizer<LrHyperparameters> {
  static override className = "optimlab.ChainedOptimizer";

  constructor(options: ChainedOptimizerOptions) {
    requireLr(options.lr);
    super({ lr: options.lr }, (_hyper, lr) => options.chain(lr));
  }
}
