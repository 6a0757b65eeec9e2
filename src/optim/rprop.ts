/**
 * Rprop, identical to `torch.optim.Rprop` (torch 1.13 single-tensor path).
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \theta_0,\ f(\theta),\ \gamma \text{ (lr)},\ \eta_{+}, \eta_{-} \text{ (etas)},\
 *   \Gamma_{min}, \Gamma_{max} \text{ (step sizes)},\ \textit{maximize} \\
 * &\textbf{initialize: } g^{prev}_0 \leftarrow 0,\ \gamma_0 \leftarrow \gamma \text{ (every element)} \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{for each element } i: \\
 * &\qquad \textbf{if } g^{prev}_i g_{t,i} > 0:\ \gamma_{t,i} \leftarrow \min(\eta_{+} \gamma_{t-1,i}, \Gamma_{max}) \\
 * &\qquad \textbf{else if } g^{prev}_i g_{t,i} < 0:\ \gamma_{t,i} \leftarrow \max(\eta_{-} \gamma_{t-1,i}, \Gamma_{min}),\
 *   g_{t,i} \leftarrow 0 \\
 * &\qquad \textbf{else}:\ \gamma_{t,i} \leftarrow \gamma_{t-1,i} \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \gamma_t \operatorname{sign}(g_t),\quad g^{prev} \leftarrow g_t \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → scaleByRprop`. The lr is only the first step size of every element,
 * so `scaleByRprop` ends the chain and a scheduler changing `lr` later has no effect (as in torch).
 */
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByRprop } from "../transforms/scaleByRprop";
import type { LearningRate, LeafFilter } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { LrHyperparameters } from "./chainOptimizer";
import type { ParamGroupOptions } from "./paramGroup";
import { invalidEtasMessage } from "./errors";
import { requireLr, withDefaults } from "./validate";

/** Options of `Rprop` (torch names and defaults: lr 1e-2, etas [0.5, 1.2], stepSizes [1e-6, 50]). */
export interface RpropOptions {
  /** The initial step size of every element (default 1e-2). */
  readonly lr?: number;
  /** (η−, η+), with 0 < η− < 1 < η+ (default [0.5, 1.2]). */
  readonly etas?: readonly [number, number];
  /** (minimal, maximal) step size (default [1e-6, 50]). */
  readonly stepSizes?: readonly [number, number];
  /** Maximize the objective instead of minimizing it (default false). */
  readonly maximize?: boolean;
  readonly paramGroups?: readonly ParamGroupOptions[];
  /** Unused (Rprop has no weight decay); accepted so that every preset takes the same base options. */
  readonly weightDecayFilter?: LeafFilter;
}

export interface RpropHyperparameters extends LrHyperparameters {
  readonly etas: readonly [number, number];
  readonly stepSizes: readonly [number, number];
  readonly maximize: boolean;
}

function resolve(options: RpropOptions): RpropHyperparameters {
  const h = withDefaults(
    { lr: 1e-2, etas: [0.5, 1.2] as const, stepSizes: [1e-6, 50] as const, maximize: false },
    options,
  );
  requireLr(h.lr);
  const [etaMinus, etaPlus] = h.etas;
  if (!(0 < etaMinus && etaMinus < 1 && 1 < etaPlus)) throw new Error(invalidEtasMessage(etaMinus, etaPlus));
  return h;
}

function rpropChain(h: RpropHyperparameters, lr: LearningRate) {
  return chain(h.maximize && maximize(), scaleByRprop(lr, { etas: h.etas, stepSizes: h.stepSizes }));
}

/** Resilient backpropagation (see the file header). */
export class Rprop extends ChainOptimizer<RpropHyperparameters> {
  static override className = "optimlab.Rprop";

  constructor(options: RpropOptions = {}) {
    super(options, resolve, rpropChain);
  }
}
