/**
 * CIFAR-10, read from the official binary batches (`data_batch_1.bin` … `data_batch_5.bin`,
 * `test_batch.bin`: each record is 1 label byte then 3072 pixel bytes, the 32×32 red plane, then
 * green, then blue). Missing batches are extracted from the verified official archive.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { Dataset } from "./dataset";
import { dataDir, ensureDataDir, ensureFile } from "./download";
import type { DownloadOptions } from "./fashionMnist";
import { checkLimit, checkSplit, imageDataset, type ImageDatasetOptions } from "./images";
import { readTar } from "./tar";

export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
export const CIFAR10_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";
export const CIFAR10_ARCHIVE = "cifar-10-binary.tar.gz";
export const CIFAR10_FOLDER = "cifar-10-batches-bin";
export const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
/** Records in each official batch file (five training batches and one test batch). */
export const CIFAR10_BATCH_RECORDS = 10_000;
const BATCH_BYTES = CIFAR10_BATCH_RECORDS * RECORD;

export function cifarArchiveEntryMessage(archive: string, name: string, records: number): string {
  return (
    `${archive} holds ${records} records of ${name} where the official archive has ${CIFAR10_BATCH_RECORDS}: ` +
    `it is not the official CIFAR-10 archive; delete it to download it again`
  );
}

export function badCifarFileMessage(file: string, bytes: number): string {
  return `${file} is not a CIFAR-10 binary batch: its size (${bytes} bytes) is not a multiple of ${RECORD} (1 label byte + 3072 pixel bytes per record)`;
}

export function cifarBatchFiles(split: "train" | "test"): string[] {
  return split === "train" ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ["test_batch.bin"];
}

/** Decodes CIFAR-10 binary records into HWC pixel bytes and labels (up to `limit` records). */
export function decodeCifarBatch(
  bytes: Uint8Array,
  source: string,
  limit = Infinity,
): { pixels: Uint8Array; labels: Uint8Array } {
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

/** Why a batch file cannot be used as it is (missing, or not exactly 10,000 records); undefined if it can. */
function batchProblem(file: string): string | undefined {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return "missing";
  }
  return size === BATCH_BYTES ? undefined : `${size / RECORD} records`;
}

/**
 * Makes every batch file complete, extracting missing or incomplete ones (a killed extraction leaves
 * a short file) from the verified archive. Each file is written under a temporary name and renamed,
 * so a batch file is either complete or absent.
 */
async function ensureBatches(dir: string, options: DownloadOptions): Promise<void> {
  const folder = path.join(dir, CIFAR10_FOLDER);
  const wanted = [...cifarBatchFiles("train"), ...cifarBatchFiles("test")];
  const needed = wanted.filter((name) => batchProblem(path.join(folder, name)) !== undefined);
  if (needed.length === 0) return;
  ensureDataDir(dir);
  const url = options.baseUrl ? new URL(CIFAR10_ARCHIVE, options.baseUrl).toString() : CIFAR10_URL;
  let archive: string;
  try {
    archive = await ensureFile({ name: CIFAR10_ARCHIVE, url, sha256: CIFAR10_SHA256 }, dir, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} Or extract the archive so that ${path.join(folder, "data_batch_1.bin")} exists.`);
  }
  const entries = new Map(
    readTar(zlib.gunzipSync(fs.readFileSync(archive)), archive).map((entry) => [path.basename(entry.name), entry]),
  );
  for (const name of needed) {
    const entry = entries.get(name);
    const records = entry ? entry.data.length / RECORD : 0;
    if (records !== CIFAR10_BATCH_RECORDS) throw new Error(cifarArchiveEntryMessage(archive, name, records));
  }
  ensureDataDir(folder);
  for (const name of needed) {
    const target = path.join(folder, name);
    const temporary = `${target}.${process.pid}.part`;
    try {
      fs.writeFileSync(temporary, (entries.get(name) as { data: Uint8Array }).data);
      fs.renameSync(temporary, target);
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
}

function readHead(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const read = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
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
    // Only the records needed are read (the first 1,000 images without reading 30 MB).
    const bytes = readHead(file, Math.min(CIFAR10_BATCH_RECORDS, limit - count) * RECORD);
    const decoded = decodeCifarBatch(bytes, file, limit - count);
    pixels.push(decoded.pixels);
    labels.push(decoded.labels);
    count += decoded.labels.length;
  }
  return imageDataset(Buffer.concat(pixels), Buffer.concat(labels), [SIDE, SIDE, 3], options.flatten ?? true);
}
