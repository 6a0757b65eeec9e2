import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import {
  cachedMismatchMessage,
  checksumMismatchMessage,
  connectTimeoutMessage,
  dataDirMessage,
  downloadFailedMessage,
  ensureFile,
  httpDownload,
  recordVerified,
  sha256,
} from "../../src/data/download";
import { encodeIdxUint8 } from "../../src/data/idx";
import { FASHION_MNIST_SHA256, fashionMnist } from "../../src/data/fashionMnist";
import {
  CIFAR10_ARCHIVE,
  CIFAR10_BATCH_RECORDS,
  CIFAR10_FOLDER,
  CIFAR10_SHA256,
  badCifarFileMessage,
  cifar10,
  cifarArchiveEntryMessage,
  decodeCifarBatch,
} from "../../src/data/cifar10";
import { corruptTarMessage, readTar, writeTar } from "../../src/data/tar";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-data-"));
}

/** Serves `files` on 127.0.0.1 (with one redirect at /moved/…) and counts requests. */
async function serve(files: {
  [name: string]: Buffer;
}): Promise<{ baseUrl: string; requests: string[]; close: () => Promise<void> }> {
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
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test("ensureFile downloads, verifies, caches (following a redirect) and does not download twice", async () => {
  const body = Buffer.from("the official bytes");
  const server = await serve({ "file.bin": body });
  const dir = tempDir();
  try {
    const remote = { name: "file.bin", url: `${server.baseUrl}moved/file.bin`, sha256: sha256(body) };
    // What a download killed by SIGKILL leaves: a partial file named after its (now dead) process.
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    fs.writeFileSync(path.join(dir, `file.bin.${deadPid}.part`), "partial");
    const file = await ensureFile(remote, dir);
    assert.equal(file, path.join(dir, "file.bin"));
    assert.deepEqual(fs.readFileSync(file), body);
    await ensureFile(remote, dir);
    assert.deepEqual(server.requests, ["/moved/file.bin", "/file.bin"]);
    assert.deepEqual(fs.readdirSync(dir), [".file.bin.sha256.json", "file.bin"], "the file and its verification stamp");
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
    await assert.rejects(ensureFile({ name: "missing.bin", url, sha256: "00" }, dir), {
      message: downloadFailedMessage(file, url, dir, "HTTP 404"),
    });
  } finally {
    await server.close();
  }
  // A port that was just closed: the connection is refused, as when offline.
  const gone = await serve({});
  await gone.close();
  const closed = `${gone.baseUrl}nothing.bin`;
  const port = new URL(gone.baseUrl).port;
  await assert.rejects(ensureFile({ name: "nothing.bin", url: closed, sha256: "00" }, dir, { backoffMs: 10 }), {
    message: downloadFailedMessage(
      path.join(dir, "nothing.bin"),
      closed,
      dir,
      `connect ECONNREFUSED 127.0.0.1:${port}; tried 3 times`,
    ),
  });
  fs.rmSync(dir, { recursive: true });
});

test("fashionMnist reads cached gzipped IDX files in the official layout", async () => {
  const dir = tempDir();
  const folder = path.join(dir, "fashion-mnist");
  fs.mkdirSync(folder);
  const images = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => i % 256);
  fs.writeFileSync(path.join(folder, "t10k-images-idx3-ubyte.gz"), zlib.gzipSync(encodeIdxUint8([3, 28, 28], images)));
  fs.writeFileSync(
    path.join(folder, "t10k-labels-idx1-ubyte.gz"),
    zlib.gzipSync(encodeIdxUint8([3], Uint8Array.from([9, 0, 3]))),
  );
  // Stand-ins for the official files: stamped as verified, as a real download would leave them.
  for (const name of ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
    recordVerified(path.join(folder, name), FASHION_MNIST_SHA256[name]);
  }
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
      message: checksumMismatchMessage(
        file,
        `${server.baseUrl}train-images-idx3-ubyte.gz`,
        FASHION_MNIST_SHA256["train-images-idx3-ubyte.gz"],
        sha256(fake),
      ),
    });
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

/** A full-size batch (10,000 records, sparse on disk) whose first records carry `labels`. */
function writeBatch(file: string, labels: number[]): void {
  fs.writeFileSync(file, cifarRecords(labels));
  fs.truncateSync(file, CIFAR10_BATCH_RECORDS * 3073);
}

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
  for (let i = 1; i <= 5; i++) writeBatch(path.join(folder, `data_batch_${i}.bin`), [i, i]);
  writeBatch(path.join(folder, "test_batch.bin"), [9]);
  const train = await cifar10({ dir, limit: 3, flatten: false });
  assert.deepEqual(train.x.shape, [3, 32, 32, 3]);
  assert.deepEqual(Array.from(train.y.dataSync()), [1, 1, 0]);
  const test = await cifar10({ dir, split: "test", limit: 2 });
  assert.deepEqual(test.x.shape, [2, 3072]);
  assert.deepEqual(Array.from(test.y.dataSync()), [9, 0]);
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
  assert.deepEqual(
    entries.map((e) => [e.name, e.data.length]),
    [
      ["a/one.bin", 3],
      ["two.bin", 700],
    ],
  );
  assert.equal(Buffer.from(entries[0].data).toString(), "one");
  const broken = Buffer.from(archive);
  broken[10] ^= 0xff;
  assert.throws(() => readTar(broken, "x.tar"), { message: corruptTarMessage("x.tar", 0) });
});

test("a cached file is verified once: the wrong file is refused, the stamp is trusted until the file changes", async () => {
  const dir = tempDir();
  try {
    const official = Buffer.from("official bytes");
    const remote = { name: "file.bin", url: "http://127.0.0.1:9/file.bin", sha256: sha256(official) };
    const file = path.join(dir, "file.bin");
    // A valid-looking file that is not the official one, placed by hand or left by an old version.
    fs.writeFileSync(file, "wrong but valid");
    await assert.rejects(ensureFile(remote, dir), {
      message: cachedMismatchMessage(file, remote.url, remote.sha256, sha256(Buffer.from("wrong but valid"))),
    });
    fs.writeFileSync(file, official);
    const then = new Date(1_700_000_000_000);
    fs.utimesSync(file, then, then);
    assert.equal(await ensureFile(remote, dir), file);
    const stamp = fs.readdirSync(dir).filter((name) => name !== "file.bin");
    assert.equal(stamp.length, 1, "one stamp file records the verification");
    // Same size and time: the stamp is trusted (no re-hash), so an equal-length change with the old mtime passes…
    fs.writeFileSync(file, "OFFICIAL BYTES");
    fs.utimesSync(file, then, then);
    assert.equal(await ensureFile(remote, dir), file);
    // …but a file that changed (new mtime) is verified again.
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await assert.rejects(ensureFile(remote, dir), { message: /does not match the official SHA-256/ });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("fashionMnist refuses a cached IDX file that is valid but not the official one", async () => {
  const dir = tempDir();
  const folder = path.join(dir, "fashion-mnist");
  fs.mkdirSync(folder);
  const name = "t10k-images-idx3-ubyte.gz";
  const wrong = zlib.gzipSync(encodeIdxUint8([1, 28, 28], new Uint8Array(784)));
  fs.writeFileSync(path.join(folder, name), wrong);
  const url = new URL(name, "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/").toString();
  await assert.rejects(fashionMnist({ dir, split: "test" }), {
    message: cachedMismatchMessage(path.join(folder, name), url, FASHION_MNIST_SHA256[name], sha256(wrong)),
  });
  fs.rmSync(dir, { recursive: true });
});

/** Serves every path with a custom handler, counting requests. */
async function serveWith(
  handler: (request: http.IncomingMessage, response: http.ServerResponse, count: number) => void,
): Promise<{ baseUrl: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((request, response) => handler(request, response, ++count));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    count: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

test(
  "a stalled server times out, is retried with backoff, then fails naming URL, file and the manual way",
  { timeout: 20_000 },
  async () => {
    // Headers, a few bytes, then silence: what a stalled mirror does.
    const server = await serveWith((_request, response) => {
      response.writeHead(200, { "content-length": 1000 });
      response.write("partial");
    });
    const dir = tempDir();
    try {
      const url = `${server.baseUrl}stall.bin`;
      const settings = { idleTimeoutMs: 200, retries: 2, backoffMs: 20 };
      const started = Date.now();
      await assert.rejects(ensureFile({ name: "stall.bin", url, sha256: "00" }, dir, settings), {
        message: downloadFailedMessage(path.join(dir, "stall.bin"), url, dir, "no data for 0.2 s; tried 3 times"),
      });
      assert.equal(server.count(), 3);
      assert.ok(Date.now() - started >= 3 * 200 + 20 + 40, "waited the idle timeout each time, plus the backoff");
      assert.deepEqual(fs.readdirSync(dir), [], "no partial file left");
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true });
    }
  },
);

test("a server error is retried and the download then succeeds; a 404 is not retried", async () => {
  const body = Buffer.from("finally");
  const server = await serveWith((request, response, count) => {
    if (request.url === "/missing.bin") {
      response.writeHead(404);
      return response.end();
    }
    if (count === 1) {
      response.writeHead(503);
      return response.end();
    }
    response.writeHead(200, { "content-length": body.length });
    response.end(body);
  });
  const dir = tempDir();
  try {
    const remote = { name: "ok.bin", url: `${server.baseUrl}ok.bin`, sha256: sha256(body) };
    const file = await ensureFile(remote, dir, { backoffMs: 10 });
    assert.deepEqual(fs.readFileSync(file), body);
    assert.equal(server.count(), 2);
    const url = `${server.baseUrl}missing.bin`;
    await assert.rejects(ensureFile({ name: "missing.bin", url, sha256: "00" }, dir, { backoffMs: 10 }), {
      message: downloadFailedMessage(path.join(dir, "missing.bin"), url, dir, "HTTP 404"),
    });
    assert.equal(server.count(), 3);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test("an unusable OPTIMLAB_DATA is reported before any download, naming OPTIMLAB_DATA", async () => {
  const server = await serveWith((_request, response) => {
    response.writeHead(404);
    response.end();
  });
  const root = tempDir();
  const blocker = path.join(root, "a-file");
  fs.writeFileSync(blocker, "");
  const saved = process.env.OPTIMLAB_DATA;
  try {
    for (const data of [blocker, path.join(blocker, "cache")]) {
      process.env.OPTIMLAB_DATA = data;
      await assert.rejects(fashionMnist({ baseUrl: server.baseUrl }), (error: Error) => {
        assert.equal(
          error.message,
          dataDirMessage(path.join(data, "fashion-mnist"), `${blocker} is a file, not a folder`),
        );
        assert.match(error.message, /OPTIMLAB_DATA/);
        return true;
      });
    }
    assert.equal(server.count(), 0, "nothing was downloaded");
  } finally {
    if (saved === undefined) delete process.env.OPTIMLAB_DATA;
    else process.env.OPTIMLAB_DATA = saved;
    await server.close();
    fs.rmSync(root, { recursive: true });
  }
});

test("cifar10 re-extracts a batch cut short by a killed extraction, atomically, checking record counts", async () => {
  const dir = tempDir();
  const folder = path.join(dir, CIFAR10_FOLDER);
  const size = CIFAR10_BATCH_RECORDS * 3073;
  const batch = (label: number) => {
    const bytes = Buffer.alloc(size);
    for (let r = 0; r < CIFAR10_BATCH_RECORDS; r++) bytes[r * 3073] = label;
    return bytes;
  };
  const names = [
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
    "test_batch.bin",
  ];
  const archive = path.join(dir, CIFAR10_ARCHIVE);
  const writeArchive = (entries: { name: string; data: Buffer }[]) => {
    fs.writeFileSync(archive, zlib.gzipSync(writeTar(entries), { level: 1 }));
    recordVerified(archive, CIFAR10_SHA256); // a stand-in for the official archive
  };
  try {
    writeArchive(names.map((name, i) => ({ name: `${CIFAR10_FOLDER}/${name}`, data: batch(i) })));
    fs.mkdirSync(folder);
    // What a killed extraction left: a complete first batch and a short test batch (83 records).
    fs.writeFileSync(path.join(folder, "data_batch_1.bin"), batch(0));
    fs.writeFileSync(path.join(folder, "test_batch.bin"), batch(5).subarray(0, 83 * 3073));
    const test = await cifar10({ dir, split: "test", limit: 3 });
    assert.deepEqual(Array.from(test.y.dataSync()), [5, 5, 5]);
    tf.dispose([test.x, test.y]);
    for (const name of names) assert.equal(fs.statSync(path.join(folder, name)).size, size, name);
    assert.deepEqual(fs.readdirSync(folder).sort(), [...names].sort(), "no temp files left");

    // An archive whose batch is short is refused, not extracted.
    fs.rmSync(folder, { recursive: true });
    const short = names.map((name, i) => ({
      name: `${CIFAR10_FOLDER}/${name}`,
      data: i === 2 ? batch(i).subarray(0, 3073) : batch(i),
    }));
    writeArchive(short);
    await assert.rejects(cifar10({ dir }), { message: cifarArchiveEntryMessage(archive, "data_batch_3.bin", 1) });
    assert.equal(fs.existsSync(path.join(folder, "data_batch_3.bin")), false);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

/**
 * A connection that never completes its handshake, what an unreachable host gives: this sandbox
 * completes TCP connects even to unroutable addresses, so the test opens the socket itself.
 */
function neverConnecting(opened: net.Socket[]): () => net.Socket {
  return () => {
    const socket = new net.Socket();
    (socket as { connecting: boolean }).connecting = true; // waiting for a SYN-ACK that never comes
    opened.push(socket);
    return socket;
  };
}

test("the connect timeout fires when the handshake never completes, and frees the socket", async () => {
  const opened: net.Socket[] = [];
  const dir = tempDir();
  try {
    await assert.rejects(
      httpDownload("http://192.0.2.1/data.bin", path.join(dir, "data.bin"), {
        connectTimeoutMs: 50,
        idleTimeoutMs: 60_000,
        createConnection: neverConnecting(opened),
      }),
      { message: connectTimeoutMessage(50) },
    );
    assert.equal(connectTimeoutMessage(50), "no connection within 0.05 s");
    assert.equal(opened.length, 1);
    assert.ok(opened[0].destroyed, "the attempt's socket is destroyed");
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("connect timeouts are retried with doubling backoff, then fail naming URL, file and the manual way", async () => {
  const opened: net.Socket[] = [];
  const waits: number[] = [];
  const dir = tempDir();
  try {
    const url = "http://192.0.2.1/blackhole.bin";
    const settings = {
      connectTimeoutMs: 40,
      retries: 3,
      backoffMs: 1000,
      createConnection: neverConnecting(opened),
      sleep: (ms: number) => {
        waits.push(ms); // recorded, not waited: the test stays fast
        return Promise.resolve();
      },
    };
    await assert.rejects(ensureFile({ name: "blackhole.bin", url, sha256: "00" }, dir, settings), {
      message: downloadFailedMessage(
        path.join(dir, "blackhole.bin"),
        url,
        dir,
        `${connectTimeoutMessage(40)}; tried 4 times`,
      ),
    });
    assert.equal(opened.length, 4, "one connection per attempt");
    assert.deepEqual(waits, [1000, 2000, 4000], "backoff doubles between attempts");
    assert.ok(
      opened.every((s) => s.destroyed),
      "every attempt's socket is destroyed",
    );
    assert.deepEqual(fs.readdirSync(dir), [], "no partial file left");
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("the connect timeout covers the handshake only: a connected but slow server is not cut by it", async () => {
  // Negative control for the tests above: a real connection stops the connect timer.
  const server = await serveWith((_request, response) => {
    setTimeout(() => response.end("late but fine"), 150);
  });
  const dir = tempDir();
  try {
    const file = path.join(dir, "slow.bin");
    const hash = await httpDownload(`${server.baseUrl}slow.bin`, file, { connectTimeoutMs: 50, idleTimeoutMs: 5000 });
    assert.equal(hash, sha256(Buffer.from("late but fine")));
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true });
  }
});
