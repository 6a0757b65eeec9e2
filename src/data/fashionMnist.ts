/** Fashion-MNIST (Zalando), same IDX layout as MNIST, downloaded once into the data cache. */
import * as path from "node:path";
import type { Dataset } from "./dataset";
import { dataDir, ensureFile, type DownloadSettings } from "./download";
import { readIdxFile } from "./idx";
import { checkLimit, checkSplit, imageDataset, type ImageDatasetOptions } from "./images";

export const FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/** SHA-256 of the official gzipped files. */
export const FASHION_MNIST_SHA256: { [file: string]: string } = {
  "train-images-idx3-ubyte.gz": "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
  "train-labels-idx1-ubyte.gz": "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
  "t10k-images-idx3-ubyte.gz": "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
  "t10k-labels-idx1-ubyte.gz": "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
};

export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** Where the files live and how they are fetched (timeouts and retries: {@link DownloadSettings}). */
export interface DownloadOptions extends DownloadSettings {
  /** Cache folder (default `OPTIMLAB_DATA` or `~/.cache/optimlab`). */
  dir?: string;
  /** Mirror to download from (default: the official URL). */
  baseUrl?: string;
}

/**
 * Fashion-MNIST: x `[n, 784]` float32 in [0, 1] (or `[n, 28, 28, 1]`), y int32 labels
 * (names in {@link FASHION_MNIST_CLASSES}). Files are kept in `<dir>/fashion-mnist/`.
 */
export async function fashionMnist(options: ImageDatasetOptions & DownloadOptions = {}): Promise<Dataset> {
  const split = checkSplit(options.split ?? "train");
  const limit = checkLimit(options.limit);
  const dir = path.join(options.dir ?? dataDir(), "fashion-mnist");
  const baseUrl = options.baseUrl ?? FASHION_MNIST_URL;
  const prefix = split === "train" ? "train" : "t10k";
  const fetchOne = (name: string) =>
    ensureFile({ name, url: new URL(name, baseUrl).toString(), sha256: FASHION_MNIST_SHA256[name] }, dir, options);
  const imagesFile = await fetchOne(`${prefix}-images-idx3-ubyte.gz`);
  const labelsFile = await fetchOne(`${prefix}-labels-idx1-ubyte.gz`);
  const images = readIdxFile(imagesFile, { limit });
  const labels = readIdxFile(labelsFile, { limit });
  return imageDataset(
    images.data as Uint8Array,
    labels.data as Uint8Array,
    [images.dims[1], images.dims[2], 1],
    options.flatten ?? true,
  );
}
