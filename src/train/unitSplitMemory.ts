/**
 * The shared `WebAssembly.Memory` of a hidden-unit split (unitSplit.ts): one per fit, and the last
 * one kept, with its copy of the dataset, for the next fit on the same tensors (copying 12,800
 * MNIST images took most of a fit's 60 ms start).
 */
import * as tf from "@tensorflow/tfjs";
import { f32View, type WasmBackend } from "../backend/wasmKernels/wasmBackend";

/** A split's shared memory, kept after its fit for the next fit on the same data. */
export interface SplitMemory {
  readonly memory: WebAssembly.Memory;
  readonly pages: number;
  /** The dataset's data (tfjs data ids: the same data as long as they live) copied into it. */
  readonly x: object;
  readonly y: object;
  /** Holds that dataset already (a kept memory taken again). */
  holdsData: boolean;
  /** A fit holds it. */
  busy: boolean;
}

/** The last fit's memory (one kept: a dataset's copy can be large). */
let kept: SplitMemory | undefined;

/**
 * A memory of at least `pages` pages for a fit on (x, y): the kept one when it holds this very
 * data (tfjs data never changes under a data id; a variable's `assign` gives it a new one) and no
 * fit holds it, else a new one.
 */
export function takeMemory(pages: number, x: tf.Tensor, y: tf.Tensor): SplitMemory {
  if (kept !== undefined && !kept.busy && kept.pages >= pages && kept.x === x.dataId && kept.y === y.dataId) {
    kept.busy = true;
    kept.holdsData = true;
    return kept;
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, pages, x: x.dataId, y: y.dataId, holdsData: false, busy: true };
}

/** x's values: a view of the wasm backend's own memory where it lies there (no copy), else read. */
export function dataOf(x: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as WasmBackend;
  if (tf.getBackend() === "wasm" && x.dtype === "float32") return f32View(backend, x);
  return x.dataSync() as Float32Array;
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
