/**
 * Interleaved timing: on a shared machine the load changes from second to second, so variants
 * are run in turns (A, B, A, B, …) and each keeps its best round. Ratios of such bests, taken in
 * one process, are what the benchmark reports.
 */

export interface Variant {
  name: string;
  /** Runs one round and returns its throughput (higher is better) or its time (see `lowerIsBetter`). */
  round(): Promise<number>;
}

export interface VariantResult {
  name: string;
  best: number;
  rounds: number[];
  /** Set when the variant threw: the first line of the message. */
  error?: string;
}

/** One warm-up round each, then `rounds` interleaved rounds; a variant that throws is reported, not retried. */
export async function interleave(variants: Variant[], rounds: number, lowerIsBetter = false): Promise<VariantResult[]> {
  const results: VariantResult[] = variants.map((v) => ({ name: v.name, best: NaN, rounds: [] }));
  for (let r = -1; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const result = results[i];
      if (result.error !== undefined) continue;
      try {
        const value = await variants[i].round();
        if (r < 0) continue; // warm-up
        result.rounds.push(value);
        if (Number.isNaN(result.best) || (lowerIsBetter ? value < result.best : value > result.best))
          result.best = value;
      } catch (error) {
        result.error = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      }
    }
  }
  return results;
}

/**
 * Milliseconds per call of `fn`: one untimed call, then as many calls as fit in about
 * `budgetMs` (at least 2, at most `maxReps`), so slow kernels do not stretch the run.
 */
export function msPerCall(fn: () => void, maxReps: number, budgetMs = 100): number {
  const first = performance.now();
  fn();
  const once = Math.max(performance.now() - first, 1e-3);
  const reps = Math.max(2, Math.min(maxReps, Math.round(budgetMs / once)));
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
