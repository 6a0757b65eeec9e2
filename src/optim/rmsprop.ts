/**
 * RMSprop, identical to `torch.optim.RMSprop` (torch 1.13 single-tensor path).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \alpha,\ \epsilon,\ \theta_0,\ f(\theta),\
 *   \lambda \text{ (weight decay)},\ \mu \text{ (momentum)},\ \textit{centered},\ \textit{maximize} \\
 * &\textbf{initialize: } v_0 \leftarrow 0,\ b_0 \leftarrow 0,\ g^{ave}_0 \leftarrow 0 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad v_t \leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
 * &\quad \tilde v_t \leftarrow v_t \\
 * &\quad \textbf{if } \textit{centered}:\ g^{ave}_t \leftarrow \alpha g^{ave}_{t-1} + (1 - \alpha) g_t,\
 *   \ \tilde v_t \leftarrow v_t - (g^{ave}_t)^2 \\
 * &\quad \textbf{if } \mu > 0:\ b_t \leftarrow \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon),\
 *   \ \theta_t \leftarrow \theta_{t-1} - \gamma b_t \\
 * &\quad \textbf{else}:\ \theta_t \leftarrow \theta_{t-1} - \gamma g_t / (\sqrt{\tilde v_t} + \epsilon) \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByRms → traceMomentum → scaleByLearningRate`
 * (torch's momentum buffer starts at zero, so its first value equals traceMomentum's first
 * value, the current update).
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import { scaleByRms } from "../transforms/scaleByRms";
import { traceMomentum } from "../transforms/traceMomentum";
import type { LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { BaseHyperparameters, BaseOptimizerOptions } from "./chainOptimizer";
import { invalidAlphaMessage, invalidMomentumMessage } from "./errors";
import { requireEps, requireLr, requireNonNegative, requireWeightDecay, withDefaults } from "./validate";

/** Options of `RMSprop` (torch names and defaults: lr 1e-2, alpha 0.99, eps 1e-8). */
export interface RMSpropOptions extends BaseOptimizerOptions {
  /** α, smoothing constant (default 0.99). */
  readonly alpha?: number;
  /** ε (default 1e-8). */
  readonly eps?: number;
  /** μ (default 0). */
  readonly momentum?: number;
  /** Centered RMSprop (default false). */
  readonly centered?: boolean;
}

export interface RMSpropHyperparameters extends BaseHyperparameters {
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
}

function resolve(options: RMSpropOptions): RMSpropHyperparameters {
  const h = withDefaults(
    { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
    options,
  );
  requireLr(h.lr);
  requireEps(h.eps);
  requireNonNegative(h.momentum, invalidMomentumMessage);
  requireWeightDecay(h.weightDecay);
  requireNonNegative(h.alpha, invalidAlphaMessage);
  return h;
}

/** `keep`: as SGD's, a momentum buffer stays (skipped) when momentum goes back to 0. */
function rmspropChain(h: RMSpropHyperparameters, lr: LearningRate, keep: ReadonlySet<string>) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByRms({ alpha: h.alpha, eps: h.eps, centered: h.centered }),
    (h.momentum > 0 || keep.has("traceMomentum")) && traceMomentum({ momentum: h.momentum }),
    scaleByLearningRate(lr),
  );
}

/** RMSprop with optional centering, momentum and weight decay (see the file header). */
export class RMSprop extends ChainOptimizer<RMSpropHyperparameters> {
  static override className = "optimlab.RMSprop";

  constructor(options: RMSpropOptions = {}) {
    super(options, resolve, rmspropChain);
  }

  /** μ; writable between steps (schedulers cycle it); back to 0 the buffer is kept and skipped, as in torch. */
  get momentum(): number {
    return this.hyperparameters.momentum;
  }

  set momentum(value: number) {
    requireNonNegative(value, invalidMomentumMessage);
    this.setHyperparameter("momentum", value);
  }
}
