/**
 * Adam, identical to `torch.optim.Adam` (torch 1.13 single-tensor path). Its `weightDecay` is
 * coupled L2 (added to the gradient); for decoupled decay use `AdamW`.
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2 \text{ (betas)},\ \theta_0,\ f(\theta),\
 *   \lambda \text{ (weight decay)},\ \epsilon,\ \textit{amsgrad},\ \textit{maximize} \\
 * &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\ \hat v^{max}_0 \leftarrow 0 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
 * &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
 * &\quad \textbf{if } \textit{amsgrad}:\ v_t \leftarrow \hat v^{max}_t \leftarrow \max(\hat v^{max}_{t-1}, v_t) \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t} \cdot
 *   \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon} \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByAdam → scaleByLearningRate`. Compare with
 * `AdamW` (adamw.ts): the only difference is where the weight decay link sits.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByAdam } from "../transforms/scaleByAdam";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import type { LearningRate } from "../transforms/types";
import { BetasOptimizer } from "./betasOptimizer";
import type { BetasHyperparameters } from "./betasOptimizer";
import type { BaseOptimizerOptions } from "./chainOptimizer";
import { requireBetas, requireEps, requireLr, requireWeightDecay, withDefaults } from "./validate";

/** Options of `Adam` and `AdamW` (torch names and defaults; AdamW's weightDecay defaults to 1e-2). */
export interface AdamOptions extends BaseOptimizerOptions {
  /** (β1, β2) (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** ε (default 1e-8). */
  readonly eps?: number;
  /** AMSGrad variant (default false). */
  readonly amsgrad?: boolean;
}

export interface AdamHyperparameters extends BetasHyperparameters {
  readonly eps: number;
  readonly amsgrad: boolean;
}

/** Fills in torch's defaults and runs torch's checks, in torch's order. */
export function resolveAdamOptions(options: AdamOptions, defaultWeightDecay: number): AdamHyperparameters {
  const h = withDefaults(
    {
      lr: 1e-3,
      betas: [0.9, 0.999] as const,
      eps: 1e-8,
      weightDecay: defaultWeightDecay,
      amsgrad: false,
      maximize: false,
    },
    options,
  );
  requireLr(h.lr);
  requireEps(h.eps);
  requireBetas(h.betas);
  requireWeightDecay(h.weightDecay);
  return h;
}

function adamChain(h: AdamHyperparameters, lr: LearningRate) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByAdam({ betas: h.betas, eps: h.eps, amsgrad: h.amsgrad }),
    scaleByLearningRate(lr),
  );
}

/** Adam with torch's coupled L2 weight decay (see the file header). */
export class Adam extends BetasOptimizer<AdamHyperparameters> {
  static override className = "optimlab.Adam";

  constructor(options: AdamOptions = {}) {
    super(options, (o: AdamOptions) => resolveAdamOptions(o, 0), adamChain);
  }
}
