/**
 * The library path the notebooks run (#19): `models.mlp` / `models.lenet` + `losses.crossEntropy`
 * on class-index labels + `train.fit` + `optim.Adam` (fit's defaults: per-step norms), against
 * PyTorch 1.13 and against the bench's tf.layers networks with tfjs's loss in `train.fit`.
 * PyTorch (bench/torch_reference.py, its own process, best of 3 epochs) is one of the
 * interleaved variants, so every side sees the same load.
 */
import * as tf from "@tensorflow/tfjs";
import { info } from "../src/backend";
import { crossEntropy } from "../src/losses";
import * as models from "../src/models";
import { Adam } from "../src/optim";
import { fit } from "../src/train";
import type { MnistSample } from "./mnist";
import { lenet, mlp } from "./models";
import { optimlabFitRound } from "./optimlabFit";
import { ratio, renderTable, type Cell } from "./table";
import { interleave, type VariantResult } from "./timing";
import { torchReference } from "./torch";
import { BATCH_SIZE, disposeData, trainingData, withKernels, type TrainingData } from "./workloads";

type Network = "mlp" | "lenet";

/** One epoch of the library path over `data` (flat [n, 784] images: both builders take them). */
function libraryRound(network: Network, data: TrainingData, labels: tf.Tensor1D): () => Promise<number> {
  const model = network === "mlp" ? models.mlp({ sizes: [784, 128, 10], seed: 1 }) : models.lenet({ seed: 1 });
  const optimizer = new Adam({ lr: 1e-3 });
  return () =>
    withKernels(true, async () => {
      const t0 = performance.now();
      await fit(model, {
        optimizer,
        loss: crossEntropy,
        train: { x: data.x, y: labels },
        epochs: 1,
        batchSize: BATCH_SIZE,
        progress: false,
      });
      return data.count / ((performance.now() - t0) / 1000);
    });
}

/** PyTorch's samples/s for one spawn of torch_reference.py; throws when torch is not there. */
function torchRound(network: Network, samples: number): () => Promise<number> {
  return () => {
    const result = torchReference(network, samples, BATCH_SIZE);
    if (result.samplesPerSec === undefined) return Promise.reject(new Error(result.skipped ?? "no result"));
    return Promise.resolve(result.samplesPerSec);
  };
}

function shown(result: VariantResult): Cell {
  return result.error === undefined ? result.best : `fails: ${result.error.slice(0, 60)}`;
}

function best(result: VariantResult): number | undefined {
  return result.error === undefined ? result.best : undefined;
}

/** The library-path table: per network, ours, the tf.layers path, PyTorch, in `rounds` interleaved rounds. */
export async function benchLibraryPath(
  sample: MnistSample,
  counts: Record<Network, number>,
  rounds: number,
): Promise<string> {
  const threads = String(info()?.threads ?? 1);
  const rows: Cell[][] = [];
  for (const network of ["mlp", "lenet"] as const) {
    const data = trainingData(sample, counts[network], "flat");
    const labels = tf.tidy(() => tf.argMax(data.y, 1) as tf.Tensor1D);
    const grid = network === "lenet" ? trainingData(sample, counts[network], "grid") : undefined;
    const [ours, layersPath, torch] = await interleave(
      [
        { name: "library path", round: libraryRound(network, data, labels) },
        { name: "tf.layers path", round: await optimlabFitRound(network === "mlp" ? mlp : lenet, grid ?? data) },
        { name: "PyTorch", round: torchRound(network, data.count) },
      ],
      rounds,
    );
    rows.push([
      `${network === "mlp" ? "MLP 784-128-10" : "LeNet-5"}: models.${network} + losses.crossEntropy + train.fit + optim.Adam`,
      shown(ours),
      shown(layersPath),
      shown(torch),
      ratio(best(ours), best(torch)),
      ratio(best(ours), best(layersPath)),
      threads,
    ]);
    disposeData(data);
    if (grid) disposeData(grid);
    labels.dispose();
  }
  return renderTable(
    [
      "library path (samples/s)",
      "ours",
      "tf.layers path (bench rows above)",
      "PyTorch 1 thread",
      "ours / PyTorch",
      "ours / tf.layers path",
      "our threads",
    ],
    rows,
  );
}
