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
import * as os from "node:os";
import { Worker } from "node:worker_threads";
import { Recorder } from "../src/backend/fused/expression";
import { simdModuleBytes } from "../src/backend/fused/wasmSimd";
import { gemmModuleOn } from "../src/backend/wasmCode/gemm";
import { childOutput, lastJsonLine } from "./childOutput";
import { loadMnist } from "./mnist";
import { renderTable } from "./table";

const INPUTS = 784;
const HIDDEN = 128;
const CLASSES = 10;
const BATCH = 64;
const IMAGES = 12_800;
/** Spins of a barrier's wait before it sleeps: the other half is microseconds away. */
const SPINS = 200_000;

/** One thread's private buffers (byte offsets). */
interface ThreadBuffers {
  xb: number;
  /** Its part of the hidden layer [64×units], one buffer per step parity (the other thread copies it after the barrier). */
  h: [number, number];
  /** The whole hidden layer [64×128], its rows assembled from every thread's part. */
  hidden: number;
  z: number;
  dz: number;
  dh: number;
  w2t: number;
  list: number;
}

/**
 * A split of the MLP over `threads` threads. Parameters, Adam's moments and the gradients are
 * three vectors of the same layout: W1 as one [784×units] block per thread, then b1 [128], W2
 * [128×10] (thread t owns rows [t·units, (t + 1)·units)), b2 [10] (thread 0).
 */
interface Split {
  threads: number;
  units: number;
  params: number;
  m: number;
  v: number;
  grad: number;
  buffers: ThreadBuffers[];
  /** Words: [barrier arrivals, barrier generation, logits computed (a running count)]. */
  control: number;
}

/** Float offsets of b1, W2 and b2 in the parameter layout. */
const B1 = INPUTS * HIDDEN;
const W2 = B1 + HIDDEN;
const B2 = W2 + HIDDEN * CLASSES;
const PARAMETERS = B2 + CLASSES;

interface Shared {
  x: number;
  labels: number;
  order: number;
  /** Adam's scalars, one set of 8 floats per step parity. */
  scalars: number;
}

/**
 * The per-thread step as plain JavaScript (the workers' eval code). `ctx` holds the memory views,
 * the split, this thread's index, its bound wasm functions, the byte offset of this epoch's
 * shuffled order and how many steps it has run on this split.
 *
 * Same bits as one thread: each thread computes its own hidden units (each unit is the same sum
 * over the 784 inputs whatever the split) and then the whole logits from the assembled hidden
 * layer and all of W2 — one sum over the 128 units in order, as one thread does — and every
 * gradient and Adam update of its own weights is per element the one-thread value. A thread must
 * not update its rows of W2 (or b2) while the other still reads them for the logits and the loss:
 * it waits for the running count of threads done with them before its Adam step (by then always
 * reached in practice).
 */
const STEP_CODE = String.raw`
const INPUTS = ${INPUTS}, HIDDEN = ${HIDDEN}, CLASSES = ${CLASSES};
const B1 = ${B1}, W2 = ${W2}, B2 = ${B2};
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
function waitFor(i32, at, target, spins) {
  for (let s = 0; s < spins; s++) if (Atomics.load(i32, at) >= target) return;
  for (let seen = Atomics.load(i32, at); seen < target; seen = Atomics.load(i32, at)) Atomics.wait(i32, at, seen);
}
function bind(memory, modules) {
  const run = (module, name) => new WebAssembly.Instance(module, { env: { memory } }).exports[name];
  return {
    forward1: run(modules.forward1, "gemm"), logits: run(modules.logits, "gemm"),
    gradW2: run(modules.gradW2, "gemm"), gradH: run(modules.gradH, "gemm"),
    gradW1: run(modules.gradW1, "gemm"), adam: run(modules.adam, "run"),
  };
}
// One step on batch s (rows order[s·B …]) for thread t of the split; returns the batch's summed loss.
function step(ctx, s) {
  const { f32, i32, shared, split, t, fns, batch, spins } = ctx;
  const own = split.buffers[t], units = split.units, threads = split.threads;
  const params = split.params, grad = split.grad, control = split.control / 4;
  const order = ctx.order / 4 + s * batch, x = shared.x / 4, labels = shared.labels / 4;
  const parity = s & 1;
  ctx.steps++;
  const xb = own.xb / 4;
  for (let r = 0; r < batch; r++) {
    const from = x + i32[order + r] * INPUTS;
    f32.copyWithin(xb + r * INPUTS, from, from + INPUTS);
  }
  fns.forward1(own.xb, params + 4 * t * INPUTS * units, own.h[parity], own.list);
  const h = own.h[parity] / 4, b1 = params / 4 + B1 + t * units;
  for (let r = 0; r < batch; r++) {
    const row = h + r * units;
    for (let j = 0; j < units; j++) {
      const z = Math.fround(f32[row + j] + f32[b1 + j]);
      f32[row + j] = z > 0 ? z : 0;
    }
  }
  let hidden = own.h[parity];
  if (threads > 1) {
    barrier(i32, control, threads, spins);
    hidden = own.hidden;
    for (let u = 0; u < threads; u++) {
      const part = split.buffers[u].h[parity] / 4;
      for (let r = 0; r < batch; r++)
        f32.copyWithin(hidden / 4 + r * HIDDEN + u * units, part + r * units, part + (r + 1) * units);
    }
  }
  fns.logits(hidden, params + 4 * W2, own.z, own.list);
  // Softmax cross-entropy of logits + b2; dz = (p − y)/B.
  const z = own.z / 4, dz = own.dz / 4, b2 = params / 4 + B2;
  let loss = 0;
  for (let r = 0; r < batch; r++) {
    let max = -Infinity;
    for (let j = 0; j < CLASSES; j++) {
      const v = Math.fround(f32[z + r * CLASSES + j] + f32[b2 + j]);
      f32[dz + r * CLASSES + j] = v;
      if (v > max) max = v;
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
  // Done reading W2 and b2 for this step: the other thread may update its rows.
  if (threads > 1) {
    Atomics.add(i32, control + 2, 1);
    Atomics.notify(i32, control + 2);
  }
  fns.gradW2(own.h[parity], own.dz, grad + 4 * (W2 + t * units * CLASSES), own.list);
  if (t === 0)
    for (let j = 0; j < CLASSES; j++) {
      let sum = 0;
      for (let r = 0; r < batch; r++) sum = Math.fround(sum + f32[dz + r * CLASSES + j]);
      f32[grad / 4 + B2 + j] = sum;
    }
  const w2 = params / 4 + W2 + t * units * CLASSES, w2t = own.w2t / 4;
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
    f32[grad / 4 + B1 + t * units + j] = sum;
  }
  fns.gradW1(own.xb, own.dh, grad + 4 * t * INPUTS * units, own.list);
  if (threads > 1) waitFor(i32, control + 2, threads * ctx.steps, spins);
  const sc = shared.scalars / 4 + 8 * parity;
  const segments = [[t * INPUTS * units, INPUTS * units], [B1 + t * units, units], [W2 + t * units * CLASSES, units * CLASSES]];
  if (t === 0) segments.push([B2, CLASSES]);
  for (const [at, length] of segments) {
    const g = grad + 4 * at, m = split.m + 4 * at, v = split.v + 4 * at, p = params + 4 * at;
    fns.adam(g, m, v, p, m, v, p, f32[sc], f32[sc + 1], f32[sc + 2], f32[sc + 3], f32[sc + 4], f32[sc + 5], f32[sc + 6], length);
  }
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
const contexts = splits.map((split, i) => ({ f32, i32, shared, split, t, fns: bind(memory, modules[i]), batch, spins, order: 0, steps: 0 }));
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
  const buffers: ThreadBuffers[] = [];
  for (let t = 0; t < threads; t++)
    buffers.push({
      xb: heap.take(4 * BATCH * INPUTS),
      h: [heap.take(4 * BATCH * units), heap.take(4 * BATCH * units)],
      hidden: heap.take(4 * BATCH * HIDDEN),
      z: heap.take(4 * BATCH * CLASSES),
      dz: heap.take(4 * BATCH * CLASSES),
      dh: heap.take(4 * BATCH * units),
      w2t: heap.take(4 * CLASSES * units),
      list: heap.take(4 * INPUTS * 4),
    });
  const vector = () => heap.take(4 * PARAMETERS);
  return {
    threads,
    units,
    params: vector(),
    m: vector(),
    v: vector(),
    grad: vector(),
    buffers,
    control: heap.take(64),
  };
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

/** Where W1[i][j] lies in a split's parameter vector (floats): in the block of the thread owning unit j. */
function w1At({ units }: Split, i: number, j: number): number {
  const t = Math.floor(j / units);
  return t * INPUTS * units + i * units + (j - t * units);
}

/** The same initial weights (a fixed LCG) in each split's layout; biases and moments start at 0. */
function initialise(f32: Float32Array, splits: Split[]): void {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
  const w1 = Array.from({ length: INPUTS * HIDDEN }, () => random() * 0.15);
  const w2 = Array.from({ length: HIDDEN * CLASSES }, () => random() * 0.4);
  for (const split of splits) {
    const p = split.params / 4;
    for (let i = 0; i < INPUTS; i++) for (let j = 0; j < HIDDEN; j++) f32[p + w1At(split, i, j)] = w1[i * HIDDEN + j];
    f32.set(w2, p + W2);
  }
}

/** How many parameters differ in their bits between the two splits (W1 compared unit by unit). */
function differingParameters(f32: Float32Array, one: Split, two: Split): number {
  const bits = new Uint32Array(f32.buffer);
  let differing = 0;
  for (let i = 0; i < INPUTS; i++)
    for (let j = 0; j < HIDDEN; j++)
      if (bits[one.params / 4 + w1At(one, i, j)] !== bits[two.params / 4 + w1At(two, i, j)]) differing++;
  for (let k = B1; k < PARAMETERS; k++) if (bits[one.params / 4 + k] !== bits[two.params / 4 + k]) differing++;
  return differing;
}

export interface ModelParallelResult {
  rounds: Array<{ one: number; two: number }>;
  bestOne: number;
  bestTwo: number;
  medianRatio: number;
  lossOne: number;
  lossTwo: number;
  /** Parameters whose bits differ between the one- and the two-thread run after all rounds (of 101,770). */
  differing: number;
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
    logits: gemmModuleOn(memory, BATCH, HIDDEN, CLASSES, "rows"),
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
    differing: differingParameters(f32, splits[0], splits[1]),
    loadStart,
    loadEnd: os.loadavg()[0],
  };
}

/** `npm run bench`'s section: the probe in a fresh child process, as a table. */
export async function benchModelParallelStep(rounds = 8): Promise<string> {
  const result = lastJsonLine<ModelParallelResult>(await childOutput(process.execPath, [__filename, String(rounds)]));
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
      "weights whose bits differ, 1 vs 2 threads",
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
        `${result.differing} of ${PARAMETERS.toLocaleString("en-US")}`,
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
