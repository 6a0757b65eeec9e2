/**
 * Cold start: in a fresh Node process, the first epoch of `train.fit` (what a notebook cell runs)
 * against a warm epoch of the same model in the same process. The MLP 784-128-10 on the library's
 * path (`models.mlp` + `losses.crossEntropy` + `train.fit` + `optim.Adam`), 12,800 MNIST images,
 * batch 64. Goal (issue #19): first epoch ≤ 1.3× a warm one.
 *
 * With OPTIMLAB_BENCH_WARM_UP=1 the child runs src/warmUp.ts's `warmUp()` after `ready()` (what the
 * Jupyter kernel does while it starts); its cost is reported in its own columns, not hidden.
 *
 * `coldStartRuns(n)` runs the child n times (`node dist/bench/coldStart.js --child`) and returns
 * each run's times; `node dist/bench/coldStart.js` alone prints them.
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/backend";
import { crossEntropy } from "../src/losses";
import { mlp } from "../src/models";
import { Adam } from "../src/optim";
import { fit } from "../src/train";
import { warmUp } from "../src/warmUp";
import { lastJsonLine } from "./childOutput";
import { loadMnist } from "./mnist";
import { renderTable } from "./table";
import { median } from "./timing";

export const COLD_START_SAMPLES = 12_800;

export interface ColdStartRun {
  /** import + `backend.ready()`, ms (wasm compiled, threads started). */
  readyMs: number;
  /** The first epoch, ms. */
  firstMs: number;
  /** The faster of the next two epochs, ms. */
  warmMs: number;
  /** The same in CPU time of the whole process (all threads), ms: steadier than wall time on a loaded machine. */
  firstCpuMs: number;
  warmCpuMs: number;
  /** `warmUp()` after ready(), ms and CPU ms (0 when the run had no warm-up). */
  warmUpMs: number;
  warmUpCpuMs: number;
  /** Threads the warm epochs trained on (fit's, with OPTIMLAB_THREADS) and the wasm build's. */
  threads: number;
  wasmThreads: number;
}

interface EpochTime {
  ms: number;
  cpuMs: number;
  threads: number;
}

async function epoch(model: tf.LayersModel, optimizer: Adam, x: tf.Tensor, y: tf.Tensor): Promise<EpochTime> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const history = await fit(model, {
    optimizer,
    loss: crossEntropy, // as the notebooks pass it (a closure would take the tape: docs/training.md)
    train: { x, y },
    epochs: 1,
    batchSize: 64,
    progress: false,
  });
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, threads: history.info.threads ?? 1 };
}

async function child(): Promise<void> {
  const t0 = performance.now();
  const info = await ready();
  const readyMs = performance.now() - t0;
  const warm0 = process.env.OPTIMLAB_BENCH_WARM_UP === "1" ? await warmUp() : { ms: 0, cpuMs: 0 };
  const sample = loadMnist(COLD_START_SAMPLES);
  const x = tf.tensor2d(sample.images, [sample.count, 784]);
  const y = tf.tensor1d(Int32Array.from(sample.labels), "int32");
  const model = mlp({ sizes: [784, 128, 10], seed: 1 });
  const optimizer = new Adam({ lr: 1e-3 });
  const first = await epoch(model, optimizer, x, y);
  const warm = [await epoch(model, optimizer, x, y), await epoch(model, optimizer, x, y)];
  const run: ColdStartRun = {
    readyMs,
    firstMs: first.ms,
    warmMs: Math.min(...warm.map((e) => e.ms)),
    firstCpuMs: first.cpuMs,
    warmCpuMs: Math.min(...warm.map((e) => e.cpuMs)),
    warmUpMs: warm0.ms,
    warmUpCpuMs: warm0.cpuMs,
    threads: warm[0].threads,
    wasmThreads: info.wasmThreads ?? 1,
  };
  console.log(JSON.stringify(run));
}

/** `runs` fresh processes, one after the other; `env` is added to this process's environment. */
export function coldStartRuns(runs: number, env: NodeJS.ProcessEnv = {}): ColdStartRun[] {
  const results: ColdStartRun[] = [];
  for (let i = 0; i < runs; i++) {
    const out = spawnSync(process.execPath, [...process.execArgv, __filename, "--child"], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (out.status !== 0) throw new Error(`cold-start child failed (${out.status}): ${out.stderr.slice(-500)}`);
    results.push(lastJsonLine<ColdStartRun>(out.stdout));
  }
  return results;
}

function loadLine(): string {
  return `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
}

/** The configurations the bench compares, each in its own fresh processes. */
const CONFIGS: Array<[string, NodeJS.ProcessEnv]> = [
  ["1 thread", { OPTIMLAB_THREADS: "1" }],
  ["1 thread + warmUp()", { OPTIMLAB_THREADS: "1", OPTIMLAB_BENCH_WARM_UP: "1" }],
  ["1 thread, 2-thread wasm build", { OPTIMLAB_THREADS: "1", OPTIMLAB_WASM_THREADS: "2" }],
  // fit's default: the cores, the MLP split by hidden units (what a notebook runs now).
  ["default threads", { OPTIMLAB_THREADS: "" }],
  ["default threads + warmUp()", { OPTIMLAB_THREADS: "", OPTIMLAB_BENCH_WARM_UP: "1" }],
];

/**
 * The bench section: fresh processes on 1 thread (without and with `warmUp()`), 1 thread on the
 * 2-thread wasm build (XNNPACK's and our products split over its threads) and fit's default
 * threads (the MLP split by hidden units over the cores; without and with `warmUp()`),
 * alternating, `runs` each; medians of the first-epoch/warm-epoch ratios (wall and CPU time) and
 * of the warm epochs' samples/s, against 1 thread.
 */
export function benchThreadsAndColdStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 3)): string {
  const loadAtStart = loadLine();
  const results = new Map<string, ColdStartRun[]>(CONFIGS.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) for (const [name, env] of CONFIGS) results.get(name)?.push(...coldStartRuns(1, env));
  const speed = (run: ColdStartRun) => COLD_START_SAMPLES / (run.warmMs / 1000);
  const oneThread = median((results.get(CONFIGS[0][0]) ?? []).map(speed));
  const rows = [...results].map(([name, list]) => [
    `${name} (got ${list.map((r) => (r.wasmThreads > 1 ? `${r.threads}+${r.wasmThreads}w` : r.threads)).join("/")})`,
    Math.round(median(list.map((r) => r.readyMs))),
    list[0]?.warmUpMs
      ? `${Math.round(median(list.map((r) => r.warmUpMs)))} (${Math.round(median(list.map((r) => r.warmUpCpuMs)))} CPU)`
      : "–",
    `${Math.round(median(list.map((r) => r.firstMs)))} (${Math.round(median(list.map((r) => r.firstCpuMs)))} CPU)`,
    `${Math.round(median(list.map((r) => r.warmMs)))} (${Math.round(median(list.map((r) => r.warmCpuMs)))} CPU)`,
    `${median(list.map((r) => r.firstMs / r.warmMs)).toFixed(2)}×`,
    `${median(list.map((r) => r.firstCpuMs / r.warmCpuMs)).toFixed(2)}×`,
    `${median(list.map((r) => (r.firstCpuMs + r.warmUpCpuMs) / r.warmCpuMs)).toFixed(2)}×`,
    Math.round(median(list.map(speed))),
    `${(median(list.map(speed)) / oneThread).toFixed(2)}×`,
  ]);
  return [
    `machine load: ${loadAtStart} at the start, ${loadLine()} at the end`,
    renderTable(
      [
        `fresh process, MLP ${COLD_START_SAMPLES} images (medians of ${runs})`,
        "ready() ms",
        "warmUp() ms",
        "first epoch ms",
        "warm epoch ms",
        "first / warm (goal ≤ 1.3×)",
        "same in CPU time",
        "CPU: (warm-up + first) / warm",
        "warm samples/s",
        "vs 1 thread (goal ≥ 1.7×)",
      ],
      rows,
    ),
    "Separate processes, run alternately: load changes between them count. The warm-up moves CPU work " +
      "out of the first epoch (last CPU column: what it costs in all); it pays where it runs in idle time, " +
      "as in the Jupyter kernel while it starts.",
  ].join("\n");
}

if (require.main === module) {
  if (process.argv.includes("--child")) void child();
  else console.log(benchThreadsAndColdStart());
}
