/**
 * AdamW, identical to `torch.optim.AdamW` (torch 1.13 single-tensor path): Adam with decoupled
 * weight decay, default λ = 1e-2.
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \beta_1, \beta_2,\ \theta_0,\ f(\theta),\
 *   \lambda \text{ (weight decay)},\ \epsilon,\ \textit{amsgrad},\ \textit{maximize} \\
 * &\textbf{initialize: } m_0 \leftarrow 0,\ v_0 \leftarrow 0,\ \hat v^{max}_0 \leftarrow 0 \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \gamma \lambda \theta_{t-1} \\
 * &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
 * &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
 * &\quad \textbf{if } \textit{amsgrad}:\ v_t \leftarrow \hat v^{max}_t \leftarrow \max(\hat v^{max}_{t-1}, v_t) \\
 * &\quad \theta_t \leftarrow \theta_t - \frac{\gamma}{1 - \beta_1^t} \cdot
 *   \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon} \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → scaleByAdam → decoupledWeightDecay → scaleByLearningRate`. The lr link
 * multiplies the decay term too, giving θ -= lr·λ·θ with the current lr. Compare with `Adam`
 * (adam.ts), where weight decay comes before `scaleByAdam`.
 */
import { chain } from "../transforms/chain";
import { decoupledWeightDecay } from "../transforms/decoupledWeightDecay";
import { maximize } from "../transforms/maximize";
import { scaleByAdam } from "../transforms/scaleByAdam";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import type { LearningRate } from "../transforms/types";
import { resolveAdamOptions } from "./adam";
import type { AdamHyperparameters, AdamOptions } from "./adam";
import { BetasOptimizer } from "./betasOptimizer";

function adamWChain(h: AdamHyperparameters, lr: LearningRate) {
  return chain(
    h.maximize && maximize(),
    scaleByAdam({ betas: h.betas, eps: h.eps, amsgrad: h.amsgrad }),
    h.weightDecay !== 0 && decoupledWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByLearningRate(lr),
  );
}

/** Adam with decoupled weight decay (see the file header). */
export class AdamW extends BetasOptimizer<AdamHyperparameters> {
  static override className = "optimlab.AdamW";

  constructor(options: AdamOptions = {}) {
    super(options, (o: AdamOptions) => resolveAdamOptions(o, 1e-2), adamWChain);
  }
}
