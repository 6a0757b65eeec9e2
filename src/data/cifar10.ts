/**
 * CIFAR-10, read from the official binary batches (`data_batch_1.bin` … `data_batch_5.bin`,
 * `test_batch.bin`: each record is 1 label byte then 3072 pixel bytes, the 32×32 red plane, then
 * green, then blue). Missing batches are extracted from the verified official archive.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { Dataset } from "./dataset";
import { dataDir, ensureFile } from "./download";
import type { DownloadOptions } from "./fashionMnist";
import { checkLimit, checkSplit, imageDataset, type ImageDatasetOptions } from "./images";
import { readTar } from "./tar";

export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
export const CIFAR10_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";
export const CIFAR10_ARCHIVE = "cifar-10-binary.tar.gz";
export const CIFAR10_FOLDER = "cifar-10-batches-bin";
export const CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

export function badCifarFileMessage(file: string, bytes: number): string {
  return `${file} is not a CIFAR-10 binary batch: its size (${bytes} bytes) is not a multiple of ${RECORD} (1 label byte + 3072 pixel bytes per record)`;
}

export function cifarBatchFiles(split: "train" | "test"): string[] {
  return split === "train" ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ["test_batch.bin"];
}

/** Decodes CIFAR-10 binary records into HWC pixel bytes and labels (up to `limit` records). */
export function decodeCifarBatch(bytes: Uint8Array, source: string, limit = Infinity): { pixels: Uint8Array; labels: Uint8Array } {
  if (bytes.length % RECORD !== 0) throw new Error(badCifarFileMessage(source, bytes.length));
  const n = Math.min(bytes.length / RECORD, limit);
  const pixels = new Uint8Array(n * 3 * PLANE);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const base = r * RECORD;
    labels[r] = bytes[base];
    const out = r * 3 * PLANE;
    // Planar RGB (CHW) → interleaved (HWC), the layout tf.layers.conv2d expects.
    for (let p = 0; p < PLANE; p++) {
      pixels[out + 3 * p] = bytes[base + 1 + p];
      pixels[out + 3 * p + 1] = bytes[base + 1 + PLANE + p];
      pixels[out + 3 * p + 2] = bytes[base + 1 + 2 * PLANE + p];
    }
  }
  return { pixels, labels };
}

async function ensureBatches(dir: string, options: DownloadOptions): Promise<void> {
  const folder = path.join(dir, CIFAR10_FOLDER);
  const wanted = [...cifarBatchFiles("train"), ...cifarBatchFiles("test")];
  if (wanted.every((name) => fs.existsSync(path.join(folder, name)))) return;
  const url = options.baseUrl ? new URL(CIFAR10_ARCHIVE, options.baseUrl).toString() : CIFAR10_URL;
  let archive: string;
  try {
    archive = await ensureFile({ name: CIFAR10_ARCHIVE, url, sha256: CIFAR10_SHA256 }, dir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} Or extract the archive so that ${path.join(folder, "data_batch_1.bin")} exists.`);
  }
  const entries = readTar(zlib.gunzipSync(fs.readFileSync(archive)), archive);
  fs.mkdirSync(folder, { recursive: true });
  for (const entry of entries) {
    const name = path.basename(entry.name);
    if (wanted.includes(name)) fs.writeFileSync(path.join(folder, name), entry.data);
  }
}

/**
 * CIFAR-10: x `[n, 3072]` float32 in [0, 1] in HWC order (or `[n, 32, 32, 3]` with
 * `flatten: false`), y int32 labels (names in {@link CIFAR10_CLASSES}).
 */
export async function cifar10(options: ImageDatasetOptions & DownloadOptions = {}): Promise<Dataset> {
  const split = checkSplit(options.split ?? "train");
  const limit = checkLimit(options.limit) ?? Infinity;
  const dir = options.dir ?? dataDir();
  await ensureBatches(dir, options);
  const pixels: Uint8Array[] = [];
  const labels: Uint8Array[] = [];
  let count = 0;
  for (const name of cifarBatchFiles(split)) {
    if (count >= limit) break;
    const file = path.join(dir, CIFAR10_FOLDER, name);
    const decoded = decodeCifarBatch(fs.readFileSync(file), file, limit - count);
    pixels.push(decoded.pixels);
    labels.push(decoded.labels);
    count += decoded.labels.length;
  }
  return imageDataset(Buffer.concat(pixels), Buffer.concat(labels), [SIDE, SIDE, 3], options.flatten ?? true);
}
