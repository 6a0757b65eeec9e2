/**
 * Child process of threads.test.ts (run with OPTIMLAB_THREADS set): trains a small MLP and a
 * LeNet for a few steps on the library's path (`models.*`, `losses.crossEntropy`, `train.fit`,
 * `optim.Adam`) and prints one JSON line: the backend info, whether optimlab's generated modules
 * ran on the backend's (possibly shared) memory, how many products were split over two threads
 * (by default on 2 threads; OPTIMLAB_GEMM_THREADS=0 turns it off), and an FNV-1a hash of every trained weight's bits.
 * With THREADS_CHILD_WORKERS_ONLY=1 the calling thread claims no chunk, so the workers compute every
 * split product whatever the load (by default a late worker may find every chunk taken).
 * It never calls process.exit: the parent checks that the process ends by itself.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { setCallerTakesChunks, splitProducts } from "../../src/backend/wasmCode/gemmThreads";
import { wasmMemory, type WasmBackend } from "../../src/backend/wasmKernels/wasmBackend";
import { crossEntropy } from "../../src/losses";
import { lenet, mlp } from "../../src/models";
import { Adam } from "../../src/optim";
import { fit } from "../../src/train";

function hashWeights(model: tf.LayersModel, hash: number): number {
  for (const weight of model.getWeights()) {
    for (const byte of new Uint8Array((weight.dataSync() as Float32Array).slice().buffer)) {
      hash = Math.imul(hash ^ byte, 16777619) >>> 0;
    }
  }
  return hash;
}

async function train(model: tf.LayersModel, inputShape: number[], samples: number): Promise<void> {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(
    Array.from({ length: samples * size }, (_, i) => ((i * 7919) % 1000) / 1000),
    [samples, ...inputShape],
  );
  const y = tf.tensor1d(
    Array.from({ length: samples }, (_, i) => i % 10),
    "int32",
  );
  await fit(model, {
    optimizer: new Adam({ lr: 1e-3 }),
    loss: (logits, labels) => crossEntropy(logits, labels),
    train: { x, y },
    epochs: 1,
    batchSize: 32,
    seed: 7,
    progress: false,
  });
  tf.dispose([x, y]);
}

async function main(): Promise<void> {
  const info = await ready();
  if (process.env.THREADS_CHILD_WORKERS_ONLY === "1") setCallerTakesChunks(false);
  const memory = wasmMemory(tf.backend() as unknown as WasmBackend);
  const dense = mlp({ sizes: [784, 64, 10], seed: 1 });
  await train(dense, [784], 96);
  const conv = lenet({ seed: 2 });
  await train(conv, [784], 64); // lenet() takes flat 784-pixel rows
  const hash = hashWeights(conv, hashWeights(dense, 2166136261));
  const shared = memory !== undefined && memory.buffer instanceof SharedArrayBuffer;
  console.log(JSON.stringify({ info, ownKernelsOnMemory: memory !== undefined, shared, hash, split: splitProducts() }));
}

void main();
