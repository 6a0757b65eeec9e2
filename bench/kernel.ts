/**
 * Kernel speed: start-up (spawn → first `kernel_info_reply`) and a trivial cell's round trip
 * (`execute_request` → `execute_reply`), for our kernel and, for comparison, tslab's own kernel
 * (`tslab kernel --config-path <connection file>`) and IPython's (`python3 -m ipykernel_launcher -f …`),
 * all driven by the same client. Run: `node dist/bench/kernel.js`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, TestKernel } from "../test/kernel/client";

export interface KernelBenchResult {
  /** Spawn → first kernel_info_reply, ms (median over `starts` launches). */
  startMs: number;
  /** Median round trip of `1 + 1`, ms. */
  roundTripMedianMs: number;
  /** CPU time our kernel process spends per trivial cell, ms (Linux; robust to a busy machine). */
  cpuPerCellMs?: number;
  tslabStartMs?: number;
  tslabRoundTripMs?: number;
  /** IPython's kernel measured the same way, as the reference (when /usr/bin/python3 has ipykernel). */
  ipykernelStartMs?: number;
  ipykernelRoundTripMs?: number;
}

export interface KernelBenchOptions {
  starts?: number;
  cells?: number;
  /** Also measure tslab's kernel (needs node_modules/.bin/tslab). */
  compareTslab?: boolean;
  /** Also measure IPython's kernel (needs /usr/bin/python3 with ipykernel). */
  compareIpykernel?: boolean;
}

const TRIVIAL_CELL = "1 + 1";
const PYTHON = "/usr/bin/python3";

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

type Argv = (connectionFile: string) => string[];

async function measureStart(argv: Argv | undefined): Promise<{ startMs: number; kernel: TestKernel }> {
  const started = performance.now();
  // A folder without optimlab: no backend preload running in the background while we time.
  const kernel = await TestKernel.launch({ argv });
  await kernel.firstKernelInfoReply();
  return { startMs: performance.now() - started, kernel };
}

/** user + system CPU time of a process in ms, from /proc (undefined elsewhere). */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticksPerSecond = 100; // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

async function measureRoundTrips(
  kernel: TestKernel,
  cells: number,
): Promise<{ medianMs: number; cpuPerCellMs?: number }> {
  // The first cell waits for the engine (and compiles the most); it is warm-up, not measured.
  await kernel.waitForReply(
    kernel.send("shell", "execute_request", { code: TRIVIAL_CELL, silent: false, store_history: true }),
    60_000,
  );
  const times: number[] = [];
  const cpuBefore = processCpuMs(kernel.child.pid);
  for (let i = 0; i < cells; i++) {
    const started = performance.now();
    await kernel.waitForReply(
      kernel.send("shell", "execute_request", { code: TRIVIAL_CELL, silent: false, store_history: true }),
      60_000,
    );
    times.push(performance.now() - started);
  }
  const cpuAfter = processCpuMs(kernel.child.pid);
  const cpuPerCellMs = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / cells : undefined;
  return { medianMs: median(times), cpuPerCellMs };
}

async function measure(
  argv: Argv | undefined,
  starts: number,
  cells: number,
): Promise<{ startMs: number; roundTripMs: number; cpuPerCellMs?: number }> {
  const startTimes: number[] = [];
  let roundTrips: { medianMs: number; cpuPerCellMs?: number } = { medianMs: Number.NaN };
  for (let i = 0; i < starts; i++) {
    const { startMs, kernel } = await measureStart(argv);
    startTimes.push(startMs);
    try {
      if (i === starts - 1) roundTrips = await measureRoundTrips(kernel, cells);
    } finally {
      await kernel.close();
    }
  }
  return { startMs: median(startTimes), roundTripMs: roundTrips.medianMs, cpuPerCellMs: roundTrips.cpuPerCellMs };
}

function hasIpykernel(): boolean {
  return fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import ipykernel"]).status === 0;
}

const tslabBinary = (): string => path.join(REPO_ROOT, "node_modules", ".bin", "tslab");

/** Measures our kernel (and tslab's, when installed); all times in milliseconds. */
export async function benchKernel(options: KernelBenchOptions = {}): Promise<KernelBenchResult> {
  const starts = options.starts ?? 3;
  const cells = options.cells ?? 30;
  const ours = await measure(undefined, starts, cells);
  const result: KernelBenchResult = {
    startMs: ours.startMs,
    roundTripMedianMs: ours.roundTripMs,
    cpuPerCellMs: ours.cpuPerCellMs,
  };
  if (options.compareTslab !== false && fs.existsSync(tslabBinary())) {
    const tslab = await measure((file) => [tslabBinary(), "kernel", "--config-path", file], starts, cells);
    result.tslabStartMs = tslab.startMs;
    result.tslabRoundTripMs = tslab.roundTripMs;
  }
  if (options.compareIpykernel !== false && hasIpykernel()) {
    const ipython = await measure((file) => [PYTHON, "-m", "ipykernel_launcher", "-f", file], starts, cells);
    result.ipykernelStartMs = ipython.startMs;
    result.ipykernelRoundTripMs = ipython.roundTripMs;
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
