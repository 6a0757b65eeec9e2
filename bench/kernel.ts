/**
 * Kernel speed against IPython's kernel, measured in the same run (interleaved), through our kernel
 * harness (protocol/kernelHarness.ts) and through Debian's jupyter_client (bench/kernel_jupyter_client.py):
 * - start: spawn → first `kernel_info_reply` (goal ≤ 0.8× ipykernel's)
 * - first cell: the first execute after the first kernel_info_reply, engine warm-up included (≤ 1.5 s)
 * - trivial cell `1 + i` and declaring cell `let qi = i; qi` round trips (each ≤ 1.2× ipykernel's)
 * Run: `node dist/bench/kernel.js` (or as part of `npm run bench`). The machine load is printed.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, KernelHarness } from "../protocol/kernelHarness";
import { temporaryJupyter } from "../kernel/temporaryJupyter";

const PYTHON = "/usr/bin/python3";

export interface KernelBenchRow {
  measurement: string;
  optimlab: number;
  ipykernel: number | string;
  ratio: string;
  goal: string;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

type Argv = ((connectionFile: string) => string[]) | undefined;

interface Kernel {
  name: "optimlab" | "ipykernel";
  argv: Argv;
  setup: string;
  trivial: string;
  declaring: string;
}

const KERNELS: Kernel[] = [
  { name: "optimlab", argv: undefined, setup: "let i = 0", trivial: "1 + i", declaring: "let qi = i; qi" },
  {
    name: "ipykernel",
    argv: (file) => [PYTHON, "-m", "ipykernel_launcher", "-f", file],
    setup: "i = 0",
    trivial: "1 + i",
    declaring: "qi = i; qi",
  },
];

async function roundTrip(kernel: KernelHarness, code: string): Promise<number> {
  const started = performance.now();
  const reply = await kernel.waitForReply(
    kernel.send("shell", "execute_request", { code, silent: false, store_history: true }),
    120_000,
  );
  if (reply.content.status !== "ok") throw new Error(`bench cell failed: ${JSON.stringify(reply.content)}`);
  return performance.now() - started;
}

function hasIpykernel(): boolean {
  return fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import ipykernel, jupyter_client"]).status === 0;
}

/** Our client: starts, first cell, then interleaved round trips; medians in ms. */
async function ownClient(
  kernels: Kernel[],
  starts: number,
  cells: number,
): Promise<Map<string, { [m: string]: number }>> {
  const out = new Map<string, { start: number[]; first: number[]; trivial: number[]; declaring: number[] }>();
  for (const k of kernels) out.set(k.name, { start: [], first: [], trivial: [], declaring: [] });
  const live = new Map<string, KernelHarness>();
  for (let s = 0; s < starts; s++) {
    for (const k of kernels) {
      const started = performance.now();
      const kernel = await KernelHarness.launch({ argv: k.argv });
      await kernel.firstKernelInfoReply();
      out.get(k.name)!.start.push(performance.now() - started);
      out.get(k.name)!.first.push(await roundTrip(kernel, k.setup));
      if (s === starts - 1) live.set(k.name, kernel);
      else await kernel.close();
    }
  }
  for (let c = 0; c < cells; c++) {
    for (const k of kernels) {
      const kernel = live.get(k.name)!;
      out.get(k.name)!.trivial.push(await roundTrip(kernel, k.trivial));
      out.get(k.name)!.declaring.push(await roundTrip(kernel, k.declaring));
    }
  }
  for (const kernel of live.values()) await kernel.close();
  const medians = new Map<string, { [m: string]: number }>();
  for (const [name, m] of out) {
    medians.set(name, {
      start: median(m.start),
      first: median(m.first),
      trivial: median(m.trivial),
      declaring: median(m.declaring),
    });
  }
  return medians;
}

/** Debian's jupyter_client driving both kernels (bench/kernel_jupyter_client.py). */
function jupyterClient(cells: number): Promise<{ [kernel: string]: { [m: string]: number } } | string> {
  const { root, env } = temporaryJupyter();
  return new Promise((resolve) => {
    const script = path.join(REPO_ROOT, "bench", "kernel_jupyter_client.py");
    const child = spawn(PYTHON, [script, String(cells)], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("exit", (code) => {
      fs.rmSync(root, { recursive: true, force: true });
      if (code !== 0) resolve(`jupyter_client run failed: ${stderr.trim().split("\n").at(-1)}`);
      else resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
    });
  });
}

const ratio = (ours: number, theirs: number | undefined): string => (theirs ? `${(ours / theirs).toFixed(2)}×` : "–");

/** Rows for bench/run.ts (and `node dist/bench/kernel.js`). */
export async function benchKernel(options: { starts?: number; cells?: number } = {}): Promise<KernelBenchRow[]> {
  const starts = options.starts ?? 3;
  const cells = options.cells ?? 30;
  const load = `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
  const kernels = hasIpykernel() ? KERNELS : KERNELS.slice(0, 1);
  const own = await ownClient(kernels, starts, cells);
  const ours = own.get("optimlab")!;
  const ipy = own.get("ipykernel");
  const rows: KernelBenchRow[] = [
    {
      measurement: `start → kernel_info_reply, ms (${load})`,
      optimlab: ours.start,
      ipykernel: ipy?.start ?? "–",
      ratio: ratio(ours.start, ipy?.start),
      goal: "≤ 0.8×",
    },
    {
      measurement: "first cell after start, ms (warm-up included)",
      optimlab: ours.first,
      ipykernel: ipy?.first ?? "–",
      ratio: ratio(ours.first, ipy?.first),
      goal: "≤ 1500 ms",
    },
    {
      measurement: "`1 + i` round trip, ms (our client)",
      optimlab: ours.trivial,
      ipykernel: ipy?.trivial ?? "–",
      ratio: ratio(ours.trivial, ipy?.trivial),
      goal: "≤ 1.2×",
    },
    {
      measurement: "`let qi = i; qi` round trip, ms (our client)",
      optimlab: ours.declaring,
      ipykernel: ipy?.declaring ?? "–",
      ratio: ratio(ours.declaring, ipy?.declaring),
      goal: "≤ 1.2×",
    },
  ];
  if (kernels.length > 1) {
    const viaPython = await jupyterClient(cells);
    if (typeof viaPython === "string") {
      rows.push({ measurement: viaPython, optimlab: Number.NaN, ipykernel: "–", ratio: "–", goal: "" });
    } else {
      const o = viaPython.optimlab;
      const p = viaPython.python3;
      rows.push(
        {
          measurement: "start → ready, ms (jupyter_client)",
          optimlab: o.start_ms,
          ipykernel: p.start_ms,
          ratio: ratio(o.start_ms, p.start_ms),
          goal: "≤ 0.8×",
        },
        {
          measurement: "`1 + i` round trip, ms (jupyter_client)",
          optimlab: o.trivial_ms,
          ipykernel: p.trivial_ms,
          ratio: ratio(o.trivial_ms, p.trivial_ms),
          goal: "≤ 1.2×",
        },
        {
          measurement: "`let qi = i; qi` round trip, ms (jupyter_client)",
          optimlab: o.declaring_ms,
          ipykernel: p.declaring_ms,
          ratio: ratio(o.declaring_ms, p.declaring_ms),
          goal: "≤ 1.2×",
        },
      );
    }
  }
  rows.push({
    measurement: `machine load at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
    optimlab: Number.NaN,
    ipykernel: "",
    ratio: "",
    goal: "",
  });
  return rows;
}

if (require.main === module) {
  benchKernel().then(
    (rows) => {
      for (const row of rows) {
        const ours = Number.isNaN(row.optimlab) ? "" : row.optimlab.toFixed(1);
        const theirs = typeof row.ipykernel === "number" ? row.ipykernel.toFixed(1) : row.ipykernel;
        console.log(
          `${row.measurement.padEnd(56)} ${ours.padStart(9)} ${theirs.padStart(9)} ${row.ratio.padStart(7)}  ${row.goal}`,
        );
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
