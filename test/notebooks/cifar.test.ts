/**
 * The CIFAR-10 path of notebook 11, exercised in CI without the 170 MB download: a data folder in the official
 * binary format (six batch files of 10,000 records of 1 label byte + 3072 pixel bytes, red plane then green then
 * blue) whose first records carry a learnable pattern and whose rest is a sparse run of zeros, then
 * `optimlab test notebooks/11-cnn-with-adam.ipynb --param dataset=cifar10` with a small trainSize.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";

const RECORD = 1 + 3 * 32 * 32;
const RECORDS_PER_BATCH = 10_000;

/** n records: label i mod 10, a noisy background and a bright 8×8 square whose place and colour depend on the label. */
function patternRecords(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n * RECORD);
  let state = seed >>> 0;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    const base = i * RECORD;
    out[base] = label;
    const top = 4 + 12 * Math.floor(label / 5);
    const left = 2 + 5 * (label % 5);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) {
          const inSquare = y >= top && y < top + 8 && x >= left && x < left + 8;
          out[base + 1 + c * 1024 + y * 32 + x] = inSquare ? (c === label % 3 ? 250 : 120) : Math.floor(random() * 60);
        }
  }
  return out;
}

/** A batch file of the official size whose first records are `head`; the rest is left sparse (zeros). */
function writeBatch(file: string, head: Buffer): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.ftruncateSync(fd, RECORDS_PER_BATCH * RECORD);
    fs.writeSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
}

test("notebook 11 runs on CIFAR-10 in the official binary format", { timeout: 300_000 }, (t) => {
  const root = repoRoot();
  const cli = path.join(root, "bin", "optimlab.js");
  if (!fs.existsSync(path.join(root, "dist", "cli", "main.js")))
    return t.skip("the CLI is not built (run `npm run build`)");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-cifar-"));
  try {
    const folder = path.join(dataDir, "cifar-10-batches-bin");
    fs.mkdirSync(folder);
    for (let b = 1; b <= 5; b++)
      writeBatch(path.join(folder, `data_batch_${b}.bin`), patternRecords(b === 1 ? 512 : 0, b));
    writeBatch(path.join(folder, "test_batch.bin"), patternRecords(1000, 99));
    const run = spawnSync(
      process.execPath,
      [
        cli,
        "test",
        path.join("notebooks", "11-cnn-with-adam.ipynb"),
        "--param",
        "dataset=cifar10",
        "--param",
        "trainSize=512",
        "--param",
        "epochs=1",
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, OPTIMLAB_DATA: dataDir }, timeout: 280_000 },
    );
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1 notebook: 1 passed, 0 failed/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
