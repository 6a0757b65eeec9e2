/**
 * Adadelta, identical to `torch.optim.Adadelta` (torch 1.13 single-tensor path).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \theta_0,\ f(\theta),\ \rho,\ \lambda \text{ (weight decay)},\
 *   \epsilon,\ \textit{maximize} \\
 * &\textbf{initialize: } v_0 \leftarrow 0 \text{ (square avg)},\ u_0 \leftarrow 0 \text{ (accumulated update)} \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad v_t \leftarrow \rho v_{t-1} + (1 - \rho) g_t^2 \\
 * &\quad \Delta x_t \leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
 * &\quad u_t \leftarrow \rho u_{t-1} + (1 - \rho) \Delta x_t^2 \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \gamma \Delta x_t \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → scaleByAdadelta → scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByAdadelta } from "../transforms/scaleByAdadelta";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import type { LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { BaseHyperparameters, BaseOptimizerOptions } from "./chainOptimizer";
import { invalidRhoMessage } from "./errors";
import { requireEps, requireLr, requireWeightDecay, withDefaults } from "./validate";

/** Options of `Adadelta` (torch names and defaults: lr 1.0, rho 0.9, eps 1e-6). */
export interface AdadeltaOptions extends BaseOptimizerOptions {
  /** ρ (default 0.9). */
  readonly rho?: number;
  /** ε (default 1e-6). */
  readonly eps?: number;
}

export interface AdadeltaHyperparameters extends BaseHyperparameters {
  readonly rho: number;
  readonly eps: number;
}

function resolve(options: AdadeltaOptions): AdadeltaHyperparameters {
  const h = withDefaults({ lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }, options);
  requireLr(h.lr);
  if (!(h.rho >= 0 && h.rho <= 1)) throw new Error(invalidRhoMessage(h.rho));
  requireEps(h.eps);
  requireWeightDecay(h.weightDecay);
  return h;
}

function adadeltaChain(h: AdadeltaHyperparameters, lr: LearningRate) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    scaleByAdadelta({ rho: h.rho, eps: h.eps }),
    scaleByLearningRate(lr),
  );
}

/** Adadelta with optional weight decay (see the file header). */
export class Adadelta extends ChainOptimizer<AdadeltaHyperparameters> {
  static override className = "optimlab.Adadelta";

  constructor(options: AdadeltaOptions = {}) {
    super(options, resolve, adadeltaChain);
  }
}
