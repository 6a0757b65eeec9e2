/**
 * `npm run bench`: training throughput on the WebAssembly backend, optimlab's kernels vs stock
 * TensorFlow.js, measured interleaved in this one process, plus PyTorch CPU (1 and 2 threads, and
 * which BLAS it ran on) when python3-torch is installed, ours on 1 and 2 threads, per-kernel timings, and the Jupyter kernel's start/round-trip
 * times when bench/kernel.ts provides `benchKernel()`.
 *
 * Sizes are kept small (a 10,000-sample slice of MNIST for the MLP, 2,048 for LeNet) so the
 * whole run stays within a few minutes on two shared cores.
 */
import "./oneThread"; // first: before the backend reads OPTIMLAB_THREADS
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { use } from "../src/backend";
import { installWasmKernels } from "../src/backend/wasmKernels";
import { timeKernels } from "./kernelTimes";
import { benchLibraryPath } from "./libraryPath";
import { loadMnist } from "./mnist";
import { lenet, mlp } from "./models";
import { Adam } from "../src/optim";
import { optimlabFitRound } from "./optimlabFit";
import { ratio, renderTable, type Cell } from "./table";
import { interleave, type VariantResult } from "./timing";
import { blasDescription, referenceBlasMessage, torchReference, usesReferenceBlas } from "./torch";
import { BATCH_SIZE, disposeData, modelFitRound, trainingData } from "./workloads";

const MLP_SAMPLES = Number(process.env.BENCH_MLP_SAMPLES ?? 10_000);
const CNN_SAMPLES = Number(process.env.BENCH_CNN_SAMPLES ?? 2_048);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** The wasm backend through optimlab's own backend choice (it sets the .wasm paths and installs the kernels). */
async function useWasm(): Promise<number> {
  const info = await use("wasm");
  if (info.name !== "wasm") throw new Error(`bench: the wasm backend failed to initialise (${info.reason})`);
  installWasmKernels();
  return info.threads ?? 1;
}

/** 1-minute load average over the core count, e.g. "load 7.9 on 2 cores". */
function loadLine(): string {
  return `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
}

function cpuModel(): string {
  return os.cpus()[0]?.model.trim() ?? "unknown CPU";
}

function best(result: VariantResult): number | undefined {
  return result.error === undefined ? result.best : undefined;
}

function shown(result: VariantResult): Cell {
  return result.error === undefined ? result.best : `fails: ${result.error.slice(0, 80)}`;
}

/** "12.3% slower" / "4.0% faster": optimlab's time per sample relative to model.fit's. */
function fitOverhead(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined) return "–";
  const extra = (theirs / ours - 1) * 100;
  return extra >= 0 ? `${extra.toFixed(1)}% slower` : `${(-extra).toFixed(1)}% faster`;
}

interface BenchKernelModule {
  benchKernel?: () => Promise<unknown>;
}

/** Rows from the Jupyter-kernel teammate's bench/kernel.ts, when it is there. */
async function kernelRows(): Promise<string | undefined> {
  const file = path.join(__dirname, "kernel.js");
  if (!fs.existsSync(file)) return undefined;
  const mod = require(file) as BenchKernelModule;
  if (typeof mod.benchKernel !== "function") return undefined;
  const rows = await mod.benchKernel();
  if (typeof rows === "string") return rows;
  if (rows !== null && typeof rows === "object" && !Array.isArray(rows)) {
    // A flat record of measurements: one row per entry.
    const entries = Object.entries(rows as Record<string, unknown>);
    return renderTable(
      ["measurement", "value"],
      entries.map(([name, value]) => [name, typeof value === "number" ? value : String(value)]),
    );
  }
  if (!Array.isArray(rows) || rows.length === 0) return JSON.stringify(rows);
  const records = rows as Array<Record<string, unknown>>;
  const header = Object.keys(records[0]);
  return renderTable(
    header,
    records.map((r) => header.map((h) => (typeof r[h] === "number" ? r[h] : String(r[h] ?? "")))),
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const threads = String(await useWasm());
  const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT") ? "SIMD" : "no SIMD";
  console.log(
    `optimlab bench — ${cpuModel()}, ${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs}`,
  );
  console.log(
    `backend wasm (${simd}, ${threads} thread); batch ${BATCH_SIZE}; best of ${ROUNDS} interleaved rounds after a warm-up`,
  );
  console.log(
    `machine load at start: ${loadLine()} (absolute samples/s fall with load; the ours/tfjs ratios are interleaved)\n`,
  );

  const sample = loadMnist(Math.max(MLP_SAMPLES, CNN_SAMPLES));

  // Headline: optimlab's stack (train.fit + optim.Adam on our kernels) against stock tfjs
  // (model.fit + tf.train.adam on tfjs's kernels). The other two variants split the difference
  // into kernels (model.fit + tf.train.adam on our kernels) and optimizer (model.fit + optim.Adam).
  const flat = trainingData(sample, MLP_SAMPLES, "flat");
  const [mlpOurs, mlpRaw, mlpKernels, mlpOptim, mlpEpochNorms] = await interleave(
    [
      { name: "train.fit + optim.Adam, our kernels", round: await optimlabFitRound(mlp, flat) },
      { name: "model.fit + tf.train.adam, tfjs kernels", round: modelFitRound(mlp, flat, false) },
      { name: "model.fit + tf.train.adam, our kernels", round: modelFitRound(mlp, flat, true) },
      { name: "model.fit + optim.Adam, our kernels", round: modelFitRound(mlp, flat, true, new Adam({ lr: 1e-3 })) },
      {
        name: "train.fit (norms per epoch) + optim.Adam, our kernels",
        round: await optimlabFitRound(mlp, flat, "epoch"),
      },
    ],
    ROUNDS,
  );
  disposeData(flat);

  const grid = trainingData(sample, CNN_SAMPLES, "grid");
  const [cnnOurs, cnnRaw, cnnKernels] = await interleave(
    [
      { name: "train.fit + optim.Adam, our kernels", round: await optimlabFitRound(lenet, grid) },
      { name: "model.fit + tf.train.adam, tfjs kernels", round: modelFitRound(lenet, grid, false) },
      { name: "model.fit + tf.train.adam, our kernels", round: modelFitRound(lenet, grid, true) },
    ],
    ROUNDS,
  );
  disposeData(grid);

  const torch = torchReference("mlp", MLP_SAMPLES, BATCH_SIZE);
  const torchLenet = torch.skipped === undefined ? torchReference("lenet", CNN_SAMPLES, BATCH_SIZE) : torch;
  const header = [
    "workload (samples/s)",
    "ours",
    "raw tfjs",
    "PyTorch CPU",
    "ours / tfjs",
    "ours / PyTorch",
    "backend",
    "threads",
  ];
  const rows: Cell[][] = [
    [
      "MLP 784-128-10, Adam: optimlab (train.fit + optim.Adam) vs tfjs (model.fit + tf.train.adam)",
      shown(mlpOurs),
      shown(mlpRaw),
      torch.samplesPerSec,
      ratio(best(mlpOurs), best(mlpRaw)),
      ratio(best(mlpOurs), torch.samplesPerSec),
      "wasm",
      threads,
    ],
    [
      "LeNet-5 CNN, Adam: optimlab vs tfjs (same as above)",
      shown(cnnOurs),
      shown(cnnRaw),
      torchLenet.samplesPerSec,
      ratio(best(cnnOurs), best(cnnRaw)),
      ratio(best(cnnOurs), torchLenet.samplesPerSec),
      "wasm",
      threads,
    ],
  ];
  const parts: Cell[][] = [
    [
      "MLP: our kernels alone (model.fit + tf.train.adam, our kernels vs tfjs's)",
      shown(mlpKernels),
      shown(mlpRaw),
      ratio(best(mlpKernels), best(mlpRaw)),
    ],
    [
      "LeNet: our kernels alone (model.fit + tf.train.adam, our kernels vs tfjs's)",
      shown(cnnKernels),
      shown(cnnRaw),
      ratio(best(cnnKernels), best(cnnRaw)),
    ],
    [
      "MLP: optim.Adam vs tf.train.adam (both in model.fit, our kernels)",
      shown(mlpOptim),
      shown(mlpKernels),
      ratio(best(mlpOptim), best(mlpKernels)),
    ],
    [
      "MLP: train.fit + optim.Adam vs model.fit + tf.train.adam (our kernels); goal: ≤ 5% slower",
      shown(mlpOurs),
      shown(mlpKernels),
      fitOverhead(best(mlpOurs), best(mlpKernels)),
    ],
    [
      "MLP: train.fit vs model.fit, both with optim.Adam (our kernels): the loop alone",
      shown(mlpOurs),
      shown(mlpOptim),
      fitOverhead(best(mlpOurs), best(mlpOptim)),
    ],
    [
      'MLP: the same with train.fit\'s per-step gradient/weight norms off (norms: "epoch")',
      shown(mlpEpochNorms),
      shown(mlpOptim),
      fitOverhead(best(mlpEpochNorms), best(mlpOptim)),
    ],
  ];
  if (usesReferenceBlas(torch) && torch.blas) console.log(referenceBlasMessage(torch.blas));
  console.log(renderTable(header, rows));
  console.log("\nWhere the difference comes from (samples/s, same interleaved rounds):");
  console.log(renderTable(["comparison", "A", "B", "A vs B"], parts));
  console.log(
    torch.skipped === undefined
      ? `PyTorch ${torch.version} CPU, ${torch.threads} thread (BLAS/OpenMP pinned), ${blasDescription(torch.blas)}, same networks and data (bench/torch_reference.py).`
      : `PyTorch column skipped: ${torch.skipped}.`,
  );

  // The library path the notebooks run (models.* + losses.crossEntropy + train.fit), PyTorch interleaved (#19).
  console.log(
    "\nLibrary path vs PyTorch, interleaved rounds, each an untimed epoch and the best of 3 timed ones, PyTorch's as ours (bench/libraryPath.ts):",
  );
  console.log(await benchLibraryPath(sample, { mlp: MLP_SAMPLES, lenet: CNN_SAMPLES }, ROUNDS));

  console.log("\nPer-kernel (ms per call, best of interleaved rounds):");
  const kernels = await timeKernels(20, ROUNDS);
  console.log(
    renderTable(
      ["kernel", "case", "ours ms", "tfjs ms", "speed-up"],
      kernels.map((k) => [
        k.kernel,
        k.shapes,
        k.oursMs,
        k.tfjsMs ?? (k.tfjsError ? "missing" : undefined),
        ratio(k.tfjsMs, k.oursMs),
      ]),
    ),
  );

  // Threads and cold start (#19): fresh processes on 1 and 2 threads (bench/coldStart.ts).
  const coldTable = await import("./coldStart")
    .then((m) => m.benchThreadsAndColdStart())
    .catch((error: unknown) => `cold start failed: ${error instanceof Error ? error.message : String(error)}`);
  console.log("\nThreads and cold start (bench/coldStart.ts, library path: models.mlp + crossEntropy + train.fit):");
  console.log(coldTable);

  // What two cores give two independent trainings: the ceiling of any split over two threads (#19).
  const pairTable = await import("./pairCeiling")
    .then((m) => m.benchPairCeiling(2, 12))
    .catch((error: unknown) => `benchPairCeiling() failed: ${error instanceof Error ? error.message : String(error)}`);
  console.log(
    "\nThe machine's two-core ceiling (bench/pairCeiling.ts, library path on MNIST; PyTorch torch_reference.py):",
  );
  console.log(pairTable);

  // The kernel's per-step interrupt check in train.fit: throughput with and without it (#13).
  const interruptTable = await import("./kernelInterruptCheck")
    .then((m) => m.benchInterruptCheck())
    .catch(
      (error: unknown) => `benchInterruptCheck() failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  console.log("\nPer-step interrupt check (bench/kernelInterruptCheck.ts):");
  console.log(interruptTable);

  const kernelTable = await kernelRows().catch(
    (error: unknown) => `benchKernel() failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  if (kernelTable !== undefined) {
    console.log("\nJupyter kernel (bench/kernel.ts):");
    console.log(kernelTable);
  }
  // Widgets (#16): slider change → updated figure of the momentum playground (bench/widgets.ts).
  const widgetTable = await import("./widgets")
    .then(async (w) => renderTable(["measurement", "value"], Object.entries(await w.benchWidgets())))
    .catch((error: unknown) => `benchWidgets() failed: ${error instanceof Error ? error.message : String(error)}`);
  console.log("\nLive widgets (bench/widgets.ts):");
  console.log(widgetTable);
  console.log(
    `\nTotal bench time ${((performance.now() - started) / 1000).toFixed(0)} s; machine load at end: ${loadLine()}.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
