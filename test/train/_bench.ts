import * as tf from "@tensorflow/tfjs";
import { fit } from "../../src/train/fit";
import { twoMoons } from "../../src/data/synthetic";
import { mlp } from "../../src/models/builders";
import * as backend from "../../src/backend";
(async () => {
  await backend.ready();
  const d = twoMoons({ n: 1024, seed: 1 });
  const y1 = tf.oneHot(d.y as tf.Tensor1D, 2).toFloat();
  const loss = (p: tf.Tensor, t: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, p) as tf.Scalar;
  const data = { x: d.x, y: y1 };
  const ours = async () => {
    const m = mlp({ sizes: [2, 16, 2], seed: 1 });
    const t = performance.now();
    await fit(m, { optimizer: tf.train.sgd(0.1), loss, train: data, epochs: 3, batchSize: 32, progress: false, seed: 1 });
    return performance.now() - t;
  };
  const theirs = async () => {
    const m = mlp({ sizes: [2, 16, 2], seed: 1 });
    m.compile({ optimizer: tf.train.sgd(0.1), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
    const t = performance.now();
    await m.fit(data.x, data.y, { epochs: 3, batchSize: 32, shuffle: true, verbose: 0 });
    return performance.now() - t;
  };
  await ours(); await theirs();
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < 5; i++) { a.push(await ours()); b.push(await theirs()); }
  const med = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
  console.log(backend.info()?.name, "ours", a.map(Math.round), "model.fit", b.map(Math.round), "median ratio", (med(a) / med(b)).toFixed(3));
})();
