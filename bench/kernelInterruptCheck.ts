/**
 * What the kernel's per-step interrupt check costs `train.fit` (issue #13: "show with the bench that
 * throughput does not drop").
 *
 * `train.fit` calls `throwIfInterrupted()` once per step (src/train/interrupt.ts). Inside the kernel
 * that reads the interrupt probe (an atomic load of shared memory, kernel/interrupts.ts); outside it
 * there is no probe and the call returns at once. Both variants run here, interleaved in one process
 * on the same model and data: "with" installs the kernel's probe around each round, "without" leaves
 * none installed. A second row times the check alone, per call.
 *
 * Run: `node dist/bench/kernelInterruptCheck.js` (also part of `npm run bench`).
 */
import * as os from "node:os";
import { InterruptState, INTERRUPT_PROBE } from "../kernel/interrupts";
import { use } from "../src/backend";
import { installWasmKernels } from "../src/backend/wasmKernels";
import { throwIfInterrupted } from "../src/train/interrupt";
import { loadMnist } from "./mnist";
import { mlp } from "./models";
import { optimlabFitRound } from "./optimlabFit";
import { ratio, renderTable, type Cell } from "./table";
import { interleave, type VariantResult } from "./timing";
import { disposeData, trainingData } from "./workloads";

const SAMPLES = Number(process.env.BENCH_MLP_SAMPLES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = 10_000_000;

type ProbeHolder = { [INTERRUPT_PROBE]?: () => boolean };

/** Runs `round` with the kernel's interrupt probe installed (as inside the kernel), then removes it. */
function withProbe(round: () => Promise<number>): () => Promise<number> {
  return async () => {
    new InterruptState().installProbe();
    try {
      return await round();
    } finally {
      delete (globalThis as ProbeHolder)[INTERRUPT_PROBE];
    }
  };
}

/** Nanoseconds per `throwIfInterrupted()` call, best of three runs of CALLS calls. */
function nsPerCheck(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) throwIfInterrupted();
    best = Math.min(best, ((performance.now() - t0) * 1e6) / CALLS);
  }
  return best;
}

const shown = (result: VariantResult): Cell => (result.error === undefined ? result.best : `fails: ${result.error}`);

/** The rows: fit throughput with and without the check, and the cost of one check. */
export async function benchInterruptCheck(): Promise<string> {
  const backend = await use("wasm");
  if (backend.name === "wasm") installWasmKernels();
  const data = trainingData(loadMnist(SAMPLES), SAMPLES, "flat");
  const [withCheck, without] = await interleave(
    [
      { name: "with the kernel's probe", round: withProbe(await optimlabFitRound(mlp, data)) },
      { name: "without a probe", round: await optimlabFitRound(mlp, data) },
    ],
    ROUNDS,
  );
  disposeData(data);
  const bare = nsPerCheck();
  new InterruptState().installProbe();
  const probed = nsPerCheck();
  delete (globalThis as ProbeHolder)[INTERRUPT_PROBE];
  const rows: Cell[][] = [
    [
      `MLP train.fit + optim.Adam, samples/s (${backend.name}, best of ${ROUNDS} interleaved)`,
      shown(withCheck),
      shown(without),
      ratio(withCheck.best, without.best),
      "≥ 0.98×",
    ],
    ["throwIfInterrupted(), ns per call", probed, bare, "", ""],
  ];
  return renderTable(
    [
      `per-step interrupt check (load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
      "with probe",
      "without",
      "ratio",
      "goal",
    ],
    rows,
  );
}

if (require.main === module) {
  benchInterruptCheck().then(
    (table) => console.log(table),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
