/**
 * Minibatches of a {@link Dataset}, reshuffled every epoch from a seed.
 *
 * Batches are built with `tf.gather` on the dataset tensors: only the batch's rows are copied
 * (a `tf.slice` of the whole dataset copies the whole source on the wasm backend).
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, nextSeed, Random } from "../backend/random";
import { checkOptionNames, datasetSize, emptyDatasetMessage, shown, type Dataset } from "./dataset";

export function invalidBatchSizeMessage(value: unknown): string {
  return `Invalid batchSize: ${shown(value)} (expected a positive integer, or "full" for full-batch gradient descent)`;
}

/**
 * `where` (fit, lrRangeTest) was given a loader that yields no batches: with `dropLast` and a
 * `batchSize` above the dataset's rows (torch's `len(loader) == 0`), or, with `epoch`, a loader of
 * one's own whose `batches()` yielded nothing in that epoch.
 */
export function noBatchesMessage(
  where: string,
  loader: { readonly size: number; readonly batchSize: number; readonly dropLast: boolean; readonly length?: number },
  epoch?: number,
): string {
  const { size, batchSize, dropLast } = loader;
  const facts = `the dataset has ${size} row${size === 1 ? "" : "s"}, batchSize is ${batchSize}, dropLast is ${dropLast}`;
  if (epoch === undefined && dropLast && batchSize > size)
    return `${where}: the DataLoader yields no batches: ${facts}, so its only batch (${size} < ${batchSize} rows) is dropped. Use batchSize at most ${size}, or dropLast: false for one batch of all ${size} rows`;
  return `${where}: the DataLoader yielded no batches${epoch === undefined ? "" : ` in epoch ${epoch}`} (${facts}${loader.length === undefined ? "" : `, length ${loader.length}`}); a training loader must yield at least one batch every epoch: check its batches() and length`;
}

/** One minibatch. Call `dispose()` when done (a no-op for a full batch, which is the dataset itself). */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Examples in this batch. */
  size: number;
  /** Position of the batch in its epoch, from 0. */
  index: number;
  dispose(): void;
}

export interface DataLoaderOptions {
  /**
   * Examples per batch (default 32); `"full"` gives one batch of the whole dataset per epoch, and so
   * does a size above the dataset's rows, unless `dropLast` drops that one short batch (as torch).
   */
  batchSize?: number | "full";
  /** Reshuffle every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false); with a `batchSize` above the dataset's rows that leaves no batch at all. */
  dropLast?: boolean;
  /** Seed for the shuffles (default: the next sub-seed of `seed(n)`). */
  seed?: number;
}

/** A loader's seed that is not an integer (NaN shuffled as some seed, 1.5 as 1, "3" as 3). */
export function invalidLoaderSeedMessage(value: unknown): string {
  return `Invalid seed: ${shown(value)} (expected an integer, e.g. seed: 0; the same seed gives the same shuffles)`;
}

/** A dataset tensor was disposed before (or while) a loader read it. */
export function disposedDatasetMessage(loader: string, which: "x" | "y"): string {
  return `${loader}: the dataset's ${which} tensor is disposed; build the loader on live tensors, and dispose a dataset only once no loader (or fit) reads it any more`;
}

function checkNotDisposed(loader: string, dataset: Dataset): void {
  for (const which of ["x", "y"] as const)
    if (dataset?.[which]?.isDisposed === true) throw new Error(disposedDatasetMessage(loader, which));
}

/**
 * Rows `rows` of `x` and of `y`, one index tensor for both. Disposes by hand rather than in a
 * `tf.tidy`: a scope per batch costs more than the two gathers' own dispatch.
 */
function gatherRows(x: tf.Tensor, y: tf.Tensor, rows: Int32Array): [tf.Tensor, tf.Tensor] {
  const indices = tf.tensor1d(rows, "int32");
  let batchX: tf.Tensor | undefined;
  try {
    batchX = tf.gather(x, indices);
    return [batchX, tf.gather(y, indices)];
  } catch (error) {
    batchX?.dispose();
    throw error;
  } finally {
    indices.dispose();
  }
}

/**
 * Iterable of minibatches; each `for…of` is one epoch. Epoch `e` is shuffled with a seed derived
 * from (`seed`, `e`), so the data order is a pure function of the seed.
 *
 * @example for (const batch of new DataLoader(train, { batchSize: 64, shuffle: true })) { …; batch.dispose(); }
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  /** Examples in the dataset. */
  readonly size: number;
  /**
   * Examples per batch as asked for (torch's `loader.batch_size`), even above `size`; `"full"`
   * reads as `size`. The largest batch actually yielded is {@link maxBatchSize}.
   */
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  /** Epochs started so far (the next `for…of` runs epoch `epoch`). */
  epoch = 0;

  /**
   * The options the constructor accepts; others throw (torch: "unexpected keyword argument"). A
   * subclass that takes options of its own lists them in its own `optionNames` to keep the check; one
   * that does not is not checked (its options are its business: `class MyLoader extends DataLoader`
   * reading `options.extra` keeps working).
   */
  static readonly optionNames: readonly string[] = ["batchSize", "shuffle", "dropLast", "seed"];

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    if (Object.hasOwn(new.target, "optionNames")) checkOptionNames(new.target.name, options, new.target.optionNames);
    checkNotDisposed(new.target.name, dataset);
    this.size = datasetSize(dataset);
    if (this.size === 0) throw new Error(emptyDatasetMessage("DataLoader"));
    const batchSize = options.batchSize ?? 32;
    if (batchSize !== "full" && (!Number.isInteger(batchSize) || batchSize <= 0))
      throw new Error(invalidBatchSizeMessage(batchSize));
    this.dataset = dataset;
    this.batchSize = batchSize === "full" ? this.size : batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    if (options.seed !== undefined && !(typeof options.seed === "number" && Number.isInteger(options.seed)))
      throw new Error(invalidLoaderSeedMessage(options.seed));
    this.seed = options.seed ?? nextSeed();
  }

  /** Batches per epoch (as torch's `len(loader)`): 0 with `dropLast` and a `batchSize` above `size`. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** Examples in the largest batch: `batchSize`, or `size` when the dataset is smaller. */
  get maxBatchSize(): number {
    return Math.min(this.batchSize, this.size);
  }

  /** True when each epoch is one batch of the whole dataset in order (full-batch gradient descent). */
  get isFullBatch(): boolean {
    return this.batchSize >= this.size && this.length === 1;
  }

  /** The example order of epoch `epoch` (identity when not shuffling). */
  order(epoch: number): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: this.size }, (_, i) => i);
    return new Random(deriveSeed(this.seed, epoch)).permutation(this.size);
  }

  /**
   * The example order epoch `epoch`'s batches take, batch after batch: a full batch is the dataset
   * in order, shuffled or not (the mean loss does not depend on the order).
   */
  batchOrder(epoch: number): Int32Array {
    return this.isFullBatch ? Int32Array.from({ length: this.size }, (_, i) => i) : this.order(epoch);
  }

  /** Batches of one given epoch (does not advance `epoch`). */
  *batches(epoch: number): Generator<Batch> {
    checkNotDisposed((this.constructor as typeof DataLoader).name, this.dataset);
    if (this.isFullBatch) {
      // The mean loss does not depend on the order, so skip the copy entirely.
      yield { x: this.dataset.x, y: this.dataset.y, size: this.size, index: 0, dispose: () => {} };
      return;
    }
    const order = this.order(epoch);
    const { x: allX, y: allY } = this.dataset;
    for (let b = 0; b < this.length; b++) {
      const rows = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, this.size));
      const [x, y] = gatherRows(allX, allY, rows);
      yield { x, y, size: rows.length, index: b, dispose: () => tf.dispose([x, y]) };
    }
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.batches(this.epoch++);
  }
}
