/**
 * NAdam, identical to `torch.optim.NAdam` of torch 1.13 (single-tensor path), plus torch 2.x's
 * `maximize` and `decoupledWeightDecay` options.
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2,\ \theta_0,\ f(\theta),\
 *   \lambda \text{ (weight decay)},\ \psi \text{ (momentum decay)},\ \epsilon,\
 *   \textit{decoupled},\ \textit{maximize} \\
 * &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\ \Pi_0 \leftarrow 1 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ \textbf{if } \textit{decoupled}:\
 *   \theta_{t-1} \leftarrow \theta_{t-1} - \gamma \lambda \theta_{t-1}\ \textbf{else}:\
 *   g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad \mu_t \leftarrow \beta_1 (1 - \tfrac12 \cdot 0.96^{t\psi}),\quad
 *   \mu_{t+1} \leftarrow \beta_1 (1 - \tfrac12 \cdot 0.96^{(t+1)\psi}) \\
 * &\quad \Pi_t \leftarrow \Pi_{t-1} \mu_t,\quad \Pi^{next}_t \leftarrow \Pi_t \mu_t \mu_{t+1}
 *   \quad (\text{torch 1.13's formula}) \\
 * &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
 * &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
 * &\quad d_t \leftarrow \sqrt{v_t / (1 - \beta_2^t)} + \epsilon \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \gamma \frac{1 - \mu_t}{1 - \Pi_t} \frac{g_t}{d_t}
 *   - \gamma \frac{\mu_{t+1}}{1 - \Pi^{next}_t} \frac{m_t}{d_t} \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByNadam → scaleByLearningRate`, or with
 * decoupled weight decay `maximize → scaleByNadam → decoupledWeightDecay → scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { decoupledWeightDecay } from "../transforms/decoupledWeightDecay";
import { maximize } from "../transforms/maximize";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import { scaleByNadam } from "../transforms/scaleByNadam";
import type { LearningRate } from "../transforms/types";
import { BetasOptimizer } from "./betasOptimizer";
import type { BetasHyperparameters } from "./betasOptimizer";
import type { BaseOptimizerOptions } from "./chainOptimizer";
import { invalidMomentumDecayMessage } from "./errors";
import { requireBetas, requireEps, requireLr, requireNonNegative, requireWeightDecay, withDefaults } from "./validate";

/** Options of `NAdam` (torch names and defaults: lr 2e-3, momentumDecay 4e-3). */
export interface NAdamOptions extends BaseOptimizerOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε (default 1e-8). */
  readonly eps?: number;
  /** ψ (default 4e-3). */
  readonly momentumDecay?: number;
  /** AdamW-style decay θ -= lr·λ·θ instead of L2 in the gradient (torch ≥ 2.0; default false). */
  readonly decoupledWeightDecay?: boolean;
}

export interface NAdamHyperparameters extends BetasHyperparameters {
  readonly eps: number;
  readonly momentumDecay: number;
  readonly decoupledWeightDecay: boolean;
}

function resolve(options: NAdamOptions): NAdamHyperparameters {
  const h = withDefaults(
    {
      lr: 2e-3,
      betas: [0.9, 0.999] as const,
      eps: 1e-8,
      weightDecay: 0,
      momentumDecay: 4e-3,
      decoupledWeightDecay: false,
      maximize: false,
    },
    options,
  );
  requireLr(h.lr);
  requireEps(h.eps);
  requireBetas(h.betas);
  requireWeightDecay(h.weightDecay);
  requireNonNegative(h.momentumDecay, invalidMomentumDecayMessage);
  return h;
}

function nadamChain(h: NAdamHyperparameters, lr: LearningRate) {
  const decay = h.weightDecay !== 0;
  return chain(
    h.maximize && maximize(),
    decay && !h.decoupledWeightDecay && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByNadam({ betas: h.betas, eps: h.eps, momentumDecay: h.momentumDecay }),
    decay && h.decoupledWeightDecay && decoupledWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByLearningRate(lr),
  );
}

/** Adam with Nesterov momentum (see the file header). */
export class NAdam extends BetasOptimizer<NAdamHyperparameters> {
  static override className = "optimlab.NAdam";

  constructor(options: NAdamOptions = {}) {
    super(options, resolve, nadamChain);
  }
}
