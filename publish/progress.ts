/**
 * Progress of a site build on a stream (stderr): one line when a notebook starts, one when each
 * cell starts and ends, and the closing summary. Plain lines, so CI logs read well.
 */
import type { CellResult } from "../runner";
import type { PageInfo } from "./page";

export interface ProgressStream {
  write(text: string): unknown;
}

/** Progress lines for `total` notebooks. */
export class Progress {
  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
  ) {}

  private line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  notebook(position: number, file: string, detail: string): void {
    this.line(`[${position}/${this.total}] ${file}: ${detail}`);
  }

  cellStarted(number: number, codeCells: number): void {
    this.line(`  cell ${number}/${codeCells} running…`);
  }

  cellFinished(result: CellResult, codeCells: number): void {
    const verdict = result.status === "passed" ? "ok" : `FAILED: ${result.failure?.summary ?? result.status}`;
    this.line(`  cell ${result.number}/${codeCells} ${verdict} (${result.seconds.toFixed(2)} s)`);
  }

  /** A warning about the build (printed before the summary). */
  warning(text: string): void {
    this.line(text);
  }

  /** The closing summary: pages written and, per failed notebook, what failed. */
  summary(outDir: string, pages: readonly PageInfo[]): void {
    const failed = pages.filter((p) => !p.ok);
    this.line(`site: wrote ${outDir}/index.html and ${pages.length} notebook page${pages.length === 1 ? "" : "s"}.`);
    if (failed.length === 0) return;
    this.line(`site: ${failed.length} of ${pages.length} notebook${pages.length === 1 ? "" : "s"} failed:`);
    for (const page of failed) {
      this.line(`  ${page.source} (${page.href})`);
      for (const problem of page.problems) this.line(`    ${problem.split("\n")[0]}`);
    }
  }
}
