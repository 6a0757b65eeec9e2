/**
 * Adagrad, identical to `torch.optim.Adagrad` (torch 1.13 single-tensor path).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \theta_0,\ f(\theta),\ \lambda \text{ (weight decay)},\
 *   \tau \text{ (initial accumulator value)},\ \eta \text{ (lr decay)},\ \epsilon,\ \textit{maximize} \\
 * &\textbf{initialize: } S_0 \leftarrow \tau \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \tilde\gamma \leftarrow \gamma / (1 + (t - 1) \eta) \\
 * &\quad \textbf{if } \lambda \neq 0:\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad S_t \leftarrow S_{t-1} + g_t^2 \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \tilde\gamma\, g_t / (\sqrt{S_t} + \epsilon) \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByAdagrad → scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByAdagrad } from "../transforms/scaleByAdagrad";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import type { LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { BaseHyperparameters, BaseOptimizerOptions } from "./chainOptimizer";
import { invalidInitialAccumulatorValueMessage, invalidLrDecayMessage } from "./errors";
import { requireEps, requireLr, requireNonNegative, requireWeightDecay, withDefaults } from "./validate";

/** Options of `Adagrad` (torch names and defaults: lr 1e-2, eps 1e-10). */
export interface AdagradOptions extends BaseOptimizerOptions {
  /** η, learning-rate decay (default 0). */
  readonly lrDecay?: number;
  /** τ, starting value of the squared-gradient sum (default 0). */
  readonly initialAccumulatorValue?: number;
  /** ε (default 1e-10). */
  readonly eps?: number;
}

export interface AdagradHyperparameters extends BaseHyperparameters {
  readonly lrDecay: number;
  readonly initialAccumulatorValue: number;
  readonly eps: number;
}

function resolve(options: AdagradOptions): AdagradHyperparameters {
  const h = withDefaults(
    { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
    options,
  );
  requireLr(h.lr);
  requireNonNegative(h.lrDecay, invalidLrDecayMessage);
  requireWeightDecay(h.weightDecay);
  requireNonNegative(h.initialAccumulatorValue, invalidInitialAccumulatorValueMessage);
  requireEps(h.eps);
  return h;
}

function adagradChain(h: AdagradHyperparameters, lr: LearningRate) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByAdagrad({ lrDecay: h.lrDecay, initialAccumulatorValue: h.initialAccumulatorValue, eps: h.eps }),
    scaleByLearningRate(lr),
  );
}

/** Adagrad with optional lr decay and weight decay (see the file header). */
export class Adagrad extends ChainOptimizer<AdagradHyperparameters> {
  static override className = "optimlab.Adagrad";

  constructor(options: AdagradOptions = {}) {
    super(options, resolve, adagradChain);
  }
}
