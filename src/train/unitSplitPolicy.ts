/**
 * Whether the hidden-unit split (unitSplit.ts) runs a step on its threads together or on the
 * trainer's thread alone. Both compute the same bits, so the choice may follow the clock: threads
 * that meet three times a step pay off only while each gets a core, and on a machine whose other
 * cores are busy the meetings wait for the scheduler (a step 10× slower than alone, measured).
 *
 * A measurement runs the two modes in turn, in short blocks (4 alone, 4 together, 4 alone, 4
 * together), so both see the same machine: a process still warming up, or a core whose speed
 * drifts, slows both alike (timing one mode after the other read such a drift as "alone is faster"
 * and kept a free core idle for most of an epoch). The first step of each block is not counted: a
 * step together right after one alone pays for moving the other threads' weights back into their
 * cores' caches and waking them (800–1,300 µs against 370), which, step by step, made together look
 * slower than alone for good. Steps run together are always timed; an early look catches a core
 * that is busy from the start; after a warm-up of the other threads, one measurement, and then
 * another only when steps together have become slower than their best.
 * While alone, together is tried again after `FIRST_PERIOD` steps, and after twice as many each
 * time it loses again (a core that stays busy costs fewer slow steps), up to `LAST_PERIOD`. One
 * policy serves the fits of one model shape (unitSplit.ts keeps it), so a fit of one epoch does
 * not start from scratch.
 */

/** Steps of each mode counted per measurement: two blocks of `BLOCK`, less their first steps. */
const SAMPLES = 6;
const BLOCK = 4;
/** A measurement's steps: the modes' blocks in turn, alone first. */
const MEASURED_STEPS = 2 * (SAMPLES / (BLOCK - 1)) * BLOCK;
/**
 * Steps run together before the first measurement: the other threads' code warms up only by
 * running (their JavaScript is optimized after some hundred calls), and a measurement of cold
 * threads found alone faster, kept them idle, and so kept them cold.
 */
const WARM_UP = 96;
/**
 * One early look, after this many steps: a core busy elsewhere makes steps together several times
 * slower than alone (10× measured), far more than cold threads do (≤ 2×), so alone is chosen
 * then only when it is at least `BUSY_MARGIN` of the time together — a notebook run beside another
 * need not spend the whole warm-up waiting for the scheduler.
 */
const EARLY_LOOK = 8;
const BUSY_MARGIN = 0.4;
/**
 * New worker threads (the first fit of a process) run unoptimized code for their first few hundred
 * steps: 4× slower together than alone at first (6 ms against 1.5), still 1.3× after 96 steps. Their
 * warm-up is longer, and their early look takes only a far slower together for a busy core.
 */
const FRESH_WARM_UP = 256;
const FRESH_BUSY_MARGIN = 0.15;
/**
 * Steps after which a policy that started with new worker threads has made its first choice (their
 * warm-up, `SAMPLES` steps together, one measurement): src/warmUp.ts runs at least this many, so
 * a first real fit does not spend its steps measuring.
 */
export const STEPS_TO_FIRST_CHOICE = FRESH_WARM_UP + SAMPLES + MEASURED_STEPS;
/**
 * Steps alone before together is tried again; doubled each time alone wins again, up to the last.
 * 32, not 128: a measurement that caught a stall together sent a bench fit of 156 steps alone for
 * 131 of them (639 µs a step against 340 together); a core that stays busy costs 8 slow steps at
 * 32, 64, 128, … steps, a few percent.
 */
const FIRST_PERIOD = 32;
const LAST_PERIOD = 4096;
/**
 * Alone must be at least this much faster: a busy core makes together ~10× slower, while on free
 * cores a measurement that catches a few stalls (a step of 2–12 ms when another thread took a core
 * for a moment) can read alone ≈ 1.5× faster for a while; that must not keep the threads idle.
 */
const ALONE_MARGIN = 0.7;
/**
 * Steps together this much slower than their best (the median of the last `SAMPLES`) mean
 * something changed: measure again — at most once every `MIN_GAP` steps together (at 1.3× and
 * with no gap, a bench run measured every 60 steps, each time 8 steps alone).
 */
const SLOWER = 2;
const MIN_GAP = 64;
/**
 * A fit's first steps together are not judged: they pay for the fit's start — caches that the
 * trainer's thread just filled with the weights, worker threads asleep since the last fit — not
 * for a busy core (its first step 1–5 ms against 0.4–0.6 later in one-epoch fits in a row).
 * Counted, they were read as a slowdown and cost a measurement (8 steps alone) at the start of
 * about a third of such fits.
 */
const FIT_START = 4;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Infinity;
}

/** What the policy knows, from one start (a new policy, or new worker threads) on. */
function initialState(freshThreads: boolean) {
  return {
    step: 0,
    /** The last `SAMPLES` steps together run between measurements. */
    recent: [] as number[],
    /** The best median of `SAMPLES` steps together seen since the last measurement. */
    bestTogether: Infinity,
    /** The mode that runs between measurements. */
    choice: "together" as "together" | "alone",
    /** Steps left of the measurement under way (0: none); see {@link TogetherOrAlone.next} for each step's mode. */
    measuring: 0,
    measured: { alone: [] as number[], together: [] as number[] },
    /** Whether a measurement has been made since the last warm-up. */
    judged: false,
    /** Steps together since the last measurement ended. */
    sinceMeasured: 0,
    /** Whether the measurement under way is the early look. */
    early: false,
    /** The other threads are new: their warm-up is longer (FRESH_WARM_UP). */
    freshThreads,
    /** Steps together of this fit's start still to pass unjudged (FIT_START). */
    fitStart: 0,
    /** Steps alone since the last measurement, and how many before the next. */
    aloneFor: 0,
    period: FIRST_PERIOD,
  };
}

export class TogetherOrAlone {
  private state = initialState(false);

  /** Whether the next step runs on the trainer's thread alone. */
  next(): boolean {
    if (this.state.measuring > 0) return this.measurementAlone();
    return this.state.choice === "alone";
  }

  /** Records how long the step just run took (microseconds) in the mode `next()` gave. */
  record(alone: boolean, micros: number): void {
    this.state.step++;
    if (this.state.measuring > 0) {
      // The first step of a block pays for the change of mode: not counted.
      if ((MEASURED_STEPS - this.state.measuring) % BLOCK !== 0)
        (alone ? this.state.measured.alone : this.state.measured.together).push(micros);
      if (--this.state.measuring === 0) this.decide();
      return;
    }
    if (this.state.step <= (this.state.freshThreads ? FRESH_WARM_UP : WARM_UP)) {
      if (this.state.step === EARLY_LOOK) this.measure(true);
      return;
    }
    let due: boolean;
    if (alone) due = ++this.state.aloneFor >= this.state.period;
    else if (this.state.fitStart > 0) {
      this.state.fitStart--;
      due = false;
    } else {
      this.state.recent.push(micros);
      if (this.state.recent.length > SAMPLES) this.state.recent.shift();
      const full = this.state.recent.length === SAMPLES;
      const now = full ? median(this.state.recent) : Infinity;
      if (full) this.state.bestTogether = Math.min(this.state.bestTogether, now);
      this.state.sinceMeasured++;
      due =
        full && (!this.state.judged || (this.state.sinceMeasured >= MIN_GAP && now > SLOWER * this.state.bestTogether));
    }
    if (due) this.measure(false);
  }

  /** Starts timing the two modes in turn, on fresh samples. */
  private measure(early: boolean): void {
    this.state.early = early;
    this.state.measured = { alone: [], together: [] };
    this.state.measuring = MEASURED_STEPS;
  }

  /** Whether the measurement's next step runs alone: blocks of `BLOCK` steps, alone first, in turn. */
  private measurementAlone(): boolean {
    return Math.floor((MEASURED_STEPS - this.state.measuring) / BLOCK) % 2 === 0;
  }

  /**
   * New worker threads serve the split (the first fit of a process, or after a failure): the
   * warm-up starts again, together, for {@link FRESH_WARM_UP} steps.
   */
  threadsStarted(): void {
    this.state = initialState(true);
  }

  /**
   * A new fit of this shape starts (its weights just written by the trainer's thread, the other
   * threads' caches cold): a measurement the last fit left unfinished is dropped, with the last
   * steps together that may have started it — its blocks would straddle the two fits, and the
   * first steps together of a fit pay for the cold caches (run to its end, one sent the next fit
   * alone for good) — and, if the steps ran alone, together is tried again after the first period.
   */
  fitStarted(): void {
    this.state.measuring = 0;
    this.state.recent = []; // the last fit's steps together judge nothing in this one
    this.state.fitStart = FIT_START;
    if (this.state.choice === "alone") {
      this.state.period = FIRST_PERIOD;
      this.state.aloneFor = 0;
    }
  }

  /** The mode chosen so far. */
  get chosen(): "together" | "alone" {
    return this.state.choice;
  }

  /** The medians (µs per step) of the last measurement's steps alone and together, if one was made. */
  get lastMeasurement(): { alone: number; together: number } | undefined {
    return this.lastMedians;
  }

  private lastMedians: { alone: number; together: number } | undefined;

  private decide(): void {
    const { alone, together } = this.state.measured;
    this.lastMedians = { alone: median(alone), together: median(together) };
    const margin = !this.state.early ? ALONE_MARGIN : this.state.freshThreads ? FRESH_BUSY_MARGIN : BUSY_MARGIN;
    const aloneWins = median(alone) < margin * median(together);
    // The early look found no busy core: the warm-up goes on, together.
    if (this.state.early && !aloneWins) return;
    // Alone again: the core is still busy, look less often; newly alone: look soon.
    this.state.period =
      aloneWins && this.state.choice === "alone" ? Math.min(2 * this.state.period, LAST_PERIOD) : FIRST_PERIOD;
    this.state.choice = aloneWins ? "alone" : "together";
    this.state.judged = true;
    this.state.freshThreads = false;
    this.state.sinceMeasured = 0;
    this.state.aloneFor = 0;
    // Together's speed now is the one a slowdown is judged by.
    this.state.recent = [];
    this.state.bestTogether = aloneWins ? Infinity : median(together);
  }
}
