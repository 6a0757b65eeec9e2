/**
 * The SIMD product split by rows over the calling thread and `worker_threads` workers, on the
 * threaded build's shared memory (on with wasm threads ≥ 2 unless `OPTIMLAB_GEMM_THREADS=0`; see
 * docs/performance.md "Threads").
 *
 * The rows of C are cut into chunks (a multiple of 4 rows, the tile height; about four chunks per
 * thread). Every thread, the caller included, claims the next unclaimed chunk until none is left,
 * so a worker that the OS schedules late takes fewer chunks instead of stalling the product (on a
 * busy machine the caller may do them all). Each worker instantiated the same generated chunk
 * module on the same memory (no copies); every element of C is the same float32 sum over p in
 * order whichever thread computes it, so the result is bit-identical to the one-thread product.
 *
 * Synchronisation is a small shared control array with explicit states, no timers or polling:
 * the caller closes the claim word to the next job number, writes the job, opens the claim word
 * at (job number, chunk 0), then publishes the job number and notifies; a thread claims chunk i by compare-and-swap of (job, i) → (job, i + 1),
 * so a worker that read a job late can never claim a chunk of a newer one. Each finished chunk
 * adds one to DONE; the caller sleeps on DONE (Atomics.wait) until it equals the chunk count.
 * New modules reach the workers through a MessagePort they drain synchronously; a worker that
 * lacks a module claims nothing and the caller does that job alone.
 */
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { isShared } from "./boundFunctions";
import { gemmModuleOn, gemmOn, stepListBytes, type ALayout, type Gemm } from "./gemm";

/**
 * Products below this many multiply-adds stay on one thread: the hand-off (a futex wake of the
 * worker, ~12 µs round trip here) costs more than the half of a smaller product it saves
 * (measured, docs/performance.md "Threads").
 */
export const SPLIT_MIN_MACS = 1 << 20;
let splitMinMacs = SPLIT_MIN_MACS;
/** Rows of A (and C) per chunk are a multiple of this: the product's tile height. */
const TILE_ROWS = 4;
/** The most threads a product is split over (chunks per product ≤ 32: one bit each). */
const MAX_THREADS = 8;
/** Chunks per thread: enough for a late worker to leave its share to the others. */
const CHUNKS_PER_THREAD = 4;
/**
 * After this many split products in a row that the threads did not share (the caller or the
 * workers did every chunk: no core was free, the woken worker ran in the caller's place), only
 * every PROBE_EVERY-th large product is split, until one is shared again: on a busy machine each
 * hand-off costs a futex wake (~6 µs) and can preempt the caller.
 */
const UNSHARED_BEFORE_PROBING = 8;
const PROBE_EVERY = 16;

// Int32 control words (FAILED: a bit per chunk a worker could not run); CLAIM is a BigInt64 word (job number << 32 | next chunk) at byte 64.
const [JOB, DONE, FULL_MODULE, LAST_MODULE, A, B, C, CHUNKS, A_STEP, C_STEP, FAILED, LIST, LIST_STEP] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
];
const CLAIM_BYTE = 64;
const CONTROL_BYTES = 72;
/** The job number that tells workers to end. */
const STOP = -1;

const WORKER_CODE = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { memory, control, port } = workerData;
const ctrl = new Int32Array(control);
const claim = new BigInt64Array(control, ${CLAIM_BYTE}, 1);
const gemms = new Map();
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${JOB}, seen);
  seen = Atomics.load(ctrl, ${JOB});
  if (seen === ${STOP}) break;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port))
    gemms.set(m.message.id, new WebAssembly.Instance(m.message.module, { env: { memory } }).exports.gemm);
  const full = gemms.get(Atomics.load(ctrl, ${FULL_MODULE}));
  const last = gemms.get(Atomics.load(ctrl, ${LAST_MODULE}));
  if (full === undefined || last === undefined) continue;
  const a = Atomics.load(ctrl, ${A}), b = Atomics.load(ctrl, ${B}), c = Atomics.load(ctrl, ${C});
  const chunks = Atomics.load(ctrl, ${CHUNKS});
  const aStep = Atomics.load(ctrl, ${A_STEP}), cStep = Atomics.load(ctrl, ${C_STEP});
  const list = Atomics.load(ctrl, ${LIST}), listStep = Atomics.load(ctrl, ${LIST_STEP});
  const job = BigInt(seen) << 32n;
  for (;;) {
    const current = Atomics.load(claim, 0);
    if ((current & ~0xffffffffn) !== job) break;
    const i = Number(current & 0xffffffffn);
    if (i >= chunks) break;
    if (Atomics.compareExchange(claim, 0, current, current + 1n) !== current) continue;
    try {
      (i === chunks - 1 ? last : full)(a + i * aStep, b, c + i * cStep, list + i * listStep);
    } catch {
      Atomics.or(ctrl, ${FAILED}, 1 << i);
    }
    if (Atomics.add(ctrl, ${DONE}, 1) === chunks - 1) Atomics.notify(ctrl, ${DONE});
  }
}`;

/** One split product: chunk i computes rows from a + i·aStep into c + i·cStep with the step list at list + i·listStep. */
interface GemmJob {
  a: number;
  b: number;
  c: number;
  list: number;
  chunks: number;
  aStep: number;
  cStep: number;
  listStep: number;
}

function runChunk(gemm: Gemm, job: GemmJob, i: number): void {
  gemm(job.a + i * job.aStep, job.b, job.c + i * job.cStep, job.list + i * job.listStep);
}

/**
 * Whether to hand the next large product to the threads: always, until UNSHARED_BEFORE_PROBING
 * split products in a row were computed by one side alone; then every PROBE_EVERY-th, until one
 * is shared again.
 */
export class SplitPolicy {
  private unshared = 0;
  private sinceProbe = 0;

  wantsSplit(): boolean {
    if (this.unshared < UNSHARED_BEFORE_PROBING) return true;
    this.sinceProbe = (this.sinceProbe + 1) % PROBE_EVERY;
    return this.sinceProbe === 0;
  }

  /** Records how many chunks of a split product the caller and the workers computed. */
  record(callerChunks: number, workerChunks: number): void {
    this.unshared = callerChunks > 0 && workerChunks > 0 ? 0 : this.unshared + 1;
    this.sinceProbe = 0;
  }
}

/** The workers of one memory and their control array. */
class GemmPool {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly words = new Int32Array(this.control);
  private readonly claim = new BigInt64Array(this.control, CLAIM_BYTE, 1);
  private readonly ports: MessagePort[] = [];
  private readonly workers: Worker[] = [];
  private readonly exits: Array<Promise<unknown>> = [];
  private readonly ids = new Map<WebAssembly.Module, number>();
  private job = 0;
  /** When to hand large products to the threads. */
  readonly policy = new SplitPolicy();
  broken = false;

  constructor(memory: WebAssembly.Memory, count: number) {
    for (let w = 0; w < count; w++) {
      const channel = new MessageChannel();
      const worker = new Worker(WORKER_CODE, {
        eval: true,
        workerData: { memory, control: this.control, port: channel.port2 },
        transferList: [channel.port2],
      });
      worker.on("error", () => (this.broken = true));
      // A worker waits for work forever: never a reason to keep the process alive.
      worker.unref();
      channel.port1.unref();
      this.ports.push(channel.port1);
      this.workers.push(worker);
      this.exits.push(new Promise((resolve) => worker.once("exit", resolve)));
    }
  }

  private moduleId(module: WebAssembly.Module): number {
    let id = this.ids.get(module);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(module, id);
      for (const port of this.ports) port.postMessage({ id, module });
    }
    return id;
  }

  /**
   * Runs `chunks` calls: `full(a + i·aStep, b, c + i·cStep, list + i·listStep)` for i < chunks − 1
   * and `last(…)` for the final one, on this thread and the workers (each chunk its own step
   * list); returns how many the workers ran.
   */
  run(full: WebAssembly.Module, last: WebAssembly.Module, callFull: Gemm, callLast: Gemm, job: GemmJob): number {
    const w = this.words;
    this.job = this.job === 0x7fffffff ? 1 : this.job + 1;
    const tag = BigInt(this.job) << 32n;
    // First close the claim word to the new job (no chunk claimable): a worker that read the old
    // job number and reads the fields below while they change can then claim nothing.
    Atomics.store(this.claim, 0, tag | 0xffffffffn);
    Atomics.store(w, FULL_MODULE, this.moduleId(full));
    Atomics.store(w, LAST_MODULE, this.moduleId(last));
    Atomics.store(w, A, job.a);
    Atomics.store(w, B, job.b);
    Atomics.store(w, C, job.c);
    Atomics.store(w, CHUNKS, job.chunks);
    Atomics.store(w, A_STEP, job.aStep);
    Atomics.store(w, C_STEP, job.cStep);
    Atomics.store(w, LIST, job.list);
    Atomics.store(w, LIST_STEP, job.listStep);
    Atomics.store(w, DONE, 0);
    Atomics.store(w, FAILED, 0);
    Atomics.store(this.claim, 0, tag);
    Atomics.store(w, JOB, this.job);
    Atomics.notify(w, JOB);
    let mine = 0;
    let callerError: { error: unknown } | undefined;
    while (callerTakesChunks) {
      const current = Atomics.load(this.claim, 0);
      const i = Number(current - tag);
      if (i >= job.chunks) break;
      if (Atomics.compareExchange(this.claim, 0, current, current + 1n) !== current) continue;
      try {
        runChunk(i === job.chunks - 1 ? callLast : callFull, job, i);
      } catch (error) {
        // Rethrown once the workers are done: none may still write or count for this job when
        // the next one reuses the control words.
        callerError ??= { error };
      }
      mine++;
      Atomics.add(w, DONE, 1);
    }
    for (let done = Atomics.load(w, DONE); done < job.chunks; done = Atomics.load(w, DONE)) Atomics.wait(w, DONE, done);
    if (callerError !== undefined) throw callerError.error;
    const failed = Atomics.load(w, FAILED);
    if (failed !== 0) {
      // A worker could not run chunks (one bit each): compute them here, and stop splitting.
      this.broken = true;
      for (let i = 0; i < job.chunks; i++)
        if ((failed & (1 << i)) !== 0) runChunk(i === job.chunks - 1 ? callLast : callFull, job, i);
    }
    this.policy.record(mine, job.chunks - mine);
    return job.chunks - mine;
  }

  /** Ends the workers (they leave their wait) and waits until they have exited. */
  async stop(): Promise<void> {
    Atomics.store(this.words, JOB, STOP);
    Atomics.notify(this.words, JOB);
    // Unreferenced workers would not keep the event loop alive until their exit event.
    for (const worker of this.workers) worker.ref();
    await Promise.all(this.exits);
    for (const port of this.ports) port.close();
  }
}

let threads = 1;
let callerTakesChunks = true;
let products = 0;
let workerChunks = 0;
const pools = new Map<WebAssembly.Memory, GemmPool>();

/**
 * How many threads (the caller and threads − 1 workers) share a large product; 1 = no split
 * (select.ts sets it from the wasm thread count and OPTIMLAB_GEMM_THREADS).
 */
export function setGemmThreads(count: number): void {
  // At most 8 (tfjs's pool size): then a product has at most 32 chunks, one bit each in FAILED.
  threads = Math.min(MAX_THREADS, Math.max(1, Math.floor(count)));
}

/** The thread count {@link setGemmThreads} set. */
export function gemmThreads(): number {
  return threads;
}

/** Turns a 2-thread split on or off (tests, bench). */
export function setGemmSplit(on: boolean): void {
  setGemmThreads(on ? 2 : 1);
}

export function gemmSplitEnabled(): boolean {
  return threads > 1;
}

/**
 * Tests: with false, the calling thread claims no chunk and the workers compute every one (so a
 * test checks their results deterministically, whatever the machine's load).
 */
export function setCallerTakesChunks(on: boolean): void {
  callerTakesChunks = on;
}

/** How many products had chunks computed by a worker (tests, bench). */
export function splitProducts(): number {
  return products;
}

/** How many chunks the workers have computed in all (tests, bench). */
export function workerChunkCount(): number {
  return workerChunks;
}

/** Ends every worker and waits for them (tests; a process ends without this, workers are unreferenced). */
export async function stopGemmWorkers(): Promise<void> {
  const stopping = [...pools.values()].map((pool) => pool.stop());
  pools.clear();
  await Promise.all(stopping);
}

/** Rows per chunk: a multiple of the tile height, about CHUNKS_PER_THREAD chunks per thread. */
export function chunkRows(m: number, threadCount: number): number {
  const perChunk = Math.ceil(m / (threadCount * CHUNKS_PER_THREAD));
  return Math.ceil(perChunk / TILE_ROWS) * TILE_ROWS;
}

/** Whether a product of this shape is split (with threads > 1 on a shared memory). */
export function splitsProduct(m: number, k: number, n: number): boolean {
  return threads > 1 && m >= 2 * TILE_ROWS && m * k * n >= splitMinMacs;
}

/** Measurements: split products from this many multiply-adds up ({@link SPLIT_MIN_MACS} by default). */
export function setSplitMinMacs(macs: number): void {
  splitMinMacs = macs;
}

/**
 * C = A·B like {@link gemmOn}, split over the threads when there are several, `memory` is
 * shared and the product is large enough; otherwise the one-thread product.
 */
export function runGemm(
  memory: WebAssembly.Memory,
  m: number,
  k: number,
  n: number,
  layout: ALayout,
  a: number,
  b: number,
  c: number,
  /** {@link gemmScratchBytes} bytes of scratch memory for the step lists (see gemm.ts, "Zeros in A"). */
  list: number,
): void {
  const rows = splitChunkRows(memory, m, k, n);
  if (rows === undefined) return gemmOn(memory, m, k, n, layout)(a, b, c, list);
  let pool = pools.get(memory);
  if (pool === undefined) pools.set(memory, (pool = new GemmPool(memory, threads - 1)));
  if (pool.broken || (callerTakesChunks && !pool.policy.wantsSplit()))
    return gemmOn(memory, m, k, n, layout)(a, b, c, list);
  const chunks = Math.ceil(m / rows);
  const lastRows = m - (chunks - 1) * rows;
  // A stored [k, m] ("columns"): a chunk of rows is a block of columns, read with A's full stride.
  const lda = layout === "columns" ? m : k;
  const done = pool.run(
    gemmModuleOn(memory, rows, k, n, layout, lda),
    gemmModuleOn(memory, lastRows, k, n, layout, lda),
    gemmOn(memory, rows, k, n, layout, lda),
    gemmOn(memory, lastRows, k, n, layout, lda),
    {
      a,
      b,
      c,
      list,
      chunks,
      aStep: layout === "rows" ? 4 * rows * k : 4 * rows,
      cStep: 4 * rows * n,
      listStep: stepListBytes(rows, k),
    },
  );
  if (done > 0) {
    products++;
    workerChunks += done;
  }
}

/**
 * Bytes of scratch memory {@link runGemm} reads and writes at its `list` argument for this
 * product: one step list, or one per chunk when the product may be split over the threads.
 */
export function gemmScratchBytes(memory: WebAssembly.Memory, m: number, k: number, n: number): number {
  const whole = stepListBytes(m, k);
  const rows = splitChunkRows(memory, m, k, n);
  return rows === undefined ? whole : Math.max(whole, Math.ceil(m / rows) * stepListBytes(rows, k));
}

/**
 * Rows per chunk when {@link runGemm} may split this product (several threads, a shared memory, a
 * large enough product), else undefined: one rule for the split and for the scratch it needs.
 */
function splitChunkRows(memory: WebAssembly.Memory, m: number, k: number, n: number): number | undefined {
  return splitsProduct(m, k, n) && isShared(memory) ? chunkRows(m, threads) : undefined;
}
