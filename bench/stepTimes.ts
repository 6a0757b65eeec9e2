/**
 * A quick probe of the library path's per-step time (not part of `npm run bench`): epochs of
 * `models.mlp` / `models.lenet` + `losses.crossEntropy` + `train.fit` + `optim.Adam` (fit's
 * defaults) on 12,800 random images (or, with `mnist`, the first 12,800 MNIST training images and
 * their labels) in this process, one line per epoch with ms/step, CPU ms/step and the machine's
 * load, and the epoch's wall-clock span (ms since 1970: bench/pairCeiling.ts compares two runs
 * over the epochs they ran together). For comparing a change against the last commit with the same
 * command; `--cpu-prof` on the node command line gives the profile of the same epochs.
 *
 *   node --import tsx bench/stepTimes.ts [mlp|lenet] [epochs] [random|mnist]
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/backend";
import { crossEntropy } from "../src/losses";
import * as models from "../src/models";
import { Adam } from "../src/optim";
import { fit } from "../src/train";
import { loadMnist } from "./mnist";

const SAMPLES = 12_800;
const BATCH = 64;

async function main(): Promise<void> {
  const network = process.argv[2] === "lenet" ? "lenet" : "mlp";
  const epochs = Number(process.argv[3] ?? 6);
  const info = await ready();
  console.log(`${network}, backend ${info.name} (${info.threads ?? 1} thread(s)), load ${os.loadavg()[0].toFixed(1)}`);
  const mnist = process.argv[4] === "mnist" ? loadMnist(SAMPLES) : undefined;
  // Random images with labels i mod 10 (nothing to learn), or MNIST's own; both models take flat images.
  const x =
    mnist === undefined
      ? tf.randomUniform([SAMPLES, 784], 0, 1, "float32", 1)
      : tf.tensor2d(mnist.images, [SAMPLES, 784]);
  const y = tf.tensor1d(
    mnist === undefined ? Int32Array.from({ length: SAMPLES }, (_, i) => i % 10) : Int32Array.from(mnist.labels),
    "int32",
  );
  const model = network === "mlp" ? models.mlp({ sizes: [784, 128, 10], seed: 1 }) : models.lenet({ seed: 1 });
  const optimizer = new Adam({ lr: 1e-3 });
  const steps = SAMPLES / BATCH;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = Date.now();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const history = await fit(model, {
      optimizer,
      loss: crossEntropy,
      train: { x, y },
      epochs: 1,
      batchSize: BATCH,
      progress: false,
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `epoch ${epoch}: ${((ms / steps) * 1000).toFixed(0)} µs/step, ${(((cpu.user + cpu.system) / 1000 / steps) * 1000).toFixed(0)} CPU µs/step, ` +
        `${Math.round(SAMPLES / (ms / 1000))} samples/s, loss ${history.epochs[0].loss.toFixed(6)}, ` +
        `tensors ${tf.memory().numTensors}, load ${os.loadavg()[0].toFixed(1)}, ${SAMPLES} images in wall ${start}–${Date.now()} ms`,
    );
  }
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
}

void main();
