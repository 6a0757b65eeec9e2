/**
 * The ceiling of any two-thread speed-up on this machine (not part of `npm run bench`): one
 * single-thread training process alone, then two identical ones at once, rounds alternating, for
 * optimlab (bench/stepTimes.ts on MNIST) and PyTorch (bench/torch_reference.py, one thread). Two
 * independent processes share nothing — no hand-off, no serial part, no duplicated work — so
 * their summed samples/s over one alone bounds what splitting one step over two threads can give
 * on these cores: caches, memory bandwidth and the cores' clock, as the OS schedules them.
 *
 *   node dist/bench/pairCeiling.js [mlp|lenet] [rounds, default 3] [epochs, default 6]
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { mnistImagesPath, mnistLabelsPath } from "./mnist";
import { SYSTEM_PYTHON, torchScriptPath, torchThreadEnv } from "./torch";

type Network = "mlp" | "lenet";

/** Runs `command` and resolves with its stdout (rejects on a non-zero exit, with its stderr). */
function output(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.trim()}`)),
    );
  });
}

/** optimlab's samples/s: the best of stepTimes' epochs after the first two (JIT and kernel warm-up). */
async function ours(network: Network, epochs: number): Promise<number> {
  const script = path.join(__dirname, "stepTimes.js");
  const text = await output(process.execPath, [script, network, String(epochs), "mnist"]);
  const rates = [...text.matchAll(/^epoch (\d+):.* (\d+) samples\/s/gm)]
    .filter((m) => Number(m[1]) > 2)
    .map((m) => Number(m[2]));
  if (rates.length === 0) throw new Error(`stepTimes printed no epoch after the second:\n${text}`);
  return Math.max(...rates);
}

/** PyTorch's samples/s (torch_reference.py: best of its epochs), one thread. */
async function torch(network: Network): Promise<number> {
  const samples = network === "mlp" ? 10_000 : 2_048;
  const text = await output(
    SYSTEM_PYTHON,
    [torchScriptPath(), network, mnistImagesPath(), mnistLabelsPath(), String(samples), "64", "1"],
    torchThreadEnv(1),
  );
  return (JSON.parse(text.trim().split("\n").pop() ?? "{}") as { samples_per_sec: number }).samples_per_sec;
}

async function main(): Promise<void> {
  const network: Network = process.argv[2] === "lenet" ? "lenet" : "mlp";
  const rounds = Number(process.argv[3] ?? 3);
  const epochs = Number(process.argv[4] ?? 6);
  const load = () => os.loadavg()[0].toFixed(1);
  console.log(`${network}: one process alone vs two at once (samples/s each), ${os.cpus().length} cores`);
  for (let round = 1; round <= rounds; round++) {
    for (const [name, run] of [
      ["optimlab", () => ours(network, epochs)],
      ["PyTorch", () => torch(network)],
    ] as const) {
      const alone = await run();
      const pair = await Promise.all([run(), run()]);
      const sum = pair[0] + pair[1];
      console.log(
        `round ${round} ${name.padEnd(8)} alone ${Math.round(alone)}, two at once ${pair.map(Math.round).join(" + ")} ` +
          `= ${Math.round(sum)}: ceiling ${(sum / alone).toFixed(2)}× (load ${load()})`,
      );
    }
  }
}

void main();
