/**
 * RAdam, identical to `torch.optim.RAdam` of torch 1.13 (single-tensor path), plus torch 2.x's
 * `maximize` and `decoupledWeightDecay` options.
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2,\ \theta_0,\ f(\theta),\
 *   \lambda \text{ (weight decay)},\ \epsilon,\ \textit{decoupled},\ \textit{maximize} \\
 * &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\
 *   \rho_\infty \leftarrow 2 / (1 - \beta_2) - 1 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ \textbf{if } \textit{decoupled}:\
 *   \theta_{t-1} \leftarrow \theta_{t-1} - \gamma \lambda \theta_{t-1}\ \textbf{else}:\
 *   g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t,\quad
 *   v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
 * &\quad \hat m_t \leftarrow m_t / (1 - \beta_1^t),\quad
 *   \rho_t \leftarrow \rho_\infty - 2 t \beta_2^t / (1 - \beta_2^t) \\
 * &\quad \textbf{if } \rho_t > 5: \\
 * &\qquad r_t \leftarrow \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}{(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}},\quad
 *   l_t \leftarrow \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} \\
 * &\qquad \theta_t \leftarrow \theta_{t-1} - \gamma \hat m_t r_t l_t \\
 * &\quad \textbf{else}:\ \theta_t \leftarrow \theta_{t-1} - \gamma \hat m_t \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByRadam → scaleByLearningRate`, or with
 * decoupled weight decay `maximize → scaleByRadam → decoupledWeightDecay → scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { decoupledWeightDecay } from "../transforms/decoupledWeightDecay";
import { maximize } from "../transforms/maximize";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import { scaleByRadam } from "../transforms/scaleByRadam";
import type { LearningRate } from "../transforms/types";
import { BetasOptimizer } from "./betasOptimizer";
import type { BetasHyperparameters } from "./betasOptimizer";
import type { BaseOptimizerOptions } from "./chainOptimizer";
import { requireBetas, requireEps, requireLr, requireWeightDecay, withDefaults } from "./validate";

/** Options of `RAdam` (torch names and defaults: lr 1e-3). */
export interface RAdamOptions extends BaseOptimizerOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε (default 1e-8). */
  readonly eps?: number;
  /** AdamW-style decay θ -= lr·λ·θ instead of L2 in the gradient (torch ≥ 2.0; default false). */
  readonly decoupledWeightDecay?: boolean;
}

export interface RAdamHyperparameters extends BetasHyperparameters {
  readonly eps: number;
  readonly decoupledWeightDecay: boolean;
}

function resolve(options: RAdamOptions): RAdamHyperparameters {
  const h = withDefaults(
    { lr: 1e-3, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false },
    options,
  );
  requireLr(h.lr);
  requireEps(h.eps);
  requireBetas(h.betas);
  requireWeightDecay(h.weightDecay);
  return h;
}

function radamChain(h: RAdamHyperparameters, lr: LearningRate) {
  const decay = h.weightDecay !== 0;
  return chain(
    h.maximize && maximize(),
    decay && !h.decoupledWeightDecay && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByRadam({ betas: h.betas, eps: h.eps }),
    decay && h.decoupledWeightDecay && decoupledWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByLearningRate(lr),
  );
}

/** Rectified Adam (see the file header). */
export class RAdam extends BetasOptimizer<RAdamHyperparameters> {
  static override className = "optimlab.RAdam";

  constructor(options: RAdamOptions = {}) {
    super(options, resolve, radamChain);
  }
}
