/**
 * The inputs of this kernel session, and each one's result as text, for `history_request` (tail /
 * range / search; with `output: true` each entry is [session, line, [input, output]], output null
 * where the cell had no result), like IPython's history manager but in memory only (a restarted
 * kernel starts empty).
 */
import type { Json } from "../protocol/json";

/** [session, line number, input] — session is always 1 (the current one). */
export type HistoryEntry = [number, number, string];

export const SESSION_NUMBER = 1;

export interface HistoryQuery {
  hist_access_type?: string;
  n?: number;
  start?: number;
  stop?: number;
  pattern?: string;
  unique?: boolean;
}

/**
 * Whole-string glob match (`*` any run, `?` one character), as IPython's history search means it.
 * Greedy with one backtrack point (the last `*`): O(text × pattern) at worst, never exponential — a
 * regular expression built from `*a*a*a*a*a*b` backtracks for seconds on a long cell.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || (pattern[p] !== "*" && pattern[p] === text[t]))) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

export class CellHistory {
  private readonly entries: HistoryEntry[] = [];
  /** The text/plain of each line's result, by line number. */
  private readonly outputs = new Map<number, string>();

  add(executionCount: number, code: string): void {
    this.entries.push([SESSION_NUMBER, executionCount, code]);
  }

  /** Records line `executionCount`'s result (its text/plain). */
  setOutput(executionCount: number, text: string): void {
    this.outputs.set(executionCount, text);
  }

  query(request: HistoryQuery): HistoryEntry[] {
    switch (request.hist_access_type) {
      case "tail":
        return request.n === undefined ? [...this.entries] : this.entries.slice(-Math.max(0, request.n));
      case "range": {
        const start = request.start ?? 0;
        const stop = request.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter(([, line]) => line >= start && line < stop);
      }
      case "search": {
        const pattern = request.pattern ?? "*";
        let found = this.entries.filter(([, , input]) => globMatch(pattern, input));
        if (request.unique) {
          const seen = new Set<string>();
          found = found
            .reverse()
            .filter(([, , input]) => !seen.has(input) && (seen.add(input), true))
            .reverse();
        }
        return request.n === undefined ? found : found.slice(-Math.max(0, request.n));
      }
      default:
        return [];
    }
  }

  toJson(entries: HistoryEntry[], withOutput = false): Json[] {
    return entries.map(([session, line, input]) =>
      withOutput ? [session, line, [input, this.outputs.get(line) ?? null]] : [session, line, input],
    );
  }
}
