/**
 * SGD, identical to `torch.optim.SGD` (torch 1.13 single-tensor path):
 *
 * $$
 * \begin{aligned}
 * &\textbf{input: } \gamma \text{ (lr)},\ \theta_0,\ f(\theta),\ \lambda \text{ (weight decay)},\
 *   \mu \text{ (momentum)},\ \tau \text{ (dampening)},\ \textit{nesterov},\ \textit{maximize} \\
 * &\textbf{for } t = 1, 2, \ldots \textbf{ do} \\
 * &\quad g_t \leftarrow \nabla_\theta f_t(\theta_{t-1}) \quad (\text{negated if } \textit{maximize}) \\
 * &\quad \textbf{if } \lambda \neq 0:\ g_t \leftarrow g_t + \lambda \theta_{t-1} \\
 * &\quad \textbf{if } \mu \neq 0: \\
 * &\qquad b_t \leftarrow g_t \text{ if } t = 1 \text{ else } \mu b_{t-1} + (1 - \tau) g_t \\
 * &\qquad g_t \leftarrow g_t + \mu b_t \text{ if } \textit{nesterov} \text{ else } b_t \\
 * &\quad \theta_t \leftarrow \theta_{t-1} - \gamma g_t \\
 * &\textbf{return } \theta_t
 * \end{aligned}
 * $$
 *
 * As a chain: `maximize → addWeightDecay → traceMomentum → scaleByLearningRate`.
 */
import { addWeightDecay } from "../transforms/addWeightDecay";
import { chain } from "../transforms/chain";
import { maximize } from "../transforms/maximize";
import { scaleByLearningRate } from "../transforms/scaleByLearningRate";
import { traceMomentum } from "../transforms/traceMomentum";
import type { LearningRate } from "../transforms/types";
import { ChainOptimizer } from "./chainOptimizer";
import type { BaseHyperparameters, BaseOptimizerOptions } from "./chainOptimizer";
import { invalidMomentumMessage, lrRequiredMessage, nesterovRequiresMomentumMessage } from "./errors";
import { requireLr, requireNonNegative, requireWeightDecay, withDefaults } from "./validate";

/** Options of `SGD` (torch names; torch 1.13 has no default lr, so `lr` is required). */
export interface SGDOptions extends BaseOptimizerOptions {
  readonly lr: number;
  /** μ (default 0). */
  readonly momentum?: number;
  /** τ (default 0). */
  readonly dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening = 0). */
  readonly nesterov?: boolean;
}

export interface SGDHyperparameters extends BaseHyperparameters {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
}

function resolve(options: SGDOptions, updating = false): SGDHyperparameters {
  // Unknown names first, as Python rejects an unexpected keyword before the body runs (torch:
  // SGD(params, learning_rate=0.1) is a TypeError, not "required lr").
  const h = withDefaults({ momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false }, options);
  if ((options as Partial<SGDOptions>).lr === undefined) throw new Error(lrRequiredMessage());
  requireLr(h.lr);
  requireNonNegative(h.momentum, invalidMomentumMessage);
  requireWeightDecay(h.weightDecay);
  // A constructor check in torch: a group whose momentum is later set to 0 steps as plain SGD.
  if (!updating && h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
    throw new Error(nesterovRequiresMomentumMessage());
  }
  return h;
}

/** `keep` holds "traceMomentum" once it has a buffer: at momentum 0 the link passes updates through and keeps it. */
function sgdChain(h: SGDHyperparameters, lr: LearningRate, keep: ReadonlySet<string>) {
  return chain(
    h.maximize && maximize(),
    h.weightDecay !== 0 && addWeightDecay(h.weightDecay, h.weightDecayFilter),
    (h.momentum !== 0 || keep.has("traceMomentum")) &&
      traceMomentum({ momentum: h.momentum, dampening: h.dampening, nesterov: h.nesterov }),
    scaleByLearningRate(lr),
  );
}

/** Stochastic gradient descent with optional momentum, Nesterov and weight decay (see the file header). */
export class SGD extends ChainOptimizer<SGDHyperparameters> {
  static override className = "optimlab.SGD";

  constructor(options: SGDOptions) {
    super(options, resolve, sgdChain);
  }

  /**
   * μ; writable between steps (schedulers cycle it). From 0 the buffer starts at the next gradient;
   * back to 0 the buffer is kept and skipped, as in torch.
   */
  get momentum(): number {
    return this.hyperparameters.momentum;
  }

  set momentum(value: number) {
    requireNonNegative(value, invalidMomentumMessage);
    this.setHyperparameter("momentum", value);
  }
}
