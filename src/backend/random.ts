/**
 * Seeded randomness for everything optimlab draws: weight init, shuffling, dropout masks, noise.
 *
 * One global stream (reset by {@link seed}) hands out 32-bit sub-seeds in call order, so the same
 * program with the same `seed(n)` draws bit-identical numbers. Each consumer then runs its own
 * small generator from its sub-seed, so adding draws in one consumer never shifts another's.
 */

/** Thrown when `seed` is given something that is not a finite number. */
export function invalidSeedMessage(value: unknown): string {
  return `Invalid seed: ${String(value)} (expected a finite number, e.g. seed(0))`;
}

/** Mixes a 32-bit state into a well-spread 32-bit output (splitmix32 finaliser). */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/**
 * A small, fast, seedable generator (splitmix32). Not cryptographic; good enough to shuffle
 * data and draw initial weights reproducibly.
 */
export class Random {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seedValue: number) {
    if (typeof seedValue !== "number" || !Number.isFinite(seedValue)) throw new Error(invalidSeedMessage(seedValue));
    // Fold doubles and negatives into 32 bits without losing the high part of large integers.
    this.state = (Math.trunc(seedValue) ^ Math.trunc(seedValue / 0x100000000)) >>> 0;
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    this.state = (this.state + GOLDEN) >>> 0;
    return mix32(this.state);
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.uint32() / 0x100000000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    // 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [index: number]: number }>(values: T): T;
  shuffle<T>(values: T[]): T[];
  shuffle(values: { length: number; [index: number]: unknown }): unknown {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  /**
   * The numbers 0..n-1 in a random order: {@link shuffle}'s swaps (the same draws), written out for
   * an Int32Array. Through the generic shuffle, the loop V8 compiled on the stack for each epoch's
   * order was thrown away at its end (its feedback was for another array type) and compiled again
   * at the next: 8 such compiles in 8 one-epoch fits, on a helper thread a training thread needs.
   */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}

const ROOT_KEY = Symbol.for("optimlab.randomRoot");
type RootHolder = { [ROOT_KEY]?: { seed: number | undefined; stream: Random } };

/** The global stream lives on globalThis so two loaded copies of optimlab share one seed. */
function root(): { seed: number | undefined; stream: Random } {
  const holder = globalThis as RootHolder;
  if (!holder[ROOT_KEY]) {
    // Like torch: without seed(n) runs differ; call seed(n) for reproducible numbers.
    holder[ROOT_KEY] = { seed: undefined, stream: new Random(Math.floor(Math.random() * 0x100000000)) };
  }
  return holder[ROOT_KEY];
}

/**
 * Seeds everything optimlab draws (weight init, data shuffling, dropout masks, noise).
 * The same seed gives bit-identical numbers on the same backend.
 *
 * @example seed(0); const model = models.mlp({ sizes: [2, 16, 1] });
 */
export function seed(n: number): void {
  const state = root();
  state.stream = new Random(n);
  state.seed = n;
}

/** The seed last passed to {@link seed}, or undefined when none was set. */
export function currentSeed(): number | undefined {
  return root().seed;
}

/** Next sub-seed from the global stream: a deterministic function of `seed(n)` and call order. */
export function nextSeed(): number {
  return root().stream.uint32();
}

/** A generator from an explicit seed, or from the next global sub-seed when none is given. */
export function rng(explicitSeed?: number): Random {
  return new Random(explicitSeed ?? nextSeed());
}

/** Derives a child seed from a parent seed and an index (e.g. one per epoch), without touching the global stream. */
export function deriveSeed(parent: number, index: number): number {
  return mix32((mix32(parent >>> 0) + Math.imul(index + 1, GOLDEN)) >>> 0);
}
