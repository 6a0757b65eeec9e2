/**
 * The inputs of this kernel session, for `history_request` (tail / range / search), like IPython's
 * history manager but in memory only (a restarted kernel starts empty).
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

/** Glob (`*`, `?`) to a whole-string regular expression, as IPython's history search uses. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${escaped}$`);
}

export class CellHistory {
  private readonly entries: HistoryEntry[] = [];

  add(executionCount: number, code: string): void {
    this.entries.push([SESSION_NUMBER, executionCount, code]);
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
        const matcher = globToRegExp(request.pattern ?? "*");
        let found = this.entries.filter(([, , input]) => matcher.test(input));
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

  toJson(entries: HistoryEntry[]): Json[] {
    return entries.map((entry) => [...entry]);
  }
}
