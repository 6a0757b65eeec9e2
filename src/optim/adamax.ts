/**
 * Adamax, identical to `torch.optim.Adamax` (torch 1.13 single-tensor path).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2,\ \theta_0,\ f(\theta),\
 *   \lambda \text{ (weight decay)},\ \epsilon,\ \textit{maximize} \\
 * &\textbf{initialize: } m_0 \leftarrow 0,\ u_0 \leftarrow 0 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
 * &\quad u_t \leftarrow \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \frac{\gamma\, m_t}{(1 - \beta_1^t)\, u_t} \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByAdamax → scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByAdamax } from "../transforms/scaleByAdamax";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import type { LearningRate } from "../transforms/types";
import { BetasOptimizer } from "./betasOptimizer";
import type { BetasHyperparameters } from "./betasOptimizer";
import type { BaseOptimizerOptions } from "./chainOptimizer";
import { requireBetas, requireEps, requireLr, requireWeightDecay, withDefaults } from "./validate";

/** Options of `Adamax` (torch names and defaults: lr 2e-3). */
export interface AdamaxOptions extends BaseOptimizerOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε (default 1e-8). */
  readonly eps?: number;
}

export interface AdamaxHyperparameters extends BetasHyperparameters {
  readonly eps: number;
}

function resolve(options: AdamaxOptions): AdamaxHyperparameters {
  const h = withDefaults(
    { lr: 2e-3, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, maximize: false },
    options,
  );
  requireLr(h.lr);
  requireEps(h.eps);
  requireBetas(h.betas);
  requireWeightDecay(h.weightDecay);
  return h;
}

function adamaxChain(h: AdamaxHyperparameters, lr: LearningRate) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByAdamax({ betas: h.betas, eps: h.eps }),
    scaleByLearningRate(lr),
  );
}

/** Adam with the infinity norm (see the file header). */
export class Adamax extends BetasOptimizer<AdamaxHyperparameters> {
  static override className = "optimlab.Adamax";

  constructor(options: AdamaxOptions = {}) {
    super(options, resolve, adamaxChain);
  }
}
