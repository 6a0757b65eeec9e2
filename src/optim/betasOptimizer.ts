import { ChainOptimizer } from "./chainOptimizer";
import type { BaseHyperparameters } from "./chainOptimizer";
import { requireBetas } from "./validate";

/** Hyperparameters of the Adam family: torch's `betas = (β1, β2)`. */
export interface BetasHyperparameters extends BaseHyperparameters {
  readonly betas: readonly [number, number];
}

/**
 * Base of the Adam family (Adam, AdamW, NAdam, RAdam, Adamax): `betas` is readable and writable
 * between steps, as torch's `param_group['betas']` is (OneCycleLR cycles β1).
 */
export abstract class BetasOptimizer<H extends BetasHyperparameters> extends ChainOptimizer<H> {
  /** (β1, β2). Setting it rebuilds the chain; the next step uses the new values. */
  get betas(): [number, number] {
    const [beta1, beta2] = this.hyperparameters.betas;
    return [beta1, beta2];
  }

  set betas(value: [number, number]) {
    requireBetas(value);
    this.setHyperparameter("betas", [value[0], value[1]] as H["betas"]);
  }
}
