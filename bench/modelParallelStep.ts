/**
 * What two threads can give the MNIST MLP's training step on this machine when the step has no
 * per-op JavaScript and nothing to combine — a probe for #19's threads goal, not a path of
 * `train.fit` (docs/performance.md, "A compiled step on two threads").
 *
 * The whole step of the 784-128-10 MLP (ReLU, softmax cross-entropy, Adam, batch 64) runs as
 * optimlab's generated wasm products (gemm.ts) and fused Adam loop (fused/wasmSimd.ts) on one
 * shared `WebAssembly.Memory`, with the small element-wise parts (bias + ReLU, softmax, column sums)
 * in plain JavaScript loops. On two threads it is split **by hidden units**, not by examples: thread
 * t owns hidden units [64t, 64t + 64) — its columns of W1 and b1, its rows of W2 (thread 0 also
 * b2) and their Adam moments — and computes, for the whole batch, its part of the hidden layer,
 * its part of the logits' sum, the loss's gradient (both threads, from the summed logits), and
 * every gradient of the weights it owns, then runs Adam on them. No gradient is summed across
 * threads, each thread touches only its own half of the weights (≈ 1 MB with moments and
 * gradients: one core's L2), and the threads meet once per step (the logits: a barrier on shared
 * memory, spinning briefly before `Atomics.wait`). Every value is the one-thread value except the
 * logits, summed as two halves (H₀·W2₀ + H₁·W2₁ instead of one sum over 128 units): the weights
 * differ from one thread's in the last bits (both runs' last-epoch mean loss is printed).
 *
 * One process, rounds interleaved: an epoch of 12,800 MNIST images on one thread (the same code
 * with one thread owning all 128 units), then one on two threads; each round's ratio, the best of
 * each, and the median of the rounds' ratios.
 *
 *   node dist/bench/modelParallelStep.js [rounds, default 8]   (prints one JSON line last)
 *
 * `npm run bench` runs it in a child process (`benchModelParallelStep`).
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import { Worker } from "node:worker_threads";
import { Recorder } from "../src/backend/fused/expression";
import { simdModuleBytes } from "../src/backend/fused/wasmSimd";
import { gemmModuleOn } from "../src/backend/wasmCode/gemm";
import { loadMnist } from "./mnist";
import { renderTable } from "./table";

const INPUTS = 784;
const HIDDEN = 128;
const CLASSES = 10;
const BATCH = 64;
const IMAGES = 12_800;
/** Spins of a barrier's wait before it sleeps: the other half is microseconds away. */
const SPINS = 200_000;

/** Byte offsets of one thread's blocks (its weights, moments, gradients, activations, scratch). */
interface ThreadBlocks {
  /** Parameters this thread owns, contiguous: W1 part [784×h] | b1 part [h] | W2 part [h×10] | (b2 [10], thread 0). */
  params: number;
  size: number;
  b1: number;
  w2: number;
  m: number;
  v: number;
  grad: number;
  xb: number;
  h: number;
  /** Its part of the logits, one buffer per step parity (the other thread reads it after the barrier). */
  z: [number, number];
  dz: number;
  dh: number;
  w2t: number;
  list: number;
}

/** A split of the MLP over `threads` threads in the shared memory. */
interface Split {
  threads: number;
  units: number;
  blocks: ThreadBlocks[];
  /** Barrier words: [arrived, generation]. */
  control: number;
  /** b2's offset (in thread 0's block). */
  b2: number;
}

interface Shared {
  x: number;
  labels: number;
  order: number;
  /** Adam's scalars, one set of 8 floats per step parity. */
  scalars: number;
}

/**
 * The per-thread step as plain JavaScript (the workers' eval code). `ctx` holds the memory views,
 * the split, this thread's index, its bound wasm functions and the byte offset of this epoch's
 * shuffled order.
 */
const STEP_CODE = String.raw`
const INPUTS = ${INPUTS}, CLASSES = ${CLASSES};
function barrier(i32, at, parties, spins) {
  const generation = Atomics.load(i32, at + 1);
  if (Atomics.add(i32, at, 1) === parties - 1) {
    Atomics.store(i32, at, 0);
    Atomics.add(i32, at + 1, 1);
    Atomics.notify(i32, at + 1);
    return;
  }
  for (let s = 0; s < spins; s++) if (Atomics.load(i32, at + 1) !== generation) return;
  while (Atomics.load(i32, at + 1) === generation) Atomics.wait(i32, at + 1, generation);
}
function bind(memory, modules) {
  const run = (module, name) => new WebAssembly.Instance(module, { env: { memory } }).exports[name];
  return {
    forward1: run(modules.forward1, "gemm"), forward2: run(modules.forward2, "gemm"),
    gradW2: run(modules.gradW2, "gemm"), gradH: run(modules.gradH, "gemm"),
    gradW1: run(modules.gradW1, "gemm"), adam: run(modules.adam, "run"),
  };
}
// One step on batch s (rows order[s·B …]) for thread t of the split; returns the batch's summed loss.
function step(ctx, s) {
  const { f32, i32, shared, split, t, fns, batch, spins } = ctx;
  const own = split.blocks[t], units = split.units;
  const order = ctx.order / 4 + s * batch, x = shared.x / 4, labels = shared.labels / 4;
  const xb = own.xb / 4;
  for (let r = 0; r < batch; r++) {
    const from = x + i32[order + r] * INPUTS;
    f32.copyWithin(xb + r * INPUTS, from, from + INPUTS);
  }
  fns.forward1(own.xb, own.params, own.h, own.list);
  const h = own.h / 4, b1 = own.b1 / 4;
  for (let r = 0; r < batch; r++) {
    const row = h + r * units;
    for (let j = 0; j < units; j++) {
      const z = Math.fround(f32[row + j] + f32[b1 + j]);
      f32[row + j] = z > 0 ? z : 0;
    }
  }
  const parity = s & 1;
  fns.forward2(own.h, own.w2, own.z[parity], own.list);
  if (split.threads > 1) barrier(i32, split.control / 4, split.threads, spins);
  // Every thread: logits = Σ parts + b2 (parts in thread order), softmax cross-entropy, dz = (p − y)/B.
  const dz = own.dz / 4, b2 = split.b2 / 4;
  let loss = 0;
  for (let r = 0; r < batch; r++) {
    let max = -Infinity;
    for (let j = 0; j < CLASSES; j++) {
      let z = f32[split.blocks[0].z[parity] / 4 + r * CLASSES + j];
      for (let u = 1; u < split.threads; u++) z = Math.fround(z + f32[split.blocks[u].z[parity] / 4 + r * CLASSES + j]);
      z = Math.fround(z + f32[b2 + j]);
      f32[dz + r * CLASSES + j] = z;
      if (z > max) max = z;
    }
    const y = i32[labels + i32[order + r]];
    const zy = f32[dz + r * CLASSES + y];
    let sum = 0;
    for (let j = 0; j < CLASSES; j++) {
      const e = Math.exp(f32[dz + r * CLASSES + j] - max);
      f32[dz + r * CLASSES + j] = e;
      sum += e;
    }
    loss += Math.log(sum) - (zy - max);
    for (let j = 0; j < CLASSES; j++)
      f32[dz + r * CLASSES + j] = Math.fround((f32[dz + r * CLASSES + j] / sum - (j === y ? 1 : 0)) / batch);
  }
  const gradB1 = own.grad + 4 * INPUTS * units, gradW2 = gradB1 + 4 * units, gradB2 = gradW2 + 4 * units * CLASSES;
  fns.gradW2(own.h, own.dz, gradW2, own.list);
  if (t === 0)
    for (let j = 0; j < CLASSES; j++) {
      let sum = 0;
      for (let r = 0; r < batch; r++) sum = Math.fround(sum + f32[dz + r * CLASSES + j]);
      f32[gradB2 / 4 + j] = sum;
    }
  const w2 = own.w2 / 4, w2t = own.w2t / 4;
  for (let i = 0; i < units; i++) for (let j = 0; j < CLASSES; j++) f32[w2t + j * units + i] = f32[w2 + i * CLASSES + j];
  fns.gradH(own.dz, own.w2t, own.dh, own.list);
  const dh = own.dh / 4;
  for (let r = 0; r < batch; r++) {
    const row = r * units;
    for (let j = 0; j < units; j++) if (!(f32[h + row + j] > 0)) f32[dh + row + j] = 0;
  }
  for (let j = 0; j < units; j++) {
    let sum = 0;
    for (let r = 0; r < batch; r++) sum = Math.fround(sum + f32[dh + r * units + j]);
    f32[gradB1 / 4 + j] = sum;
  }
  fns.gradW1(own.xb, own.dh, own.grad, own.list);
  const sc = shared.scalars / 4 + 8 * parity;
  fns.adam(own.grad, own.m, own.v, own.params, own.m, own.v, own.params,
    f32[sc], f32[sc + 1], f32[sc + 2], f32[sc + 3], f32[sc + 4], f32[sc + 5], f32[sc + 6], own.size);
  return loss;
}
`;

/**
 * Both threads are workers running this code. Thread 0 leads: each round it trains one epoch on
 * the one-thread split, then one on the two-thread split with thread 1, and posts its timings;
 * thread 1 joins the two-thread epochs. Adam's scalars are written by thread 0 into the slot of
 * the step's parity before the step's barrier and read after it; each round has its own order.
 */
const WORKER_CODE = `${STEP_CODE}
const { workerData, parentPort } = require("node:worker_threads");
const { memory, modules, shared, splits, t, batch, spins, rounds, steps } = workerData;
const f32 = new Float32Array(memory.buffer), i32 = new Int32Array(memory.buffer);
const contexts = splits.map((split, i) => ({ f32, i32, shared, split, t, fns: bind(memory, modules[i]), batch, spins, order: 0 }));
const control = splits[1].control / 4;
const micros = [], losses = [0, 0];
let count = 0;
for (let round = 0; round < rounds; round++) {
  const order = shared.order + 4 * round * steps * batch;
  if (t === 0) {
    const times = [];
    for (let which = 0; which < 2; which++) {
      const ctx = contexts[which];
      ctx.order = order;
      if (which === 1) barrier(i32, control, 2, spins);
      const start = performance.now();
      let loss = 0;
      for (let s = 0; s < steps; s++) {
        const n = count + s + 1;
        f32.set([0.9, 0.1, 0.999, 0.001, Math.sqrt(1 - 0.999 ** n), 1e-8, 1e-3 / (1 - 0.9 ** n)], shared.scalars / 4 + 8 * (s & 1));
        loss += step(ctx, s);
      }
      if (which === 1) barrier(i32, control, 2, spins);
      times.push(((performance.now() - start) * 1000) / steps);
      losses[which] = loss;
    }
    count += steps;
    micros.push(times);
  } else {
    contexts[1].order = order;
    barrier(i32, control, 2, spins);
    for (let s = 0; s < steps; s++) step(contexts[1], s);
    barrier(i32, control, 2, spins);
  }
}
parentPort.postMessage({ micros, losses });
`;

/** Bump allocation of 64-byte-aligned blocks. */
class Allocator {
  top = 0;
  take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 64) * 64;
    return at;
  }
}

function splitOver(threads: number, heap: Allocator): Split {
  const units = HIDDEN / threads;
  const blocks: ThreadBlocks[] = [];
  for (let t = 0; t < threads; t++) {
    const size = INPUTS * units + units + units * CLASSES + (t === 0 ? CLASSES : 0);
    const params = heap.take(4 * size);
    blocks.push({
      params,
      size,
      b1: params + 4 * INPUTS * units,
      w2: params + 4 * (INPUTS * units + units),
      m: heap.take(4 * size),
      v: heap.take(4 * size),
      grad: heap.take(4 * size),
      xb: heap.take(4 * BATCH * INPUTS),
      h: heap.take(4 * BATCH * units),
      z: [heap.take(4 * BATCH * CLASSES), heap.take(4 * BATCH * CLASSES)],
      dz: heap.take(4 * BATCH * CLASSES),
      dh: heap.take(4 * BATCH * units),
      w2t: heap.take(4 * CLASSES * units),
      list: heap.take(4 * INPUTS * 4),
    });
  }
  const b2 = blocks[0].params + 4 * (INPUTS * units + units + units * CLASSES);
  return { threads, units, blocks, control: heap.take(64), b2 };
}

/** Adam's update as one fused program over (g, m, v, θ) with its 7 scalars as torch computes them. */
function adamModule(): WebAssembly.Module {
  const recorder = new Recorder(4);
  const [g, m, v, p] = [0, 1, 2, 3].map((i) => recorder.input(i));
  // Scalar slots in order: β1, 1 − β1, β2, 1 − β2, √(bias correction 2), ε, lr / bias correction 1.
  const m1 = m.mul(0.9).add(g.mul(0.1));
  const v1 = v.mul(0.999).add(g.square().mul(0.001));
  const p1 = p.sub(m1.div(v1.sqrt().div(1).add(1e-8)).mul(1e-3));
  return new WebAssembly.Module(simdModuleBytes(recorder.finish([m1, v1, p1]), true));
}

/** The same initial weights (a fixed LCG) scattered into each split's blocks. */
function initialise(f32: Float32Array, splits: Split[]): void {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
  const w1 = Array.from({ length: INPUTS * HIDDEN }, () => random() * 0.15);
  const w2 = Array.from({ length: HIDDEN * CLASSES }, () => random() * 0.4);
  for (const { units, blocks } of splits)
    blocks.forEach((block, t) => {
      for (let i = 0; i < INPUTS; i++)
        for (let j = 0; j < units; j++) f32[block.params / 4 + i * units + j] = w1[i * HIDDEN + t * units + j];
      for (let i = 0; i < units; i++)
        for (let j = 0; j < CLASSES; j++) f32[block.w2 / 4 + i * CLASSES + j] = w2[(t * units + i) * CLASSES + j];
    });
}

export interface ModelParallelResult {
  rounds: Array<{ one: number; two: number }>;
  bestOne: number;
  bestTwo: number;
  medianRatio: number;
  lossOne: number;
  lossTwo: number;
  loadStart: number;
  loadEnd: number;
}

async function measure(rounds: number): Promise<ModelParallelResult> {
  const loadStart = os.loadavg()[0];
  const mnist = loadMnist(IMAGES);
  const heap = new Allocator();
  const shared: Shared = {
    x: heap.take(4 * IMAGES * INPUTS),
    labels: heap.take(4 * IMAGES),
    order: heap.take(4 * IMAGES * (rounds + 1)),
    scalars: heap.take(64),
  };
  const splits = [splitOver(1, heap), splitOver(2, heap)];
  const memory = new WebAssembly.Memory({ initial: Math.ceil(heap.top / 65536) + 1, maximum: 65536, shared: true });
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  f32.set(mnist.images, shared.x / 4);
  for (let i = 0; i < IMAGES; i++) i32[shared.labels / 4 + i] = mnist.labels[i];
  initialise(f32, splits);
  const adam = adamModule();
  const modulesOf = ({ units }: Split) => ({
    forward1: gemmModuleOn(memory, BATCH, INPUTS, units, "rows"),
    forward2: gemmModuleOn(memory, BATCH, units, CLASSES, "rows"),
    gradW2: gemmModuleOn(memory, units, BATCH, CLASSES, "columns"),
    gradH: gemmModuleOn(memory, BATCH, CLASSES, units, "rows"),
    gradW1: gemmModuleOn(memory, INPUTS, BATCH, units, "columns"),
    adam,
  });
  const steps = IMAGES / BATCH;
  // Every round's shuffled order, written before the threads start (a fixed LCG).
  let seed = 99;
  for (let round = 0; round <= rounds; round++) {
    const order = shared.order / 4 + round * IMAGES;
    for (let i = 0; i < IMAGES; i++) i32[order + i] = i;
    for (let i = IMAGES - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const j = seed % (i + 1);
      [i32[order + i], i32[order + j]] = [i32[order + j], i32[order + i]];
    }
  }
  const modules = splits.map(modulesOf);
  const threads = [0, 1].map(
    (t) =>
      new Worker(WORKER_CODE, {
        eval: true,
        workerData: { memory, modules, shared, splits, t, batch: BATCH, spins: SPINS, rounds: rounds + 1, steps },
      }),
  );
  const answers = threads.map(
    (worker) =>
      new Promise<{ micros: number[][]; losses: number[] }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
  );
  const [lead] = await Promise.all(answers);
  await Promise.all(threads.map((worker) => worker.terminate()));
  // Round 0 (JIT and tier-up) is not counted.
  const results = lead.micros.slice(1).map(([one, two]) => ({ one, two }));
  const losses = lead.losses;
  const ratios = results.map((r) => r.one / r.two).sort((a, b) => a - b);
  return {
    rounds: results,
    bestOne: Math.min(...results.map((r) => r.one)),
    bestTwo: Math.min(...results.map((r) => r.two)),
    medianRatio: ratios[Math.floor(ratios.length / 2)],
    lossOne: losses[0] / IMAGES,
    lossTwo: losses[1] / IMAGES,
    loadStart,
    loadEnd: os.loadavg()[0],
  };
}

/** `npm run bench`'s section: the probe in a fresh child process, as a table. */
export async function benchModelParallelStep(rounds = 8): Promise<string> {
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, String(rounds)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`exited ${code}: ${err.trim()}`))));
  });
  const result = JSON.parse(text.trim().split("\n").pop() ?? "{}") as ModelParallelResult;
  const rate = (micros: number) => Math.round((BATCH * 1e6) / micros);
  return renderTable(
    [
      "compiled MLP step, batch 64 (µs/step, best of rounds)",
      "1 thread",
      "2 threads, split by hidden units",
      "2 / 1, best",
      "2 / 1, median of rounds (goal ≥ 1.7×)",
      "samples/s 1 / 2 threads",
      "last epoch's mean loss, 1 / 2 threads",
      "machine load",
    ],
    [
      [
        `784-128-10 MLP + Adam, 12,800 MNIST images, ${result.rounds.length} interleaved rounds of one epoch on each`,
        result.bestOne.toFixed(0),
        result.bestTwo.toFixed(0),
        `${(result.bestOne / result.bestTwo).toFixed(2)}×`,
        `${result.medianRatio.toFixed(2)}×`,
        `${rate(result.bestOne).toLocaleString("en-US")} / ${rate(result.bestTwo).toLocaleString("en-US")}`,
        `${result.lossOne.toFixed(4)} / ${result.lossTwo.toFixed(4)}`,
        `${result.loadStart.toFixed(1)} → ${result.loadEnd.toFixed(1)}`,
      ],
    ],
  );
}

if (require.main === module) {
  const rounds = Number(process.argv[2] ?? 8);
  measure(rounds)
    .then((result) => {
      for (const [i, r] of result.rounds.entries())
        console.log(
          `round ${i + 1}: 1 thread ${r.one.toFixed(0)} µs/step, 2 threads ${r.two.toFixed(0)} → ${(r.one / r.two).toFixed(2)}×`,
        );
      console.log(JSON.stringify(result));
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    });
}
