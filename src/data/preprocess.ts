/** Splitting, standardising and one-hot encoding. */
import * as tf from "@tensorflow/tfjs";
import { rng } from "../backend/random";
import { datasetSize, emptyDatasetMessage, shown, type Dataset } from "./dataset";

export function invalidFractionMessage(value: unknown): string {
  return `Invalid validation fraction: ${shown(value)} (expected a number strictly between 0 and 1)`;
}

export function splitTooSmallMessage(size: number, fraction: number): string {
  return `Cannot split ${size} examples with validation fraction ${fraction}: both parts need at least one example`;
}

/**
 * Random train/validation split (seeded). `validation` is the fraction held out (default 0.2).
 *
 * @example const { train, validation } = data.trainValidationSplit(all, { validation: 0.1 });
 */
export function trainValidationSplit(
  dataset: Dataset,
  options: { validation?: number; shuffle?: boolean; seed?: number } = {},
): { train: Dataset; validation: Dataset } {
  const fraction = options.validation ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new Error(invalidFractionMessage(fraction));
  const n = datasetSize(dataset);
  if (n === 0) throw new Error(emptyDatasetMessage("trainValidationSplit"));
  const held = Math.round(n * fraction);
  if (held === 0 || held === n) throw new Error(splitTooSmallMessage(n, fraction));
  const order =
    options.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : rng(options.seed).permutation(n);
  const pick = (rows: Int32Array): Dataset =>
    tf.tidy(() => {
      const indices = tf.tensor1d(rows, "int32");
      return { x: tf.gather(dataset.x, indices), y: tf.gather(dataset.y, indices) };
    });
  return { train: pick(order.subarray(0, n - held)), validation: pick(order.subarray(n - held)) };
}

/** Per-feature mean and standard deviation, computed on training data only. */
export interface Standardizer {
  mean: tf.Tensor;
  std: tf.Tensor;
  /** (x − mean) / std, with the training statistics. */
  apply(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/**
 * Fits a standardiser on `x` (first dimension = examples); apply it to train, validation and test
 * so no statistic leaks from held-out data. Constant features get std 1 (left centred, not divided by 0).
 */
export function standardize(x: tf.Tensor): Standardizer {
  if ((x.shape[0] ?? 0) === 0) throw new Error(emptyDatasetMessage("standardize"));
  const [mean, std] = tf.tidy(() => {
    const moments = tf.moments(x, 0);
    const deviation = tf.sqrt(moments.variance);
    return [moments.mean, tf.where(tf.greater(deviation, 1e-12), deviation, tf.onesLike(deviation))];
  });
  return {
    mean,
    std,
    apply: (input) => tf.tidy(() => tf.div(tf.sub(input, mean), std)),
    dispose: () => tf.dispose([mean, std]),
  };
}

export function invalidLabelsMessage(detail: string): string {
  return `Invalid labels for oneHot: ${detail}`;
}

/** torch's `F.one_hot` checks (its text), then the label at fault. */
export function labelTooLargeMessage(label: number, classes: number): string {
  return `Class values must be smaller than num_classes. oneHot got the label ${label} with classes = ${classes} (labels are 0 … ${classes - 1})`;
}

export function negativeLabelMessage(label: number): string {
  return `Class values must be non-negative. oneHot got the label ${label}`;
}

export function fractionalLabelMessage(label: number): string {
  return `one_hot is only applicable to index tensor. oneHot got the label ${label}, which is not an integer (labels are class indices 0, 1, …)`;
}

/**
 * Integer labels `[n]` → float32 one-hot `[n, classes]`. Labels may be int32 or float with
 * integer values; a label outside 0 … classes - 1 or not an integer throws torch's `F.one_hot`
 * errors (tfjs's oneHot would give an all-zero row, or truncate 1.7 to class 1).
 */
export function oneHot(labels: tf.Tensor, classes: number): tf.Tensor2D {
  if (labels.rank !== 1)
    throw new Error(
      invalidLabelsMessage(`expected a 1-D tensor of class indices, got shape [${labels.shape.join(", ")}]`),
    );
  if (!Number.isInteger(classes) || classes <= 0)
    throw new Error(invalidLabelsMessage(`classes must be a positive integer, got ${shown(classes)}`));
  for (const label of labels.dataSync()) {
    // A float32 label as it was typed (1.7, not 1.7000000476837158).
    if (!Number.isInteger(label)) throw new Error(fractionalLabelMessage(Number(label.toPrecision(7))));
    if (label < 0) throw new Error(negativeLabelMessage(label));
    if (label >= classes) throw new Error(labelTooLargeMessage(label, classes));
  }
  return tf.tidy(() => tf.oneHot(tf.cast(labels, "int32") as tf.Tensor1D, classes).toFloat() as tf.Tensor2D);
}
