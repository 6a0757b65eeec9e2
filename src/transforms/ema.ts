import type { Ew } from "../backend/fused";

/**
 * One step of an exponential moving average, as torch writes it
 * (`avg.mul_(decay).add_(x, alpha=1 - decay)`): `decay·avg + (1 - decay)·x`. Adam's moments,
 * RMSprop's and Adadelta's running averages are all this step (optax's `update_moment`).
 */
export function ema(avg: Ew, x: Ew, decay: number): Ew {
  return avg.mul(decay).add(x.mul(1 - decay));
}

/**
 * Adam's two moments after a step with update `u`: μ ← ema(μ, u, β1), ν ← ema(ν, u², β2), as Adam,
 * NAdam and RAdam (and AMSGrad before its running maximum) all update them.
 */
export function adamMoments(u: Ew, m: Ew, v: Ew, beta1: number, beta2: number): { mu: Ew; nu: Ew } {
  return { mu: ema(m, u, beta1), nu: ema(v, u.square(), beta2) };
}
