/**
 * ASGD (averaged SGD), identical to `torch.optim.ASGD` (torch 1.13 single-tensor path).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \theta_0,\ f(\theta),\ \lambda \text{ (lambd)},\ \alpha,\ t_0,\
 *   \lambda_{wd} \text{ (weight decay)},\ \textit{maximize} \\
 * &\textbf{initialize: } \eta_0 \leftarrow \gamma,\ \mu_0 \leftarrow 1,\ ax_0 \leftarrow 0 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda_{wd} \neq 0:\ g_t \leftarrow g_t + \lambda_{wd} \theta_{t-1} \\
 * &\quad \theta_t \leftarrow \theta_{t-1} (1 - \lambda \eta_{t-1}) - \eta_{t-1} g_t \\
 * &\quad ax_t \leftarrow ax_{t-1} + \mu_{t-1} (\theta_t - ax_{t-1})\ \ (\theta_t \text{ while } \mu = 1) \\
 * &\quad \eta_t \leftarrow \gamma / (1 + \lambda \gamma t)^{\alpha},\quad \mu_t \leftarrow 1 / \max(1, t - t_0) \\
 * &\textbf{return } \theta_t \text{ (the average is } ax_t\text{, in } \texttt{state.averagedStep.ax}) \\
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → averagedStep`. `averagedStep` sets its own step size
 * from the live lr, so it ends the chain in place of `scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { averagedStep } from "../transforms/averagedStep";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import type { LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { BaseHyperparameters, BaseOptimizerOptions } from "./chainOptimizer";
import { requireLr, requireWeightDecay, withDefaults } from "./validate";

/** Options of `ASGD` (torch names and defaults: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6). */
export interface ASGDOptions extends BaseOptimizerOptions {
  /** λ, decay term (default 1e-4). */
  readonly lambd?: number;
  /** α, power for the η update (default 0.75). */
  readonly alpha?: number;
  /** t₀, the step at which averaging starts (default 1e6). */
  readonly t0?: number;
}

export interface ASGDHyperparameters extends BaseHyperparameters {
  readonly lambd: number;
  readonly alpha: number;
  readonly t0: number;
}

function resolve(options: ASGDOptions): ASGDHyperparameters {
  const h = withDefaults({ lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false }, options);
  requireLr(h.lr);
  requireWeightDecay(h.weightDecay);
  return h;
}

function asgdChain(h: ASGDHyperparameters, lr: LearningRate) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    averagedStep(lr, { lambd: h.lambd, alpha: h.alpha, t0: h.t0 }),
  );
}

/** Averaged stochastic gradient descent (see the file header). */
export class ASGD extends ChainOptimizer<ASGDHyperparameters> {
  static override className = "optimlab.ASGD";

  constructor(options: ASGDOptions = {}) {
    super(options, resolve, asgdChain);
  }
}
