/**
 * Which hidden units each thread of the hidden-unit split (unitSplit.ts) owns. The trainer's
 * thread does more than its part of each step — it records the step's values, runs the fit's loop
 * and traces the optimizer for the step while the other threads already compute — so an even cut
 * keeps the others waiting at the meeting after the hidden layer. The cut gives the trainer's
 * thread fewer units by what the waits measured over the last fit of the same shape say, so a
 * shape trained again and again (one epoch per fit, as a playground or the bench does) comes to
 * balance. The values do not depend on the cut: every unit's column, row and update are computed
 * the same whichever thread owns them (unitSplitStep.ts).
 */

/** Fits with fewer steps together than this say too little about the balance. */
const MIN_STEPS = 32;
/** A move of less than this many groups leaves the cut as it is. */
const HYSTERESIS = 1.5;

/** What one fit measured, per step run together (microseconds). */
export interface CutTimes {
  /** The trainer's wait at the meeting. */
  readonly trainerWait: number;
  /** The other threads' mean wait there. */
  readonly othersWait: number;
  /** A whole step as the trainer timed it. */
  readonly step: number;
  readonly steps: number;
}

export class UnitCut {
  /** Units the trainer's thread owns fewer than an even share (negative: more). */
  private fewer = 0;

  constructor(
    private readonly hidden: number,
    private readonly threads: number,
  ) {}

  /** Each thread's units [from, to): the trainer's thread (0) first, the rest near-equal. */
  units(): [number, number][] {
    const { hidden, threads } = this;
    const first = Math.round(hidden / threads) - this.fewer;
    const edge = (t: number) => (t === 0 ? 0 : first + Math.round(((hidden - first) * (t - 1)) / (threads - 1)));
    return Array.from({ length: threads }, (_, t) => [edge(t), t === threads - 1 ? hidden : edge(t + 1)]);
  }

  /** Moves units to whichever side kept the other waiting (in whole SIMD groups of 4 where the shares allow). */
  learn({ trainerWait, othersWait, step, steps }: CutTimes): void {
    const { hidden, threads } = this;
    if (threads < 2 || steps < MIN_STEPS || !(step > 0)) return;
    // One unit moved from the trainer's thread to the others shortens its step by about perUnit
    // and lengthens each other's by perUnit / (threads - 1).
    const perUnit = step / (hidden / threads);
    const move = (othersWait - trainerWait) / (perUnit * (threads / (threads - 1)));
    // Small moves are noise, and each new cut compiles new products (whose optimized code the
    // engine then builds on a helper thread, taking a core from the training threads).
    if (Math.abs(move) < HYSTERESIS * this.group) return;
    this.trainerFewer = this.fewer + move;
  }

  /** Units move in whole SIMD groups of 4 where the shares allow. */
  private get group(): number {
    return this.hidden / this.threads >= 16 ? 4 : 1;
  }

  /** Units the trainer's thread owns fewer than an even share (negative: more). */
  get trainerFewer(): number {
    return this.fewer;
  }

  /** Sets it, rounded to the group and kept within half a share either way (tests set it directly). */
  set trainerFewer(units: number) {
    const share = this.hidden / this.threads;
    const { group } = this;
    const most = Math.floor(share / 2 / group) * group;
    this.fewer = Math.max(-most, Math.min(most, Math.round(units / group) * group)) + 0; // + 0: not -0
  }
}
