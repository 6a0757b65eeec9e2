/**
 * The ceiling of any two-thread speed-up on this machine: one single-thread training process
 * alone, then two identical ones at once, rounds alternating, for optimlab (bench/stepTimes.ts on MNIST) and PyTorch (bench/torch_reference.py, one thread). Two
 * independent processes share nothing — no hand-off, no serial part, no duplicated work — so
 * their summed samples/s over one alone bounds what splitting one step over two threads can give
 * on these cores: caches, memory bandwidth and the cores' clock, as the OS schedules them.
 *
 * Rates are steady-state means (samples over seconds of the timed epochs; optimlab's first two
 * epochs, JIT and kernel warm-up, are not timed), and a pair's rates count only the epochs that
 * ran while the other process was in its own timed epochs: a process that finishes first leaves
 * the other alone, and a process still warming up (V8 compiling on its helper threads) takes CPU
 * from the other's timed epochs. (Best epochs of each process, as this script took before
 * 2026-12-07, mixed both in: 1.46–1.54× for the MLP at 6 epochs, 1.84–1.97× at 12.)
 *
 *   node dist/bench/pairCeiling.js [mlp|lenet] [rounds, default 3] [epochs, default 12]
 *
 * `npm run bench` runs it too (`benchPairCeiling`: both networks, 2 rounds), next to the threads table.
 */
import * as os from "node:os";
import * as path from "node:path";
import { childOutput } from "./childOutput";
import { mnistImagesPath, mnistLabelsPath } from "./mnist";
import { SYSTEM_PYTHON, torchScriptPath, torchThreadEnv } from "./torch";
import { renderTable, type Cell } from "./table";

export type Network = "mlp" | "lenet";

/** One timed epoch: its wall-clock span (ms since 1970) and how many samples it trained. */
interface Epoch {
  start: number;
  end: number;
  samples: number;
}

/** Epochs that optimlab's stepTimes runs before the timed ones (JIT and kernel warm-up). */
const OUR_WARM_UP_EPOCHS = 2;

/** optimlab's timed epochs (stepTimes on MNIST, after its warm-up epochs). */
async function ours(network: Network, epochs: number): Promise<Epoch[]> {
  const script = path.join(__dirname, "stepTimes.js");
  const text = await childOutput(process.execPath, [script, network, String(epochs), "mnist"]);
  const timed = [...text.matchAll(/^epoch (\d+):.* (\d+) images in wall (\d+)–(\d+) ms$/gm)]
    .filter((m) => Number(m[1]) > OUR_WARM_UP_EPOCHS)
    .map((m) => ({ samples: Number(m[2]), start: Number(m[3]), end: Number(m[4]) }));
  if (timed.length === 0) throw new Error(`stepTimes printed no epoch after its warm-up:\n${text}`);
  return timed;
}

/** PyTorch's timed epochs (torch_reference.py, one thread, after its warm-up epoch). */
async function torch(network: Network, epochs: number): Promise<Epoch[]> {
  const samples = network === "mlp" ? 10_000 : 2_048;
  const args = [torchScriptPath(), network, mnistImagesPath(), mnistLabelsPath(), String(samples), "64", "1"];
  const text = await childOutput(SYSTEM_PYTHON, [...args, String(epochs)], torchThreadEnv(1));
  const result = JSON.parse(text.trim().split("\n").pop() ?? "{}") as { epoch_spans_ms?: [number, number][] };
  if (!result.epoch_spans_ms?.length) throw new Error(`torch_reference.py printed no epoch spans:\n${text}`);
  return result.epoch_spans_ms.map(([start, end]) => ({ start, end, samples }));
}

/** Samples per second over `epochs` (their summed samples over their summed durations). */
function rate(epochs: readonly Epoch[]): number {
  const seconds = epochs.reduce((sum, e) => sum + (e.end - e.start), 0) / 1000;
  return epochs.reduce((sum, e) => sum + e.samples, 0) / seconds;
}

/**
 * Each process's rate over the epochs it ran inside the window where both were in their timed
 * epochs; throws when one of them has no such epoch (raise the epoch count).
 */
function togetherRates(a: readonly Epoch[], b: readonly Epoch[]): [number, number, number] {
  const from = Math.max(a[0].start, b[0].start);
  const to = Math.min(a[a.length - 1].end, b[b.length - 1].end);
  const inside = (runs: readonly Epoch[]) => runs.filter((e) => e.start >= from && e.end <= to);
  const [ia, ib] = [inside(a), inside(b)];
  if (ia.length === 0 || ib.length === 0)
    throw new Error("The two processes ran no timed epoch together: give more epochs (third argument).");
  return [rate(ia), rate(ib), Math.min(ia.length, ib.length)];
}

/** One round: a process alone, then two at once, for one side (ours or PyTorch). */
export interface PairRound {
  alone: number;
  together: [number, number];
  /** (together[0] + together[1]) / alone */
  ceiling: number;
  /** The fewest timed epochs either process of the pair ran inside the window where both did. */
  epochsTogether: number;
  load: number;
}

type Side = "optimlab" | "PyTorch";

/** What `pairCeiling` measured for one side: its rounds, or why it stopped. */
export interface SideResult {
  rounds: PairRound[];
  error?: string;
}

/**
 * `rounds` rounds of one process alone, then two at once, alternating optimlab and PyTorch. A side
 * that fails (PyTorch not installed, too few epochs together) keeps its error and runs no more.
 */
export async function pairCeiling(
  network: Network,
  rounds: number,
  epochs: number,
  onRound: (side: Side, round: PairRound) => void = () => {},
): Promise<Record<Side, SideResult>> {
  const sides: [Side, () => Promise<Epoch[]>][] = [
    ["optimlab", () => ours(network, epochs)],
    ["PyTorch", () => torch(network, epochs - OUR_WARM_UP_EPOCHS)],
  ];
  const results: Record<Side, SideResult> = { optimlab: { rounds: [] }, PyTorch: { rounds: [] } };
  for (let round = 1; round <= rounds; round++) {
    for (const [side, run] of sides) {
      if (results[side].error !== undefined) continue;
      try {
        const alone = rate(await run());
        const [first, second] = await Promise.all([run(), run()]);
        const [ra, rb, epochsTogether] = togetherRates(first, second);
        const result: PairRound = {
          alone,
          together: [ra, rb],
          ceiling: (ra + rb) / alone,
          epochsTogether,
          load: os.loadavg()[0],
        };
        results[side].rounds.push(result);
        onRound(side, result);
      } catch (error) {
        results[side].error = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      }
    }
  }
  return results;
}

/** `npm run bench`'s table: both networks, ours and PyTorch, each round's ceiling. */
export async function benchPairCeiling(rounds: number, epochs: number): Promise<string> {
  const load = () => `load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
  const atStart = load();
  const rows: Cell[][] = [];
  for (const network of ["mlp", "lenet"] as const) {
    const results = await pairCeiling(network, rounds, epochs);
    for (const side of ["optimlab", "PyTorch"] as const) {
      const { rounds: done, error } = results[side];
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
      rows.push([
        `${network === "mlp" ? "MLP 784-128-10" : "LeNet-5"}, ${side === "optimlab" ? "ours" : "PyTorch"} (1 thread each)`,
        done.length ? Math.round(median(done.map((r) => r.alone))) : undefined,
        done.length ? Math.round(median(done.map((r) => r.together[0] + r.together[1]))) : undefined,
        done.map((r) => `${r.ceiling.toFixed(2)}×`).join(", ") || undefined,
        error === undefined ? "" : `stopped: ${error.slice(0, 80)}`,
      ]);
    }
  }
  return [
    `machine load: ${atStart} at the start, ${load()} at the end`,
    renderTable(
      [
        "two independent trainings at once / one alone (samples/s, medians of rounds)",
        "one alone",
        "two at once, summed",
        "ceiling, each round",
        "note",
      ],
      rows,
    ),
    `Steady-state means over the epochs both processes ran together (${epochs} epochs each, ours after 2 warm-up epochs). ` +
      "Two processes that share nothing bound what splitting one step over two threads can give on these cores.",
  ].join("\n");
}

async function main(): Promise<void> {
  const network: Network = process.argv[2] === "lenet" ? "lenet" : "mlp";
  const rounds = Number(process.argv[3] ?? 3);
  const epochs = Number(process.argv[4] ?? 12);
  console.log(
    `${network}: one process alone vs two at once (samples/s each, steady-state means over the epochs ` +
      `both ran together), ${os.cpus().length} cores`,
  );
  let round = 0;
  await pairCeiling(network, rounds, epochs, (side, r) => {
    if (side === "optimlab") round++;
    console.log(
      `round ${round} ${side.padEnd(8)} alone ${Math.round(r.alone)}, two at once ${r.together.map(Math.round).join(" + ")} ` +
        `= ${Math.round(r.together[0] + r.together[1])} (≥ ${r.epochsTogether} epochs each): ceiling ${r.ceiling.toFixed(2)}× (load ${r.load.toFixed(1)})`,
    );
  });
}

if (require.main === module) void main();
