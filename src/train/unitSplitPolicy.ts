/**
 * Whether the hidden-unit split (unitSplit.ts) runs a step on its threads together or on the
 * trainer's thread alone. Both compute the same bits, so the choice may follow the clock: threads
 * that meet three times a step pay off only while each gets a core, and on a machine whose other
 * cores are busy the meetings wait for the scheduler (a step 10× slower than alone, measured).
 *
 * Steps run together are always timed. After a warm-up, a few steps are timed alone once; from
 * then on the faster mode runs. Alone is timed again only when steps together have become slower
 * than their best (another process took a core), and together is timed again every `PERIOD` steps
 * while running alone (the core may be free again): a machine whose cores stay free pays for
 * one measurement alone per policy. One policy serves the fits of one model shape (unitSplit.ts
 * keeps it), so a fit of one epoch does not start from scratch.
 */

/** Steps of a mode timed per measurement, after the first `WARM_UP` steps (run together). */
const SAMPLES = 6;
const WARM_UP = 8;
/** Steps between looks at whether the other mode has become the faster. */
const PERIOD = 128;
/** Alone must be at least this much faster: a measurement that catches a busy moment should not keep the threads idle. */
const ALONE_MARGIN = 0.85;
/** Steps together this much slower than their best mean something changed: time alone again. */
const SLOWER = 1.3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Infinity;
}

export class TogetherOrAlone {
  private step = 0;
  /** Recent step times of each mode (the last `SAMPLES`). */
  private together: number[] = [];
  private alone: number[] = [];
  /** The best median of `SAMPLES` steps together seen so far. */
  private bestTogether = Infinity;
  /** The mode that runs between measurements. */
  private choice: "together" | "alone" = "together";
  /** Steps left of the measurement of the other mode under way (0: none). */
  private measuring = 0;
  /** Whether alone has been timed since together last became slower. */
  private aloneTimed = false;

  /** Whether the next step runs on the trainer's thread alone. */
  next(): boolean {
    if (this.measuring > 0) return this.choice === "together";
    return this.choice === "alone";
  }

  /** Records how long the step just run took (microseconds) in the mode `next()` gave. */
  record(alone: boolean, micros: number): void {
    this.step++;
    if (this.step <= WARM_UP) return;
    const times = alone ? this.alone : this.together;
    times.push(micros);
    if (times.length > SAMPLES) times.shift();
    const full = this.together.length === SAMPLES;
    if (!alone && full) this.bestTogether = Math.min(this.bestTogether, median(this.together));
    if (this.measuring > 0) {
      if (--this.measuring === 0) this.decide();
      return;
    }
    const due =
      this.choice === "alone"
        ? this.step % PERIOD === 0
        : full && (!this.aloneTimed || median(this.together) > SLOWER * this.bestTogether);
    if (!due) return;
    // Time the other mode for a while, on fresh samples.
    if (this.choice === "together") this.alone.length = 0;
    else this.together.length = 0;
    this.measuring = SAMPLES;
  }

  /** The mode chosen so far. */
  get chosen(): "together" | "alone" {
    return this.choice;
  }

  private decide(): void {
    this.choice = median(this.alone) < ALONE_MARGIN * median(this.together) ? "alone" : "together";
    // Together (again): its speed now is the one to judge a slowdown by; alone is timed.
    this.aloneTimed = this.choice === "together";
    if (this.choice === "together") this.bestTogether = median(this.together);
  }
}
