/**
 * The SIMD product split by rows between the calling thread and one `worker_threads` worker, on
 * the threaded build's shared memory (experimental, opt-in: `OPTIMLAB_GEMM_THREADS=1` with wasm
 * threads ≥ 2, see docs/performance.md "Threads").
 *
 * The worker instantiates the same generated module on the same memory (no copies) and computes
 * the lower block of rows of C while the caller computes the upper one. Every element of C is the
 * same float32 sum over p in order whichever block computes it, so the result is bit-identical to
 * the one-thread product. Hand-off is synchronous through a small shared control array (Atomics
 * wait/notify); new modules reach the worker through a MessagePort it reads synchronously.
 */
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { isShared } from "./boundFunctions";
import { gemmModuleOn, gemmOn, type ALayout, type Gemm } from "./gemm";

/** Products below this many multiply-adds stay on one thread (the hand-off costs ~10–50 µs). */
export const SPLIT_MIN_MACS = 1 << 20;

// Control words: job sequence number, sequence of the finished job, module id, a, b, c, error flag.
const [SEQ, DONE, MODULE, A, B, C, FAILED] = [0, 1, 2, 3, 4, 5, 6];

const WORKER_CODE = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { memory, control, port } = workerData;
const ctrl = new Int32Array(control);
const gemms = new Map();
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  try {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port))
      gemms.set(m.message.id, new WebAssembly.Instance(m.message.module, { env: { memory } }).exports.gemm);
    gemms.get(ctrl[${MODULE}])(ctrl[${A}], ctrl[${B}], ctrl[${C}]);
  } catch {
    Atomics.store(ctrl, ${FAILED}, 1);
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}`;

class GemmWorker {
  private readonly control = new Int32Array(new SharedArrayBuffer(8 * 4));
  private readonly port: MessagePort;
  private readonly ids = new Map<WebAssembly.Module, number>();
  private sequence = 0;
  broken = false;

  constructor(memory: WebAssembly.Memory) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { memory, control: this.control.buffer, port: channel.port2 },
      transferList: [channel.port2],
    });
    worker.on("error", () => (this.broken = true));
    // It waits for work forever: never a reason to keep the process alive.
    worker.unref();
    this.port.unref();
  }

  /** Starts gemm(a, b, c) of `module` on the worker; {@link finish} waits for it. */
  start(module: WebAssembly.Module, a: number, b: number, c: number): void {
    let id = this.ids.get(module);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(module, id);
      this.port.postMessage({ id, module });
    }
    this.control[MODULE] = id;
    this.control[A] = a;
    this.control[B] = b;
    this.control[C] = c;
    Atomics.store(this.control, SEQ, ++this.sequence);
    Atomics.notify(this.control, SEQ);
  }

  /** Waits until the started job is done; false if the worker could not run it. */
  finish(): boolean {
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done === this.sequence) break;
      Atomics.wait(this.control, DONE, done, 1000);
    }
    if (Atomics.load(this.control, FAILED) !== 0) {
      this.broken = true;
      return false;
    }
    return true;
  }
}

let enabled = false;
let products = 0;
const workers = new WeakMap<WebAssembly.Memory, GemmWorker>();

/** Turns the split on or off (select.ts, from OPTIMLAB_GEMM_THREADS and the thread count). */
export function setGemmSplit(on: boolean): void {
  enabled = on;
}

export function gemmSplitEnabled(): boolean {
  return enabled;
}

/** How many products the worker has computed its part of (tests, bench). */
export function splitProducts(): number {
  return products;
}

/**
 * C = A·B like {@link gemmOn}, split over two threads when enabled, `memory` is shared and the
 * product is large enough; otherwise the one-thread product.
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
): void {
  const one: Gemm = gemmOn(memory, m, k, n, layout);
  if (!enabled || m < 8 || m * k * n < SPLIT_MIN_MACS || !isShared(memory)) return one(a, b, c);
  let worker = workers.get(memory);
  if (worker === undefined) workers.set(memory, (worker = new GemmWorker(memory)));
  if (worker.broken) return one(a, b, c);
  // Upper block (a multiple of 4 rows, the tile height) here, the rest on the worker.
  const top = Math.ceil(m / 8) * 4;
  const rest = m - top;
  const aRest = layout === "rows" ? a + 4 * top * k : a + 4 * top;
  worker.start(gemmModuleOn(memory, rest, k, n, layout, m), aRest, b, c + 4 * top * n);
  gemmOn(memory, top, k, n, layout, m)(a, b, c);
  if (worker.finish()) products++;
  else gemmOn(memory, rest, k, n, layout, m)(aRest, b, c + 4 * top * n);
}
