/**
 * The library path (bench/libraryPath.ts) trained in its own Node process with a given
 * `OPTIMLAB_THREADS` (fit's threads: the MNIST MLP's step split by hidden units, train/unitSplit.ts,
 * LeNet's by examples and weights, train/convSplit.ts, other models' batches split into parts,
 * train/dataParallel.ts), so 1 thread and 2 threads need
 * separate processes. The parent asks for one round at a time (one untimed epoch, then the best of
 * three: libraryRound.ts's `warmedRound`, as PyTorch's rounds), so these rounds interleave with the
 * others in one bench run (same load for every variant). Before it answers ready, a child runs
 * untimed rounds of both networks until it is warm (`WARM_UP_ROUNDS`).
 *
 * `startLibraryPathProcess(threads, counts)` forks `node libraryPathProcess.js --child`; each
 * `epoch(network)` trains one round of that network's model (created on first use, kept) and
 * resolves with its samples/s. With `splitEveryBatch`, the child splits every batch over its
 * threads (the batch split, also for the MLP), whatever splitPolicy.ts's least work per part says:
 * what that split itself gives where fit would keep it off.
 */
import { fork, type ChildProcess } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { use } from "../src/backend";
import { installWasmKernels } from "../src/backend/wasmKernels";
import { libraryRound, type Network } from "./libraryRound";
import { setMinPartMultiplyAdds } from "../src/train/splitPolicy";
import { setUnitSplitMaxThreads } from "../src/train/unitSplit";
import { splitMeasurements } from "../src/train/splitTrainer";
import { lastFitThreads } from "./optimlabFit";
import { loadMnist } from "./mnist";
import { trainingData } from "./workloads";

type Request = { network: Network };
type Measurement = ReturnType<typeof splitMeasurements>[number];
type Reply =
  | { samplesPerSec: number; threads: number; measurements: Measurement[] }
  | { error: string }
  | { ready: true; threads: number };

export interface LibraryPathProcess {
  /** The thread count the child's backend reports (fit's default). */
  threads: number;
  /** The threads each network's last epoch trained on (fit keeps the split off where it does not pay). */
  trainedOn: Partial<Record<Network, number>>;
  /** The child's splits' last measurements of their step alone and together (splitTrainer.ts), after its last epoch. */
  measurements: Measurement[];
  /** One epoch of `network` in the child, samples/s; rejects with the child's error. */
  epoch(network: Network): Promise<number>;
  close(): void;
}

export function childFailedMessage(threads: number, detail: string): string {
  return `library-path child (OPTIMLAB_THREADS=${threads}) failed: ${detail}`;
}

/** Forks the child with OPTIMLAB_THREADS=`threads`; resolves once its backend and data are ready. */
export function startLibraryPathProcess(
  threads: number,
  counts: Record<Network, number>,
  { splitEveryBatch = false }: { splitEveryBatch?: boolean } = {},
): Promise<LibraryPathProcess> {
  const args = ["--child", JSON.stringify(counts), ...(splitEveryBatch ? ["--split-every-batch"] : [])];
  const child: ChildProcess = fork(__filename, args, {
    env: { ...process.env, OPTIMLAB_THREADS: String(threads) },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  child.on("message", (reply: Reply) => {
    const w = waiting;
    waiting = undefined;
    w?.resolve(reply);
  });
  child.on("exit", (code) => {
    const w = waiting;
    waiting = undefined;
    w?.reject(new Error(childFailedMessage(threads, `exited with ${code}: ${stderr.trim().split("\n").pop() ?? ""}`)));
  });
  const next = () => new Promise<Reply>((resolve, reject) => (waiting = { resolve, reject }));
  return next().then((first) => {
    if (!("ready" in first)) throw new Error(childFailedMessage(threads, "error" in first ? first.error : "no ready"));
    const trainedOn: Partial<Record<Network, number>> = {};
    const handle: LibraryPathProcess = {
      threads: first.threads,
      trainedOn,
      measurements: [],
      epoch: async (network) => {
        const reply = next();
        child.send({ network } satisfies Request);
        const answer = await reply;
        if ("samplesPerSec" in answer) {
          trainedOn[network] = answer.threads;
          handle.measurements = answer.measurements;
          return answer.samplesPerSec;
        }
        throw new Error(childFailedMessage(threads, "error" in answer ? answer.error : "unexpected reply"));
      },
      close: () => {
        child.disconnect();
      },
    };
    return handle;
  });
}

/**
 * Untimed rounds of each network before the child answers ready (4 one-epoch fits each): every
 * child reaches its steady speed before the interleaved rounds, as PyTorch's rounds (a fresh
 * process each, one untimed epoch) do after their first epoch. A 2-thread process needs about 20
 * one-epoch fits of the MNIST MLP for V8 to finish optimizing its per-step code — its helper threads
 * take the split's cores meanwhile —, while a 1-thread one is warm after a few (its helpers use the
 * idle core): timed from the start, the 2 / 1 ratio compared a warming process with a warm one
 * (docs/performance.md, "On a VM's two cores"). What a fresh process's first epoch costs is the
 * cold-start table's (bench/coldStart.ts).
 */
const WARM_UP_ROUNDS = 5;

async function child(counts: Record<Network, number>, splitEveryBatch: boolean): Promise<void> {
  if (splitEveryBatch) {
    setMinPartMultiplyAdds(0);
    // The batch split's own column: the two-layer MLP would be split by hidden units otherwise.
    setUnitSplitMaxThreads(1);
  }
  const info = await use("wasm");
  installWasmKernels();
  const sample = loadMnist(Math.max(counts.mlp, counts.lenet));
  const rounds = new Map<Network, () => Promise<number>>();
  const round = (network: Network) => {
    let r = rounds.get(network);
    if (!r) {
      const data = trainingData(sample, counts[network], "flat");
      const labels = tf.tidy(() => tf.argMax(data.y, 1) as tf.Tensor1D);
      r = libraryRound(network, data, labels);
      rounds.set(network, r);
    }
    return r;
  };
  process.on("message", (request: Request) => {
    round(request.network)().then(
      (samplesPerSec) =>
        process.send?.({ samplesPerSec, threads: lastFitThreads(), measurements: splitMeasurements() } satisfies Reply),
      (error: unknown) =>
        process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
  process.on("disconnect", () => process.exit(0));
  // Run warm before the timed rounds, every child alike (see WARM_UP_ROUNDS).
  for (const network of ["mlp", "lenet"] as const) for (let r = 0; r < WARM_UP_ROUNDS; r++) await round(network)();
  process.send?.({ ready: true, threads: info.threads ?? 1 } satisfies Reply);
}

if (require.main === module && process.argv[2] === "--child") {
  void child(JSON.parse(process.argv[3] ?? "{}") as Record<Network, number>, process.argv[4] === "--split-every-batch");
}
