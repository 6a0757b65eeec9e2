/**
 * The shared `WebAssembly.Memory` of a hidden-unit split (unitSplit.ts): the last one is kept, with
 * its copy of the dataset, for the next fit — on the same tensors without copying them again
 * (copying 12,800 MNIST images took most of a fit's 60 ms start), on other data by copying that
 * in, grown when it needs more. Keeping one memory also keeps the generated functions' instances
 * on it (unitSplitStep.ts caches them per memory): a fit on a new memory had new function objects
 * at every call site, and V8's optimized code, built for the last ones, was thrown away ("wrong
 * call target") and ran unoptimized for the first tens of steps of that fit.
 */
import * as tf from "@tensorflow/tfjs";
import { f32View, type WasmBackend } from "../backend/wasmKernels/wasmBackend";
import { touchPagesOnIdle } from "./unitSplitWorkers";

/** A split's shared memory, kept after its fit for the next fit. */
export interface SplitMemory {
  readonly memory: WebAssembly.Memory;
  /** Names the memory to the worker threads (which receive a new `WebAssembly.Memory` object for it with each message). */
  readonly id: number;
  pages: number;
  /** The most pages it can grow to. */
  readonly maxPages: number;
  /** The dataset's data (tfjs data ids: the same data as long as they live) copied into it. */
  x: object;
  y: object;
  /** Holds that dataset already (a kept memory taken again). */
  holdsData: boolean;
  /** Byte offset from which this fit's pages were never written (new or just grown): their first write faults them in. */
  freshFrom: number;
  /** A fit holds it. */
  busy: boolean;
}

/** The last fit's memory (one kept: a dataset's copy can be large). */
let kept: SplitMemory | undefined;
let memories = 0;

/** A wasm page, bytes. */
const PAGE = 65536;

/** The most pages a split's memory may grow to (4 GiB: address space reserved, not memory used). */
const MAX_PAGES = 65536;

/**
 * A memory of at least `bytes` bytes (whole wasm pages) for a fit on (x, y): the kept one when no
 * fit holds it (grown if it is too small; `holdsData` says whether it holds this very data: tfjs
 * data never changes under a data id, a variable's `assign` gives it a new one), else a new one.
 */
export function takeMemory(bytes: number, x: tf.Tensor, y: tf.Tensor): SplitMemory {
  const pages = Math.ceil(bytes / PAGE);
  if (kept !== undefined && !kept.busy && pages <= kept.maxPages) {
    kept.freshFrom = kept.pages * PAGE;
    if (kept.pages < pages) {
      kept.memory.grow(pages - kept.pages);
      kept.pages = pages;
    }
    kept.busy = true;
    kept.holdsData = kept.x === x.dataId && kept.y === y.dataId;
    kept.x = x.dataId;
    kept.y = y.dataId;
    return kept;
  }
  let memory: WebAssembly.Memory;
  let maxPages = Math.max(pages, MAX_PAGES);
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: maxPages, shared: true });
  } catch {
    // No room to reserve that much address space (a ulimit, a 32-bit host): exactly what this fit needs.
    maxPages = pages;
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  }
  return {
    memory,
    id: ++memories,
    pages,
    maxPages,
    x: x.dataId,
    y: y.dataId,
    holdsData: false,
    freshFrom: 0,
    busy: true,
  };
}

/** x's values: a view of the wasm backend's own memory where it lies there (no copy), else read. */
export function dataOf(x: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as WasmBackend;
  if (tf.getBackend() === "wasm" && x.dtype === "float32") return f32View(backend, x);
  return x.dataSync() as Float32Array;
}

/**
 * Copies the dataset (x's `floats` values at byte offset `at`, y's labels at `labels`) into the
 * memory unless it holds them already. Most of a first copy's time is the kernel faulting in the
 * fresh pages (12,800 MNIST images: 22 ms for 40 MB), so the idle worker threads fault in the
 * upper parts of the fresh pages meanwhile (`touchPagesOnIdle`) and this thread finds them ready
 * when its copy gets there (14 ms).
 */
export function copyDataset(
  held: SplitMemory,
  at: number,
  floats: number,
  labels: number,
  x: tf.Tensor,
  y: tf.Tensor,
): void {
  if (held.holdsData) return;
  const { memory } = held;
  touchPagesOnIdle(held, Math.max(held.freshFrom, at), held.pages * PAGE);
  new Float32Array(memory.buffer, at, floats).set(dataOf(x));
  new Int32Array(memory.buffer, labels, x.shape[0]).set(y.dataSync() as Int32Array);
}

/** Keeps `held` (no fit holds it any more) for the next fit on its data. */
export function keepMemory(held: SplitMemory): void {
  held.busy = false;
  kept = held;
}

/** Releases `held` without keeping it (its fit failed). */
export function dropMemory(held: SplitMemory): void {
  held.busy = false;
  if (kept === held) kept = undefined;
}
