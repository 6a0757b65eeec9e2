import type { LrControlled } from "./lrControlled";

/**
 * torch keeps `initial_lr` inside each optimizer param group (`group.setdefault('initial_lr', lr)`),
 * so that several schedulers attached to one optimizer share the same base lr. Our optimizers have
 * no param groups, so the same record lives here, keyed weakly by the optimizer object.
 */
const initialLrs = new WeakMap<LrControlled, number>();

/** The optimizer's recorded initial lr, if a scheduler has recorded one. */
export function recordedInitialLr(opt: LrControlled): number | undefined {
  return initialLrs.get(opt);
}

/** torch's `group.setdefault('initial_lr', group['lr'])`: records `opt.lr` unless already recorded. */
export function recordInitialLrIfAbsent(opt: LrControlled): number {
  const known = initialLrs.get(opt);
  if (known !== undefined) return known;
  initialLrs.set(opt, opt.lr);
  return opt.lr;
}

/** torch's OneCycleLR overwrites `initial_lr` unconditionally (max_lr / div_factor). */
export function overwriteInitialLr(opt: LrControlled, lr: number): void {
  initialLrs.set(opt, lr);
}
