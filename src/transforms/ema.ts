import type { Ew } from "../backend/fused";

/**
 * One step of an exponential moving average, as torch writes it
 * (`avg.mul_(decay).add_(x, alpha=1 - decay)`): `decay·avg + (1 - decay)·x`. Adam's moments,
 * RMSprop's and Adadelta's running averages are all this step (optax's `update_moment`).
 */
export function ema(avg: Ew, x: Ew, decay: number): Ew {
  return avg.mul(decay).add(x.mul(1 - decay));
}
