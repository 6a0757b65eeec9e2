import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { checksumMismatchMessage, downloadFailedMessage, ensureFile, sha256 } from "../../src/data/download";
import { encodeIdxUint8 } from "../../src/data/idx";
import { FASHION_MNIST_SHA256, fashionMnist } from "../../src/data/fashionMnist";
import { CIFAR10_FOLDER, CIFAR10_SHA256, badCifarFileMessage, cifar10, decodeCifarBatch } from "../../src/data/cifar10";
import { corruptTarMessage, readTar, writeTar } from "../../src/data/tar";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-data-"));
}

/** Serves `files` on 127.0.0.1 (with one redirect at /moved/…) and counts requests. */
async function serve(files: { [name: string]: Buffer }): Promise<{ baseUrl: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = request.url ?? "/";
    requests.push(url);
    if (url.startsWith("/moved/")) {
      response.writeHead(302, { location: url.replace("/moved/", "/") });
      return response.end();
    }
    const body = files[url.slice(1)];
    if (!body) {
      response.writeHead(404);
      return response.end();
    }
    response.writeHead(200, { "content-length": body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test("ensureFile downloads, verifies, caches (following a redirect) and does not download twice", async () => {
  const body = Buffer.from("the official bytes");
  const server = await serve({ "file.bin": body });
  const dir = tempDir();
  try {
    const remote = { name: "file.bin", url: `${server.baseUrl}moved/file.bin`, sha256: sha256(body) };
    const file = await ensureFile(remote, dir);
    assert.equal(file, path.join(dir, "file.bin"));
    assert.deepEqual(fs.readFileSync(file), body);
    await ensureFile(remote, dir);
    assert.deepEqual(server.requests, ["/moved/file.bin", "/file.bin"]);
    assert.deepEqual(fs.readdirSync(dir), ["file.bin"]);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test("a corrupted download fails with the checksum message and leaves nothing in the cache", async () => {
  const server = await serve({ "file.bin": Buffer.from("corrupted") });
  const dir = tempDir();
  try {
    const url = `${server.baseUrl}file.bin`;
    const expected = sha256(Buffer.from("official"));
    await assert.rejects(ensureFile({ name: "file.bin", url, sha256: expected }, dir), {
      message: checksumMismatchMessage(path.join(dir, "file.bin"), url, expected, sha256(Buffer.from("corrupted"))),
    });
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test("offline and missing: the error names the file, the URL and how to place it by hand", async () => {
  const server = await serve({});
  const dir = tempDir();
  try {
    const url = `${server.baseUrl}missing.bin`;
    const file = path.join(dir, "missing.bin");
    await assert.rejects(ensureFile({ name: "missing.bin", url, sha256: "00" }, dir), { message: downloadFailedMessage(file, url, dir, "HTTP 404") });
  } finally {
    await server.close();
  }
  // A port that was just closed: the connection is refused, as when offline.
  const gone = await serve({});
  await gone.close();
  const closed = `${gone.baseUrl}nothing.bin`;
  const port = new URL(gone.baseUrl).port;
  await assert.rejects(ensureFile({ name: "nothing.bin", url: closed, sha256: "00" }, dir), {
    message: downloadFailedMessage(path.join(dir, "nothing.bin"), closed, dir, `connect ECONNREFUSED 127.0.0.1:${port}`),
  });
  fs.rmSync(dir, { recursive: true });
});

test("fashionMnist reads cached gzipped IDX files in the official layout", async () => {
  const dir = tempDir();
  const folder = path.join(dir, "fashion-mnist");
  fs.mkdirSync(folder);
  const images = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => i % 256);
  fs.writeFileSync(path.join(folder, "t10k-images-idx3-ubyte.gz"), zlib.gzipSync(encodeIdxUint8([3, 28, 28], images)));
  fs.writeFileSync(path.join(folder, "t10k-labels-idx1-ubyte.gz"), zlib.gzipSync(encodeIdxUint8([3], Uint8Array.from([9, 0, 3]))));
  const test = await fashionMnist({ split: "test", dir, flatten: false, limit: 2 });
  assert.deepEqual(test.x.shape, [2, 28, 28, 1]);
  assert.deepEqual(Array.from(test.y.dataSync()), [9, 0]);
  assert.ok(Math.abs(test.x.dataSync()[255] - 1) < 1e-7);
  tf.dispose([test.x, test.y]);
  fs.rmSync(dir, { recursive: true });
});

test("fashionMnist download from a mirror verifies the official SHA-256 (a wrong file is rejected)", async () => {
  const fake = zlib.gzipSync(encodeIdxUint8([1], Uint8Array.from([1])));
  const server = await serve({ "train-images-idx3-ubyte.gz": fake });
  const dir = tempDir();
  try {
    const file = path.join(dir, "fashion-mnist", "train-images-idx3-ubyte.gz");
    await assert.rejects(fashionMnist({ dir, baseUrl: server.baseUrl }), {
      message: checksumMismatchMessage(file, `${server.baseUrl}train-images-idx3-ubyte.gz`, FASHION_MNIST_SHA256["train-images-idx3-ubyte.gz"], sha256(fake)),
    });
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

function cifarRecords(labels: number[]): Buffer {
  const records = labels.map((label, r) => {
    const record = Buffer.alloc(3073);
    record[0] = label;
    for (let p = 0; p < 1024; p++) {
      record[1 + p] = (r + p) % 256; // red plane
      record[1 + 1024 + p] = 100; // green plane
      record[1 + 2048 + p] = 200; // blue plane
    }
    return record;
  });
  return Buffer.concat(records);
}

test("decodeCifarBatch turns planar RGB records into HWC pixels", () => {
  const decoded = decodeCifarBatch(cifarRecords([3, 7]), "b.bin");
  assert.deepEqual(Array.from(decoded.labels), [3, 7]);
  assert.deepEqual(Array.from(decoded.pixels.subarray(0, 6)), [0, 100, 200, 1, 100, 200]);
  assert.deepEqual(Array.from(decoded.pixels.subarray(3072, 3075)), [1, 100, 200]);
  assert.throws(() => decodeCifarBatch(Buffer.alloc(100), "bad.bin"), { message: badCifarFileMessage("bad.bin", 100) });
});

test("cifar10 reads the binary batches from the cache, with limit across batches", async () => {
  const dir = tempDir();
  const folder = path.join(dir, CIFAR10_FOLDER);
  fs.mkdirSync(folder);
  for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(folder, `data_batch_${i}.bin`), cifarRecords([i, i]));
  fs.writeFileSync(path.join(folder, "test_batch.bin"), cifarRecords([9]));
  const train = await cifar10({ dir, limit: 3, flatten: false });
  assert.deepEqual(train.x.shape, [3, 32, 32, 3]);
  assert.deepEqual(Array.from(train.y.dataSync()), [1, 1, 2]);
  const test = await cifar10({ dir, split: "test" });
  assert.deepEqual(test.x.shape, [1, 3072]);
  tf.dispose([train.x, train.y, test.x, test.y]);
  fs.rmSync(dir, { recursive: true });
});

test("cifar10 download: a corrupted archive is rejected, naming the extracted layout too", async () => {
  const archive = zlib.gzipSync(writeTar([{ name: "cifar-10-batches-bin/test_batch.bin", data: cifarRecords([1]) }]));
  const server = await serve({ "cifar-10-binary.tar.gz": archive });
  const dir = tempDir();
  try {
    const url = `${server.baseUrl}cifar-10-binary.tar.gz`;
    const expected =
      checksumMismatchMessage(path.join(dir, "cifar-10-binary.tar.gz"), url, CIFAR10_SHA256, sha256(archive)) +
      ` Or extract the archive so that ${path.join(dir, CIFAR10_FOLDER, "data_batch_1.bin")} exists.`;
    await assert.rejects(cifar10({ dir, baseUrl: server.baseUrl }), { message: expected });
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test("readTar round-trips writeTar and rejects a corrupted header", () => {
  const archive = writeTar([
    { name: "a/one.bin", data: Buffer.from("one") },
    { name: "two.bin", data: Buffer.alloc(700, 7) },
  ]);
  const entries = readTar(archive);
  assert.deepEqual(entries.map((e) => [e.name, e.data.length]), [["a/one.bin", 3], ["two.bin", 700]]);
  assert.equal(Buffer.from(entries[0].data).toString(), "one");
  const broken = Buffer.from(archive);
  broken[10] ^= 0xff;
  assert.throws(() => readTar(broken, "x.tar"), { message: corruptTarMessage("x.tar", 0) });
});
