/**
 * Multi-threaded wasm (src/backend/wasmThreads.ts): the thread-count choice, optimlab's generated
 * modules on a shared memory, and fresh processes on 1 thread, 2 threads and 2 threads with our
 * product split (same trained weights, bit for bit; each process ends by itself).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { fitThreads, fitThreadsReason } from "../../src/backend/fitThreads";
import { sumOfSquaresOn } from "../../src/backend/fused/wasmSumOfSquares";
import { gemmOn } from "../../src/backend/wasmCode/gemm";
import {
  MAX_WASM_THREADS,
  cappedThreadsMessage,
  chooseThreadCount,
  invalidThreadsMessage,
} from "../../src/backend/wasmThreads";
import { fillRandom } from "./randomFloats";

test("thread count: OPTIMLAB_THREADS wins; 'auto' takes the free cores (cores − load, rounded), 1 to 8; default 1", () => {
  assert.deepEqual(chooseThreadCount("1", 16, 0), { threads: 1 });
  assert.deepEqual(chooseThreadCount(" 3 ", 2, 5), { threads: 3 }, "an explicit count ignores the load");
  assert.deepEqual(chooseThreadCount("64", 2, 0), { threads: MAX_WASM_THREADS, note: cappedThreadsMessage(64) });
  assert.deepEqual(chooseThreadCount(undefined, 2, 0.2), { threads: 1 }, "the default is one thread, even when idle");
  assert.deepEqual(chooseThreadCount("", 16, 0), { threads: 1 });
  assert.deepEqual(chooseThreadCount("auto", 2, 0.2), { threads: 2 }, "an idle 2-core machine");
  assert.deepEqual(chooseThreadCount("AUTO", 2, 0.8), { threads: 1 }, "one core busy elsewhere");
  assert.deepEqual(chooseThreadCount("auto", 2, 20), { threads: 1 }, "an overloaded machine");
  assert.deepEqual(chooseThreadCount("auto", 32, 0), { threads: MAX_WASM_THREADS });
  for (const bad of ["0", "-2", "1.5", "two"])
    assert.deepEqual(chooseThreadCount(bad, 4, 0), { threads: 1, note: invalidThreadsMessage(bad) });
  assert.equal(
    invalidThreadsMessage("two"),
    'OPTIMLAB_THREADS=two ignored (expected "auto" or a whole number from 1 to 8)',
  );
  assert.deepEqual(chooseThreadCount("zero", 4, 0, "OPTIMLAB_WASM_THREADS"), {
    threads: 1,
    note: 'OPTIMLAB_WASM_THREADS=zero ignored (expected "auto" or a whole number from 1 to 8)',
  });
});

test("fit's threads: OPTIMLAB_THREADS asks (every split), unset or bad the cores, at most 8, for the hidden-unit split alone", () => {
  assert.deepEqual(
    fitThreads(undefined, true, 2, 1.9),
    { threads: 2, asked: false },
    "the load average does not decide",
  );
  assert.deepEqual(fitThreads("", true, 16, 0), { threads: 8, asked: false });
  assert.deepEqual(fitThreads(undefined, true, 1, 0), { threads: 1, asked: false });
  assert.deepEqual(fitThreads("1", true, 2, 0), { threads: 1, asked: true });
  assert.deepEqual(fitThreads("3", true, 2, 0), { threads: 3, asked: true });
  assert.deepEqual(fitThreads("auto", true, 2, 0.8), { threads: 1, asked: true });
  assert.deepEqual(fitThreads("64", true, 2, 0), { threads: 8, asked: true, note: cappedThreadsMessage(64) });
  assert.deepEqual(fitThreads("nine", true, 4, 0), { threads: 4, asked: false, note: invalidThreadsMessage("nine") });
  assert.deepEqual(fitThreads(undefined, false, 4, 0), { threads: 1, asked: false }, "no hidden-unit split here: one");
  assert.deepEqual(fitThreads("2", false, 4, 0), { threads: 2, asked: true }, "asked for: the batch split may run");
  assert.equal(fitThreadsReason({ threads: 1, asked: false }), undefined);
  assert.match(fitThreadsReason({ threads: 2, asked: false }) ?? "", /by default where a step splits by hidden units/);
});

test("OPTIMLAB_THREADS is train.fit's threads (backend.info().threads), the wasm build stays single-threaded", async () => {
  const backendPath = path.join(__dirname, "../../src/backend");
  const code = `require(${JSON.stringify(backendPath)}).ready().then((i) => console.log(JSON.stringify(i)))`;
  const runs = await Promise.all(
    ["2", "nine"].map((value) =>
      runChild(["-e", code], { OPTIMLAB_THREADS: value, OPTIMLAB_WASM_THREADS: "", OPTIMLAB_BACKEND: "" }, 120_000),
    ),
  );
  const [two, bad] = runs.map((run) => JSON.parse(run.stdout.trim()) as TrainedReport["info"]);
  assert.equal(two.threads, 2);
  assert.equal(two.wasmThreads, 1);
  assert.match(
    two.reason,
    /using wasm \(SIMD, 1 thread\); train.fit: 2 threads \(a two-layer MLP's step split by hidden units, other models' batches split\)$/,
  );
  // A bad setting is reported and the default taken: the cores, for the hidden-unit split alone.
  const cores = Math.min(8, os.availableParallelism());
  assert.equal(bad.threads, cores);
  assert.match(bad.reason, /OPTIMLAB_THREADS=nine ignored \(expected "auto" or a whole number from 1 to 8\)/);
  if (cores > 1) assert.match(bad.reason, /train.fit: up to \d threads by default where a step splits by hidden units/);
});

test("generated modules run on a shared memory (the threaded build's) with the same results", () => {
  // Before, every module imported an unshared memory: instantiating on a shared one is a LinkError.
  const [m, k, n] = [13, 37, 21];
  const results = [false, true].map((shared) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared });
    fillRandom(memory, 0, m * k, 1);
    fillRandom(memory, 4 * m * k, k * n, 2);
    const c = 4 * (m * k + k * n);
    gemmOn(memory, m, k, n, "rows")(0, 4 * m * k, c, 0); // 13 rows: no step list
    const sum = sumOfSquaresOn(memory)(0, m * k);
    return { product: new Float32Array(memory.buffer, c, m * n).slice(), sum };
  });
  assert.ok(results[1].product.some((v) => v !== 0));
  assert.deepEqual(results[1], results[0]);
});

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` in a fresh Node (the tsx loader of this process) with `env`; kills it after `limitMs`. */
function runChild(args: string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Not a timing assertion: a generous bound after which the child counts as hung (orphan threads).
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface TrainedReport {
  info: { name: string; threads: number; wasmThreads: number; reason: string };
  ownKernelsOnMemory: boolean;
  shared: boolean;
  hash: number;
  split: number;
}

test("MLP and LeNet trained on 2 threads end bit-identical to 1 thread, and the process exits by itself", async () => {
  const script = path.join(__dirname, "threadsChild.ts");
  const envs = [
    { OPTIMLAB_WASM_THREADS: "1", OPTIMLAB_GEMM_THREADS: "" },
    { OPTIMLAB_WASM_THREADS: "2", OPTIMLAB_GEMM_THREADS: "0" },
    { OPTIMLAB_WASM_THREADS: "2", OPTIMLAB_GEMM_THREADS: "" },
    // The same, with the workers computing every chunk: on a loaded machine the caller may take every
    // chunk of the default run before a worker wakes, so only this run can assert that workers split.
    { OPTIMLAB_WASM_THREADS: "2", OPTIMLAB_GEMM_THREADS: "", THREADS_CHILD_WORKERS_ONLY: "1" },
  ];
  const runs = await Promise.all(
    // fit on one thread: this test is about the wasm build's own threads.
    envs.map((env) => runChild([script], { ...env, OPTIMLAB_THREADS: "1", OPTIMLAB_BACKEND: "" }, 240_000)),
  );
  for (const run of runs)
    assert.equal(run.code, 0, `exit code ${run.code} (null: killed, still running)\n${run.stderr}`);
  const [single, threaded, split, workersOnly] = runs.map(
    (run) => JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as TrainedReport,
  );
  assert.equal(single.split + threaded.split, 0, "no split on 1 thread, nor with OPTIMLAB_GEMM_THREADS=0");
  assert.ok(workersOnly.split > 0, "on 2 threads products are split (the default)");
  assert.equal(workersOnly.hash, single.hash, "products computed by the workers: same weights, bit for bit");
  assert.equal(split.hash, single.hash, "split product shared by caller and worker: same weights, bit for bit");
  assert.match(split.info.reason, /using wasm \(SIMD, 2 threads; products split over the threads\)$/);
  assert.equal(single.info.wasmThreads, 1);
  assert.match(single.info.reason, /using wasm \(SIMD, 1 thread\)$/);
  assert.equal(threaded.info.wasmThreads, 2);
  assert.equal(threaded.info.threads, 1, "the wasm build's threads are not fit's");
  assert.match(threaded.info.reason, /using wasm \(SIMD, 2 threads\)$/);
  assert.deepEqual(
    [single.ownKernelsOnMemory, single.shared, threaded.ownKernelsOnMemory, threaded.shared],
    [true, false, true, true],
    "optimlab's SIMD modules run on both builds' memories (shared on 2 threads)",
  );
  assert.equal(threaded.hash, single.hash, "same weights, bit for bit");
});

test("an uncaught error under the threaded build prints the error, not the build's minified source", async () => {
  const backendPath = path.join(__dirname, "../../src/backend");
  const code = `require(${JSON.stringify(backendPath)}).ready().then((i) => { console.log(i.wasmThreads); throw new Error("boom"); })`;
  const run = await runChild(["-e", code], { OPTIMLAB_WASM_THREADS: "2", OPTIMLAB_BACKEND: "" }, 120_000);
  assert.equal(run.stdout.trim(), "2");
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /Error: boom/);
  assert.ok(!run.stderr.includes("GROWABLE_HEAP"), `stderr shows the build's source (${run.stderr.length} chars)`);
});
