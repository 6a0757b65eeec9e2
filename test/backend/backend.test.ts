import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as backend from "../../src/backend";
import {
  activateBackend,
  backendUnavailableMessage,
  chooseBackend,
  unknownBackendMessage,
  type ModuleLoader,
} from "../../src/backend/select";
import { Random, deriveSeed, invalidSeedMessage, nextSeed, seed } from "../../src/backend/random";

/** Simulates an environment where tfjs-node is not installed (the real require for everything else). */
const withoutTfjsNode: ModuleLoader = (id) => {
  if (id === "@tensorflow/tfjs-node")
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  return require(id);
};

test("import starts choosing; ready() resolves to a working backend and info() explains it", async () => {
  const info = await backend.ready();
  assert.equal(backend.info(), info);
  assert.equal(tf.getBackend(), info.name);
  // tfjs-node cannot be installed here, so the default install runs on wasm.
  if (!process.env.OPTIMLAB_BACKEND) {
    assert.equal(info.name, "wasm");
    assert.match(
      info.reason,
      /^tfjs-node not installed; using wasm \((SIMD|no SIMD), \d+ threads?\)(; train\.fit: up to \d threads by default where a step splits by hidden units \(the same bits as one thread; OPTIMLAB_THREADS=1 for one\))?$/,
    );
  }
});

test("fallback: missing tfjs-node → wasm; broken tfjs-node → reason says why; broken wasm → cpu", async () => {
  const wasm = await chooseBackend({ load: withoutTfjsNode });
  assert.equal(wasm.name, "wasm");
  // The build (and so the thread count) was chosen when this process first initialised wasm.
  assert.match(
    wasm.reason,
    /^tfjs-node not installed; using wasm \(SIMD, \d+ threads?\)(; train\.fit: up to \d threads by default where a step splits by hidden units \(the same bits as one thread; OPTIMLAB_THREADS=1 for one\))?$/,
  );
  assert.equal(wasm.threads, backend.info()?.threads);
  const broken: ModuleLoader = (id) => {
    if (id === "@tensorflow/tfjs-node") throw new Error("libtensorflow.so: cannot open shared object file");
    if (id === "@tensorflow/tfjs-backend-wasm") throw Object.assign(new Error("nope"), { code: "MODULE_NOT_FOUND" });
    return require(id);
  };
  const cpu = await chooseBackend({ load: broken });
  assert.equal(cpu.name, "cpu");
  assert.equal(
    cpu.reason,
    "tfjs-node failed to load (libtensorflow.so: cannot open shared object file); tfjs-backend-wasm not installed; using cpu (pure JavaScript)",
  );
  assert.equal(tf.getBackend(), "cpu");
  await backend.use("wasm");
});

test("OPTIMLAB_BACKEND preference is tried first; unknown values are ignored with a note", async () => {
  const cpu = await chooseBackend({ preferred: "cpu", load: withoutTfjsNode });
  assert.equal(cpu.reason, "OPTIMLAB_BACKEND=cpu; using cpu (pure JavaScript)");
  const tensorflow = await chooseBackend({ preferred: "tensorflow", load: withoutTfjsNode });
  assert.equal(tensorflow.name, "wasm");
  assert.match(tensorflow.reason, /^OPTIMLAB_BACKEND=tensorflow but tfjs-node not installed; using wasm/);
  const bogus = await chooseBackend({ preferred: "gpu", load: withoutTfjsNode });
  assert.match(
    bogus.reason,
    /^OPTIMLAB_BACKEND=gpu ignored \(expected tensorflow, wasm, cpu\); tfjs-node not installed; using wasm/,
  );
  await backend.use("wasm");
});

test("use() switches backends and rejects unknown or unavailable ones with the reason", async () => {
  const cpu = await backend.use("cpu");
  assert.equal(cpu.name, "cpu");
  assert.equal(backend.info()?.name, "cpu");
  await assert.rejects(backend.use("gpu" as "cpu"), { message: unknownBackendMessage("gpu") });
  await assert.rejects(activateBackend("tensorflow", withoutTfjsNode), {
    message: backendUnavailableMessage("tensorflow", "tfjs-node not installed"),
  });
  const wasm = await backend.use("wasm");
  assert.equal(wasm.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
});

test("seeded generator: reproducible, uniform in [0, 1), normal with mean 0 and std 1", () => {
  const a = new Random(123);
  const b = new Random(123);
  const drawsA = Array.from({ length: 5 }, () => a.uint32());
  assert.deepEqual(
    Array.from({ length: 5 }, () => b.uint32()),
    drawsA,
  );
  assert.notDeepEqual(
    Array.from({ length: 5 }, () => new Random(124).uint32()),
    drawsA,
  );
  const r = new Random(1);
  const normals = Array.from({ length: 20000 }, () => r.normal());
  const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
  const variance = normals.reduce((s, v) => s + (v - mean) ** 2, 0) / normals.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `${mean} ${variance}`);
  const uniforms = Array.from({ length: 1000 }, () => r.uniform());
  assert.ok(uniforms.every((u) => u >= 0 && u < 1));
  const perm = Array.from(r.permutation(10)).sort((p, q) => p - q);
  assert.deepEqual(perm, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // permutation is shuffle's swaps written out: the same order from the same draws (epochs' orders do not move).
  for (const n of [1, 2, 10, 1000]) {
    const shuffled = new Random(99).shuffle(Array.from({ length: n }, (_, i) => i));
    assert.deepEqual(Array.from(new Random(99).permutation(n)), shuffled);
  }
  assert.deepEqual(Array.from(new Random(5).permutation(6)), [5, 1, 0, 4, 3, 2]);
  assert.throws(() => new Random(Number.NaN), { message: invalidSeedMessage(Number.NaN) });
  assert.throws(() => seed(Infinity), { message: invalidSeedMessage(Infinity) });
});

test("seed(n) resets the global stream; deriveSeed is pure", () => {
  seed(7);
  const first = [nextSeed(), nextSeed()];
  seed(7);
  assert.deepEqual([nextSeed(), nextSeed()], first);
  assert.equal(backend.currentSeed(), 7);
  assert.equal(deriveSeed(5, 1), deriveSeed(5, 1));
  assert.notEqual(deriveSeed(5, 1), deriveSeed(5, 2));
});

test("OPTIMLAB_BACKEND=cpu is honoured by a fresh process", () => {
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const path = require("node:path") as typeof import("node:path");
  const modulePath = path.join(__dirname, "../../src/backend");
  const code = `require(${JSON.stringify(modulePath)}).ready().then((i) => console.log(JSON.stringify(i)))`;
  const child = spawnSync(process.execPath, [...process.execArgv, "-e", code], {
    env: { ...process.env, OPTIMLAB_BACKEND: "cpu" },
    encoding: "utf8",
  });
  assert.equal(child.status, 0, child.stderr);
  const info = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}");
  assert.deepEqual(info, { name: "cpu", threads: 1, reason: "OPTIMLAB_BACKEND=cpu; using cpu (pure JavaScript)" });
});
