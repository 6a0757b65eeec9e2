/**
 * A probe of fit's batch split (not part of `npm run bench`): epochs of `models.mlp` /
 * `models.lenet` + `losses.crossEntropy` + `train.fit` + `optim.Adam` on random images with
 * `threads` = 1 or 2, printing wall µs/step and the CPU µs/step of each of the process's busiest
 * threads (from /proc/self/task: the trainer is "main", the replica the next busiest; the rest are
 * V8's GC and compiler threads). On a machine with free cores the wall time approaches the busiest
 * thread's CPU time; when it does not, the cores were busy elsewhere.
 *
 *   node --import tsx bench/threadTimes.ts [mlp|lenet] [threads] [batch size, default 64] [split]
 *
 * "split" splits every batch, whatever splitPolicy.ts's least work per part says.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/backend";
import { crossEntropy } from "../src/losses";
import * as models from "../src/models";
import { Adam } from "../src/optim";
import { fit } from "../src/train";
import { setMinPartMultiplyAdds } from "../src/train/splitPolicy";
/** CPU ms of each thread of this process (Linux; 10 ms ticks). */
function taskTimes(): Map<string, number> {
  const m = new Map<string, number>();
  for (const tid of fs.readdirSync("/proc/self/task")) {
    const s = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    m.set(tid, (Number(f[11]) + Number(f[12])) * 10);
  }
  return m;
}
async function main(): Promise<void> {
  const network = process.argv[2] === "lenet" ? "lenet" : "mlp";
  const threads = Number(process.argv[3] ?? 2);
  const batchSize = Number(process.argv[4] ?? 64);
  if (process.argv[5] === "split") setMinPartMultiplyAdds(0);
  await ready();
  const N = network === "mlp" ? 25600 : 6400;
  const x = tf.randomUniform([N, 784], 0, 1, "float32", 1);
  const y = tf.tensor1d(
    Int32Array.from({ length: N }, (_, i) => i % 10),
    "int32",
  );
  const model = network === "mlp" ? models.mlp({ sizes: [784, 128, 10], seed: 1 }) : models.lenet({ seed: 1 });
  const optimizer = new Adam({ lr: 1e-3 });
  const steps = N / batchSize;
  for (let e = 0; e < 4; e++) {
    const t0 = taskTimes();
    const w0 = performance.now();
    await fit(model, { optimizer, loss: crossEntropy, train: { x, y }, batchSize, progress: false, threads });
    const ms = performance.now() - w0;
    const t1 = taskTimes();
    const d = [...t1]
      .map(([tid, v]) => [tid, v - (t0.get(tid) ?? 0)] as [string, number])
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]);
    console.log(
      `${network} batch ${batchSize} threads ${threads} epoch ${e}: wall ${((ms / steps) * 1000).toFixed(0)} µs/step; CPU µs/step by thread: ${d
        .slice(0, 4)
        .map(([tid, v]) => `${tid === String(process.pid) ? "main" : tid}=${((v / steps) * 1000).toFixed(0)}`)
        .join(" ")} load ${os.loadavg()[0].toFixed(1)}`,
    );
  }
}
void main();
