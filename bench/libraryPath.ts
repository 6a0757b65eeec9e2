/**
 * The library path the notebooks run (#19): `models.mlp` / `models.lenet` + `losses.crossEntropy`
 * on class-index labels + `train.fit` + `optim.Adam` (fit's defaults: per-step norms), against
 * PyTorch 1.13 on 1 and 2 threads and against the bench's tf.layers networks with tfjs's loss in
 * `train.fit`; and ours on 1 and 2 threads, each in its own process (bench/libraryPathProcess.ts:
 * the thread count is fixed when the backend loads). Every variant is one of the interleaved
 * rounds, so all see the same load; PyTorch (bench/torch_reference.py) is its own process per
 * round, best of 3 epochs, with its BLAS/OpenMP threads pinned, and reports which BLAS it ran on.
 * The machine's two-core ceiling (bench/cpuPair.ts) is one more variant of the same rounds, so a
 * run's 2 / 1 ratios can be read against what the cores gave meanwhile.
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { info } from "../src/backend";
import type { MnistSample } from "./mnist";
import { lenet, mlp } from "./models";
import { optimlabFitRound } from "./optimlabFit";
import { startCpuPair } from "./cpuPair";
import { startLibraryPathProcess, type LibraryPathProcess } from "./libraryPathProcess";
import { libraryRound, warmedRound, type Network } from "./libraryRound";
import { ratio, renderTable, type Cell } from "./table";
import { interleave, median, type VariantResult } from "./timing";
import { blasDescription, referenceBlasMessage, torchReference, type TorchResult } from "./torch";
import { BATCH_SIZE, disposeData, trainingData } from "./workloads";

/** PyTorch's samples/s for one spawn of torch_reference.py on `threads`; throws when torch is not there. */
function torchRound(network: Network, samples: number, threads: number, seen: TorchResult[]): () => Promise<number> {
  return () => {
    const result = torchReference(network, samples, BATCH_SIZE, threads);
    seen.push(result);
    if (result.samplesPerSec === undefined) return Promise.reject(new Error(result.skipped ?? "no result"));
    return Promise.resolve(result.samplesPerSec);
  };
}

function childRound(child: LibraryPathProcess | Error, network: Network): () => Promise<number> {
  return () => (child instanceof Error ? Promise.reject(child) : child.epoch(network));
}

function shown(result: VariantResult): Cell {
  return result.error === undefined ? result.best : `fails: ${result.error.slice(0, 60)}`;
}

/**
 * The machine's two-core ceiling in the same rounds (bench/cpuPair.ts): the best round, which the
 * thread rows' bests are comparable with, and the median, what the cores gave most of the time.
 */
function machineCeiling(result: VariantResult): string {
  if (result.error !== undefined) return `fails: ${result.error.slice(0, 40)}`;
  return `${result.best.toFixed(2)}×; ${median(result.rounds).toFixed(2)}×`;
}

function best(result: VariantResult): number | undefined {
  return result.error === undefined ? result.best : undefined;
}

function loadLine(): string {
  return `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
}

const NAMES: Record<Network, string> = {
  mlp: "MLP 784-128-10",
  lenet: "LeNet-5",
};

/**
 * The library-path tables: per network, ours (this process), the tf.layers path, and PyTorch on
 * 1 thread; then ours and PyTorch on 1 and 2 threads; all in `rounds` interleaved rounds, each
 * round one untimed epoch and the best of three timed ones for every variant (`warmedRound`;
 * torch_reference.py's own).
 */
/**
 * What the threads buy over the same generated step on one thread: the 2-thread child's splits'
 * last measurements (their policy times the step alone and together in turn, splitTrainer.ts).
 * "ours 2 / 1" above also counts what the generated step saves over fit's one-thread step.
 */
function splitLines(child: LibraryPathProcess | Error): string[] {
  if (child instanceof Error) return [];
  const lines = child.measurements.flatMap(({ shape, alone, together, chosen }) => {
    if (alone === undefined || together === undefined) return [];
    const name = shape.startsWith("conv/") ? "LeNet, split by examples and weights" : "MLP, split by hidden units";
    return [
      `- ${name} (${shape}): ${Math.round(alone)} µs/step alone, ${Math.round(together)} µs/step together: ${(alone / together).toFixed(2)}× (runs ${chosen})`,
    ];
  });
  return lines.length === 0
    ? []
    : [
        "The same generated step on the trainer's thread alone and on both threads (medians of the 2-thread child's last measurement):",
        ...lines,
      ];
}

export async function benchLibraryPath(
  sample: MnistSample,
  counts: Record<Network, number>,
  rounds: number,
): Promise<string> {
  const threads = info()?.threads ?? 1;
  const loadAtStart = loadLine();
  const start = (n: number, splitEveryBatch = false) =>
    startLibraryPathProcess(n, counts, { splitEveryBatch }).catch((error: unknown) => error as Error);
  const [one, two, split] = [await start(1), await start(2), await start(2, true)];
  const cpuPair = startCpuPair();
  const torchRuns: TorchResult[] = [];
  const rows: Cell[][] = [];
  const threadRows: Cell[][] = [];
  try {
    for (const network of ["mlp", "lenet"] as const) {
      const data = trainingData(sample, counts[network], "flat");
      const labels = tf.tidy(() => tf.argMax(data.y, 1) as tf.Tensor1D);
      const grid = network === "lenet" ? trainingData(sample, counts[network], "grid") : undefined;
      const [ours, layersPath, torch1, ours1, ours2, torch2, oursSplit, machine] = await interleave(
        [
          { name: "library path", round: libraryRound(network, data, labels) },
          {
            name: "tf.layers path",
            round: warmedRound(await optimlabFitRound(network === "mlp" ? mlp : lenet, grid ?? data)),
          },
          { name: "PyTorch 1 thread", round: torchRound(network, data.count, 1, torchRuns) },
          { name: "ours, own process, 1 thread", round: childRound(one, network) },
          { name: "ours, own process, 2 threads", round: childRound(two, network) },
          { name: "PyTorch 2 threads", round: torchRound(network, data.count, 2, torchRuns) },
          { name: "ours, own process, 2 threads, every batch split", round: childRound(split, network) },
          { name: "machine: arithmetic loop, 2 at once / 1 alone", round: () => cpuPair.round() },
        ],
        rounds,
      );
      rows.push([
        `${NAMES[network]}: models.${network} + losses.crossEntropy + train.fit + optim.Adam`,
        shown(ours),
        shown(layersPath),
        shown(torch1),
        ratio(best(ours), best(torch1)),
        ratio(best(ours), best(layersPath)),
        String(threads),
      ]);
      const got = (child: LibraryPathProcess | Error) =>
        child instanceof Error ? "–" : String(child.trainedOn[network] ?? child.threads);
      threadRows.push([
        `${NAMES[network]} (ours got ${got(one)} / ${got(two)} threads)`,
        shown(ours1),
        shown(ours2),
        ratio(best(ours2), best(ours1)),
        shown(oursSplit),
        ratio(best(oursSplit), best(ours1)),
        shown(torch1),
        shown(torch2),
        ratio(best(torch2), best(torch1)),
        ratio(best(ours1), best(torch1)),
        ratio(best(ours2), best(torch2)),
        machineCeiling(machine),
      ]);
      disposeData(data);
      if (grid) disposeData(grid);
      labels.dispose();
    }
  } finally {
    for (const child of [one, two, split]) if (!(child instanceof Error)) child.close();
    cpuPair.close();
  }
  const blas = torchRuns.find((r) => r.blas !== undefined)?.blas;
  const reference = torchRuns.find((r) => r.blas?.kind === "reference")?.blas;
  const version = torchRuns.find((r) => r.version !== undefined)?.version;
  const warning = reference === undefined ? [] : [referenceBlasMessage(reference)];
  return [
    ...warning,
    `machine load: ${loadAtStart} at the start of this section, ${loadLine()} at its end`,
    renderTable(
      [
        "library path (samples/s)",
        "ours",
        "tf.layers path (bench rows above)",
        "PyTorch 1 thread",
        "ours / PyTorch 1 thread",
        "ours / tf.layers path",
        "our threads",
      ],
      rows,
    ),
    "",
    "Threads: ours in child processes (OPTIMLAB_THREADS=1 and =2, and =2 with every batch split even where splitPolicy.ts keeps the split off), PyTorch with BLAS/OpenMP pinned, and the machine's own two-core ceiling (an arithmetic loop on two threads at once over one alone, bench/cpuPair.ts: what the cores gave two threads' arithmetic meanwhile), same rounds:",
    renderTable(
      [
        "library path, threads (samples/s)",
        "ours 1 thread",
        "ours 2 threads",
        "ours 2 / 1 (goal ≥ 1.7×)",
        "ours 2 threads, every batch split",
        "split / 1",
        "PyTorch 1 thread",
        "PyTorch 2 threads",
        "PyTorch 2 / 1",
        "ours / PyTorch, 1 thread",
        "ours / PyTorch, 2 threads",
        "machine: arithmetic, 2 at once / 1 (best; median)",
      ],
      threadRows,
    ),
    ...splitLines(two),
    version === undefined
      ? "PyTorch skipped (no result)."
      : `PyTorch ${version} on ${blasDescription(blas)}; threads pinned with OPENBLAS_NUM_THREADS/OMP_NUM_THREADS.`,
    ...warning,
  ].join("\n");
}
