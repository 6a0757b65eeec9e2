import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { gatherIndexMessage } from "../../src/backend/wasmKernels";
import { GATHER_ROWS_WAYS, gatherRowsModuleBytes, type GatherRows } from "../../src/backend/wasmKernels/gatherRowsSimd";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { DataLoader } from "../../src/data/loader";
import { setUpWasm, uniform } from "./helpers";

type Dtype = "float32" | "int32" | "bool";

function values(count: number, seed: number, dtype: Dtype): Float32Array | Int32Array | Uint8Array {
  const u = uniform(count, seed, -1e6, 1e6);
  if (dtype === "float32") return u;
  if (dtype === "int32") return Int32Array.from(u, Math.round);
  return Uint8Array.from(u, (v) => (v > 0 ? 1 : 0));
}

/** The bytes of a tensor's values, for bit-for-bit comparison (NaN payloads and -0 included). */
function bytesOf(t: tf.Tensor): Buffer {
  const v = t.dataSync();
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Indices in [0, n) with repeats, first and last row. */
function someRows(count: number, n: number, seed: number): Int32Array {
  const u = uniform(count, seed, 0, n);
  const rows = Int32Array.from(u, Math.floor);
  rows[0] = n - 1;
  if (count > 2) rows[count - 1] = 0;
  if (count > 3) rows[1] = rows[2];
  return rows;
}

/** tf.gather on wasm (with SIMD, and without: the copyWithin and element paths) and on cpu. */
async function gatherEverywhere(
  shape: number[],
  dtype: Dtype,
  rows: Int32Array,
  axis = 0,
): Promise<{ simd: Buffer; plain: Buffer; cpu: Buffer; shape: number[] }> {
  await setUpWasm();
  const data = values(tf.util.sizeFromShape(shape), shape.length * 31 + rows.length, dtype);
  const run = (): { bytes: Buffer; shape: number[] } => {
    const out = tf.tidy(() => tf.gather(tf.tensor(data, shape, dtype), tf.tensor1d(rows, "int32"), axis));
    const result = { bytes: bytesOf(out), shape: out.shape };
    out.dispose();
    return result;
  };
  assert.ok(await tf.setBackend("wasm"));
  const simd = run();
  const plain = withoutWasmSimd(run);
  assert.ok(await tf.setBackend("cpu"));
  const cpu = run();
  assert.ok(await tf.setBackend("wasm"));
  assert.deepEqual(simd.shape, cpu.shape);
  return { simd: simd.bytes, plain: plain.bytes, cpu: cpu.bytes, shape: cpu.shape };
}

test("GatherV2 along axis 0 copies the same bits as cpu, SIMD rows and not, for every row width and count", async () => {
  // Row widths in bytes: 4 and 8 (element by element), 16 (one chunk), 20 and 36 (overlapping last
  // chunk), 3136 (an MNIST image), 17 bool bytes; counts below, at and off the number of rows copied side by side.
  const cases: Array<{ row: number[]; dtype: Dtype }> = [
    { row: [784], dtype: "float32" },
    { row: [784], dtype: "int32" },
    { row: [28, 28], dtype: "float32" },
    { row: [4], dtype: "float32" },
    { row: [5], dtype: "int32" },
    { row: [9], dtype: "float32" },
    { row: [1], dtype: "int32" },
    { row: [2], dtype: "float32" },
    { row: [17], dtype: "bool" },
    { row: [3, 16], dtype: "bool" },
  ];
  const counts = [1, 3, GATHER_ROWS_WAYS - 1, GATHER_ROWS_WAYS, GATHER_ROWS_WAYS + 1, 64, 61];
  let seed = 1;
  for (const { row, dtype } of cases) {
    for (const count of counts) {
      const n = 37;
      const rows = someRows(count, n, seed++);
      const got = await gatherEverywhere([n, ...row], dtype, rows);
      assert.deepEqual(got.shape, [count, ...row]);
      assert.ok(got.simd.equals(got.cpu), `${dtype} rows [${row}] × ${count}: SIMD path differs from cpu`);
      assert.ok(got.plain.equals(got.cpu), `${dtype} rows [${row}] × ${count}: plain path differs from cpu`);
    }
  }
});

test("GatherV2 along inner axes and with batch dims still matches cpu through the row copy", async () => {
  const got = await gatherEverywhere([3, 10, 8], "float32", someRows(13, 10, 5), 1);
  assert.ok(got.simd.equals(got.cpu) && got.plain.equals(got.cpu), "axis 1, rows of 8 floats");
  const last = await gatherEverywhere([3, 10, 8], "int32", someRows(5, 8, 6), 2);
  assert.ok(last.simd.equals(last.cpu) && last.plain.equals(last.cpu), "axis 2, single elements");
  await setUpWasm();
  const x = tf.tensor3d(values(3 * 5 * 6, 9, "float32"), [3, 5, 6]);
  const idx = tf.tensor2d([4, 0, 1, 1, 3, 2], [3, 2], "int32");
  const wasm = bytesOf(tf.tidy(() => tf.gather(x, idx, 1, 1)));
  const cpuX = await (async () => {
    assert.ok(await tf.setBackend("cpu"));
    const r = tf.tidy(() =>
      tf.gather(
        tf.tensor3d(values(3 * 5 * 6, 9, "float32"), [3, 5, 6]),
        tf.tensor2d([4, 0, 1, 1, 3, 2], [3, 2], "int32"),
        1,
        1,
      ),
    );
    const b = bytesOf(r);
    r.dispose();
    assert.ok(await tf.setBackend("wasm"));
    return b;
  })();
  assert.ok(wasm.equals(cpuX), "batchDims 1 with rows of 6 floats");
  tf.dispose([x, idx]);
});

test("the generated row copy writes exactly the target rows, nothing before or after (shared memory too)", () => {
  for (const shared of [false, true]) checkRowCopy(shared);
});

function checkRowCopy(shared: boolean): void {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 4, shared });
  const copy = new WebAssembly.Instance(new WebAssembly.Module(gatherRowsModuleBytes(shared)), { env: { memory } })
    .exports.gatherRows as GatherRows;
  const heap = new Uint8Array(memory.buffer);
  for (const rowBytes of [16, 17, 31, 32, 100, 3136]) {
    for (const count of [0, 1, GATHER_ROWS_WAYS - 1, GATHER_ROWS_WAYS + 3]) {
      const n = 9;
      const source = 64;
      const indexPointer = (source + n * rowBytes + 8) & ~3; // int32 views need 4-byte alignment
      const target = indexPointer + 4 * count + 3; // unaligned on purpose
      const rows = someRows(Math.max(count, 1), n, rowBytes + count).subarray(0, count);
      heap.fill(0xee);
      for (let i = 0; i < n * rowBytes; i++) heap[source + i] = (i * 7 + 3) & 0xff;
      new Int32Array(memory.buffer, indexPointer, count).set(rows);
      copy(indexPointer, count, rowBytes, source, target);
      const expected = new Uint8Array(count * rowBytes);
      rows.forEach((r, i) =>
        expected.set(heap.subarray(source + r * rowBytes, source + (r + 1) * rowBytes), i * rowBytes),
      );
      const what = `${count} rows of ${rowBytes} bytes${shared ? " (shared memory)" : ""}`;
      assert.deepEqual(heap.subarray(target, target + count * rowBytes), expected, what);
      assert.ok(
        heap.subarray(target + count * rowBytes, target + count * rowBytes + 64).every((b) => b === 0xee),
        `${what}: wrote past the end`,
      );
      assert.equal(heap[target - 1], 0xee, `${what}: wrote before the start`);
    }
  }
}

test("GatherV2 rejects an index out of range on the row path with the original message, and keeps no tensor", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const x = tf.zeros([10, 784]);
  const buffers = tf.engine().backend.numDataIds();
  const tensors = tf.memory().numTensors;
  for (const bad of [
    [3, 10],
    [-1, 2],
  ]) {
    const idx = tf.tensor1d(bad, "int32");
    assert.throws(() => tf.gather(x, idx), { message: gatherIndexMessage(bad.find((v) => v < 0 || v > 9) ?? 0, 10) });
    idx.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.engine().backend.numDataIds(), buffers);
  x.dispose();
});

test("DataLoader batches on wasm are the dataset's rows in the epoch's order, the ragged last batch too", async () => {
  await setUpWasm();
  assert.ok(await tf.setBackend("wasm"));
  const n = 150;
  const features = values(n * 784, 77, "float32") as Float32Array;
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
  const data = { x: tf.tensor2d(features, [n, 784]), y: tf.tensor1d(labels, "int32") };
  const loader = new DataLoader(data, { batchSize: 64, shuffle: true, seed: 11 });
  const tensors = tf.memory().numTensors;
  for (const epoch of [0, 1]) {
    const order = loader.order(epoch);
    const sizes: number[] = [];
    for (const batch of loader.batches(epoch)) {
      const rows = order.subarray(batch.index * 64, batch.index * 64 + batch.size);
      const x = batch.x.dataSync();
      rows.forEach((r, i) =>
        assert.deepEqual(x.subarray(i * 784, (i + 1) * 784), features.subarray(r * 784, (r + 1) * 784), `row ${i}`),
      );
      assert.equal(batch.y.dtype, "int32");
      assert.deepEqual(
        Array.from(batch.y.dataSync()),
        Array.from(rows, (r) => labels[r]),
      );
      sizes.push(batch.size);
      batch.dispose();
    }
    assert.deepEqual(sizes, [64, 64, 22]);
  }
  assert.equal(tf.memory().numTensors, tensors);
  tf.dispose([data.x, data.y]);
});
