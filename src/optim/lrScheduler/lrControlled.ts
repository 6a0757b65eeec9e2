/**
 * What a learning-rate scheduler needs from an optimizer: a writable current learning rate.
 *
 * optimlab's optimizers (`optim.SGD`, `optim.Adam`, …) satisfy it; so does a plain `{ lr: 0.1 }`,
 * which is how the pure `curve()` / `schedule()` helpers simulate a schedule.
 */
export interface LrControlled {
  /** The learning rate the next optimizer step will use. Schedulers overwrite it. */
  lr: number;
}

/** An optimizer with a writable heavy-ball momentum coefficient (torch's `momentum` group key). */
export interface MomentumControlled extends LrControlled {
  momentum: number;
}

/** An optimizer with writable Adam-style `betas = [beta1, beta2]` (torch's `betas` group key). */
export interface BetasControlled extends LrControlled {
  betas: [number, number];
}

/** True when `opt` exposes a numeric `betas[0]` (checked first, as torch's OneCycleLR does). */
export function hasBetas(opt: LrControlled): opt is BetasControlled {
  const betas = (opt as Partial<BetasControlled>).betas;
  return Array.isArray(betas) && typeof betas[0] === "number";
}

/** True when `opt` exposes a numeric `momentum`. */
export function hasMomentum(opt: LrControlled): opt is MomentumControlled {
  return typeof (opt as Partial<MomentumControlled>).momentum === "number";
}

/** Writes a cycled momentum: `betas[0]` for the Adam family, else `momentum` (torch's OneCycleLR/CyclicLR). */
export function writeMomentum(group: LrControlled, value: number): void {
  if (hasBetas(group)) group.betas = [value, group.betas[1]];
  else if (hasMomentum(group)) group.momentum = value;
}
