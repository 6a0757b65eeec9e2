/**
 * A DataLoader that augments every training batch afresh: epoch e, batch b gets its own seed, so
 * each epoch sees new random versions of the images while the labels stay as they are. Pass it
 * as `train` to `train.fit` (validation data is never augmented).
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../backend/random";
import type { Dataset } from "./dataset";
import { DataLoader, type Batch, type DataLoaderOptions } from "./loader";

export interface AugmentedLoaderOptions extends DataLoaderOptions {
  /** Returns the augmented copy of a batch of inputs (e.g. `(x, seed) => data.randomAffine(x, { maxShift: 2, seed })`). */
  augment: (x: tf.Tensor, seed: number) => tf.Tensor;
}

export const missingAugmentMessage = (): string =>
  "AugmentedLoader: options.augment must be a function (x, seed) => augmented x";

// Offset that keeps the augmentation seeds apart from the shuffle seeds deriveSeed(seed, epoch).
const AUGMENT_STREAM = 0x41554700;

/** @example train.fit(net, { train: new data.AugmentedLoader(trainSet, { batchSize: 64, shuffle: true, augment: (x, s) => data.randomAffine(x, { maxShift: 2, seed: s }) }), … }) */
export class AugmentedLoader extends DataLoader {
  readonly augment: (x: tf.Tensor, seed: number) => tf.Tensor;
  static override readonly optionNames: readonly string[] = [...DataLoader.optionNames, "augment"];

  constructor(dataset: Dataset, options: AugmentedLoaderOptions) {
    super(dataset, options);
    if (typeof options?.augment !== "function") throw new Error(missingAugmentMessage());
    this.augment = options.augment;
  }

  /** The seed of batch `index` in epoch `epoch`. */
  augmentSeed(epoch: number, index: number): number {
    return deriveSeed(deriveSeed(this.seed ^ AUGMENT_STREAM, epoch), index);
  }

  override *batches(epoch: number): Generator<Batch> {
    for (const batch of super.batches(epoch)) {
      const x = tf.tidy(() => this.augment(batch.x, this.augmentSeed(epoch, batch.index)));
      yield {
        x,
        y: batch.y,
        size: batch.size,
        index: batch.index,
        dispose: () => {
          x.dispose();
          batch.dispose();
        },
      };
    }
  }
}
