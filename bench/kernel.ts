/**
 * Kernel speed: start-up (spawn → first `kernel_info_reply`) and a trivial cell's round trip
 * (`execute_request` → `execute_reply`), for our kernel and, for comparison, tslab's own kernel
 * (`tslab kernel --config-path <connection file>`). Run: `node dist/bench/kernel.js`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, TestKernel } from "../test/kernel/client";

export interface KernelBenchResult {
  /** Spawn → first kernel_info_reply, ms (median over `starts` launches). */
  startMs: number;
  /** Median round trip of `1 + 1`, ms. */
  roundTripMedianMs: number;
  tslabStartMs?: number;
  tslabRoundTripMs?: number;
}

export interface KernelBenchOptions {
  starts?: number;
  cells?: number;
  /** Also measure tslab's kernel (needs node_modules/.bin/tslab). */
  compareTslab?: boolean;
}

const TRIVIAL_CELL = "1 + 1";

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

type Argv = (connectionFile: string) => string[];

async function measureStart(argv: Argv | undefined): Promise<{ startMs: number; kernel: TestKernel }> {
  const started = performance.now();
  const kernel = await TestKernel.launch({ argv, cwd: REPO_ROOT });
  await kernel.firstKernelInfoReply();
  return { startMs: performance.now() - started, kernel };
}

async function measureRoundTrips(kernel: TestKernel, cells: number): Promise<number> {
  // The first cell waits for the engine (and compiles the most); it is warm-up, not measured.
  await kernel.waitForReply(kernel.send("shell", "execute_request", { code: TRIVIAL_CELL, silent: false, store_history: true }), 60_000);
  const times: number[] = [];
  for (let i = 0; i < cells; i++) {
    const started = performance.now();
    await kernel.waitForReply(kernel.send("shell", "execute_request", { code: TRIVIAL_CELL, silent: false, store_history: true }), 60_000);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function measure(argv: Argv | undefined, starts: number, cells: number): Promise<{ startMs: number; roundTripMs: number }> {
  const startTimes: number[] = [];
  let roundTripMs = Number.NaN;
  for (let i = 0; i < starts; i++) {
    const { startMs, kernel } = await measureStart(argv);
    startTimes.push(startMs);
    try {
      if (i === starts - 1) roundTripMs = await measureRoundTrips(kernel, cells);
    } finally {
      await kernel.close();
    }
  }
  return { startMs: median(startTimes), roundTripMs };
}

const tslabBinary = (): string => path.join(REPO_ROOT, "node_modules", ".bin", "tslab");

/** Measures our kernel (and tslab's, when installed); all times in milliseconds. */
export async function benchKernel(options: KernelBenchOptions = {}): Promise<KernelBenchResult> {
  const starts = options.starts ?? 3;
  const cells = options.cells ?? 30;
  const ours = await measure(undefined, starts, cells);
  const result: KernelBenchResult = { startMs: ours.startMs, roundTripMedianMs: ours.roundTripMs };
  if (options.compareTslab !== false && fs.existsSync(tslabBinary())) {
    const tslab = await measure((file) => [tslabBinary(), "kernel", "--config-path", file], starts, cells);
    result.tslabStartMs = tslab.startMs;
    result.tslabRoundTripMs = tslab.roundTripMs;
  }
  return result;
}

if (require.main === module) {
  benchKernel().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
