import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { crossEntropy, messages } from "../../src/losses";
import { labelsDrawnFrom, possibleLabelValues } from "../../src/losses/labelValues";
import { mlp } from "../../src/models/builders";
import { SGD } from "../../src/optim/sgd";
import { fit } from "../../src/train/fit";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

/** Counts `tensor.dataSync()` calls (the device reads a label check makes). */
function countReads(tensor: tf.Tensor): { count: number } {
  const reads = { count: 0 };
  const read = tensor.dataSync.bind(tensor);
  tensor.dataSync = (() => {
    reads.count++;
    return read();
  }) as typeof tensor.dataSync;
  return reads;
}

/** crossEntropy's masked formula before the all-counted path: notEqual/where mask, divide by the mask's sum. */
function maskedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const logProbs = tf.logSoftmax(logits, 1);
  const counted = tf.notEqual(labels, -100);
  const oneHot = tf.oneHot(tf.reshape(tf.where(counted, labels, tf.zerosLike(labels)), [-1]), 4).toFloat();
  const countedF = counted.toFloat();
  const perSample = tf.mul(tf.neg(tf.sum(tf.mul(oneHot, logProbs), 1)), countedF);
  return tf.div(tf.sum(perSample), tf.sum(countedF));
}

describe("crossEntropy reads class labels once per dataset", () => {
  it("batches drawn from a dataset are checked from the dataset's values, read once", () => {
    const dataset = tf.tensor1d([0, 3, 1, 2, 1, 0], "int32");
    const logits = tf.randomNormal([2, 4], 0, 1, "float32", 1);
    const datasetReads = countReads(dataset);
    const batches = [tf.gather(dataset, [0, 1]), tf.gather(dataset, [2, 3]), tf.gather(dataset, [4, 5])];
    const batchReads = batches.map((b) => countReads(b));
    for (const batch of batches) {
      labelsDrawnFrom(batch, dataset);
      tf.dispose(crossEntropy(logits, batch));
    }
    assert.equal(datasetReads.count, 1);
    assert.deepEqual(
      batchReads.map((r) => r.count),
      [0, 0, 0],
    );
    tf.dispose([dataset, logits, ...batches]);
  });

  it("a bad label is still reported by value, from the batch that holds it", () => {
    const dataset = tf.tensor1d([0, 1, 7, 2], "int32");
    const logits = tf.zeros([2, 4]);
    const clean = tf.gather(dataset, [0, 1]);
    const bad = tf.gather(dataset, [3, 2]);
    labelsDrawnFrom(clean, dataset);
    labelsDrawnFrom(bad, dataset);
    tf.dispose(crossEntropy(logits, clean));
    assert.throws(() => crossEntropy(logits, bad), { message: messages.targetOutOfBounds(7, 4, -100) });
    tf.dispose([dataset, logits, clean, bad]);
  });

  it("variables are read every time (they can be assigned)", () => {
    const labels = tf.variable(tf.tensor1d([0, 1], "int32"));
    assert.deepEqual([...possibleLabelValues(labels)], [0, 1]);
    labels.assign(tf.tensor1d([2, 3], "int32"));
    assert.deepEqual([...possibleLabelValues(labels)], [2, 3]);
    labels.dispose();
  });

  it("without ignored labels: the same loss and gradient bits as the masked formula (cpu, wasm), and wasm ≈ cpu", async () => {
    const read: Record<string, Float32Array[]> = {};
    for (const backend of ["cpu", "wasm"] as const) {
      if (backend === "wasm") await setUpWasm();
      assert.ok(await tf.setBackend(backend));
      const logits = tf.tensor2d(uniform(20, 7, -6, 6), [5, 4]);
      const labels = tf.tensor1d([3, 0, 2, 2, 1], "int32");
      const grad = (loss: (z: tf.Tensor) => tf.Scalar) => tf.valueAndGrad(loss)(logits);
      const ours = grad((z) => crossEntropy(z, labels));
      const masked = grad((z) => maskedCrossEntropy(z, labels));
      read[backend] = [ours.value, ours.grad].map((t) => t.dataSync() as Float32Array);
      assert.deepEqual(
        read[backend],
        [masked.value, masked.grad].map((t) => t.dataSync()),
      );
      tf.dispose([logits, labels, ours.value, ours.grad, masked.value, masked.grad]);
    }
    read.wasm.forEach((values, i) => values.forEach((v, j) => assert.ok(Math.abs(v - read.cpu[i][j]) < 1e-5)));
    assert.ok(read.cpu[0][0] > 0.5, "a real loss, not the int32 bits of a one-hot read as float32");
  });

  it("fit: a label out of range in a later batch stops training with the message", async () => {
    const x = tf.randomNormal([8, 3], 0, 1, "float32", 3);
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 2], "int32");
    const model = mlp({ sizes: [3, 4, 2], seed: 1 });
    await assert.rejects(
      fit(model, {
        optimizer: new SGD({ lr: 0.1 }),
        loss: crossEntropy,
        train: { x, y },
        batchSize: 4,
        shuffle: false,
        progress: false,
      }),
      { message: messages.targetOutOfBounds(2, 2, -100) },
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});
