/**
 * Whether the hidden-unit split (unitSplit.ts) runs a step on its threads together or on the
 * trainer's thread alone. Both compute the same bits, so the choice may follow the clock: threads
 * that meet three times a step pay off only while each gets a core, and on a machine whose other
 * cores are busy the meetings wait for the scheduler (a step 10× slower than alone, measured). So
 * the policy times a few steps of each mode now and then and runs the faster one in between.
 * One policy serves the fits of one model shape (unitSplit.ts keeps it), so a fit of one epoch
 * does not start from scratch.
 */

/** Steps of each mode timed per measurement, after the first `WARM_UP` steps (run together). */
const SAMPLES = 6;
const WARM_UP = 8;
/** Alone must be at least this much faster: a measurement that happens to catch a busy moment should not keep the threads idle for a period. */
const ALONE_MARGIN = 0.85;
/** Steps between measurements. */
const PERIOD = 128;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Infinity;
}

export class TogetherOrAlone {
  private step = 0;
  private together: number[] = [];
  private alone: number[] = [];
  /** The mode chosen by the last measurement (together until one is made). */
  private choice: "together" | "alone" = "together";

  /** Whether the next step runs on the trainer's thread alone. */
  next(): boolean {
    const at = this.step - WARM_UP;
    if (at < 0) return false;
    const phase = at % PERIOD;
    if (phase < SAMPLES) return false; // timing together
    if (phase < 2 * SAMPLES) return true; // timing alone
    return this.choice === "alone";
  }

  /** Records how long the step just run took (microseconds) in the mode `next()` gave. */
  record(alone: boolean, micros: number): void {
    const phase = (this.step - WARM_UP) % PERIOD;
    this.step++;
    if (this.step <= WARM_UP || phase >= 2 * SAMPLES) return;
    (alone ? this.alone : this.together).push(micros);
    if (phase === 2 * SAMPLES - 1) {
      this.choice = median(this.alone) < ALONE_MARGIN * median(this.together) ? "alone" : "together";
      this.together = [];
      this.alone = [];
    }
  }

  /** Steps run alone so far are counted by the caller; this says what the policy last chose. */
  get chosen(): "together" | "alone" {
    return this.choice;
  }
}
