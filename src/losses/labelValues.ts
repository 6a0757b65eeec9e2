/**
 * Class-index labels read once per dataset instead of once per training step.
 *
 * `crossEntropy` must reject labels outside [0, C) (torch's "Target … is out of bounds"), which
 * needs the label values on the CPU. Reading every minibatch's labels forces a device read per
 * step; instead a training loop says which dataset a batch's labels were drawn from
 * ({@link labelsDrawnFrom}), and the dataset's distinct values are read once and remembered.
 * Tensors are immutable, so the values of a tensor never go stale; variables (assignable) are
 * never remembered.
 */
import * as tf from "@tensorflow/tfjs";

/** Batch labels → the dataset labels they are a subset of. */
const sources = new WeakMap<tf.Tensor, tf.Tensor>();
/** Labels tensor → its distinct values, read once. */
const distinct = new WeakMap<tf.Tensor, ReadonlySet<number>>();

/**
 * Records that every value of `batch` is one of `dataset`'s values (a minibatch gathered from a
 * dataset), so checking `batch` can use the values of `dataset`, read once for all its batches.
 */
export function labelsDrawnFrom(batch: tf.Tensor, dataset: tf.Tensor): void {
  if (batch !== dataset && !(dataset instanceof tf.Variable)) sources.set(batch, sources.get(dataset) ?? dataset);
}

/**
 * A set holding every value `labels` can contain (a superset when `labels` is a batch of a
 * dataset): read from the device the first time a tensor or its dataset is seen, then remembered.
 */
export function possibleLabelValues(labels: tf.Tensor): ReadonlySet<number> {
  const tensor = sources.get(labels) ?? labels;
  const known = distinct.get(tensor);
  if (known) return known;
  const values = new Set(tensor.dataSync());
  if (!(tensor instanceof tf.Variable)) distinct.set(tensor, values);
  return values;
}
