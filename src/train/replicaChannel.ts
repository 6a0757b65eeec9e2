/**
 * The shared memory between `fit` and one data-parallel replica thread (dataParallel.ts,
 * replicaWorker.ts): a state word that says whose turn it is, and the regions each side writes.
 *
 * One step: the trainer writes the weights, its rows of the batch and their labels, then sets
 * POSTED and wakes the replica; the replica computes the loss, metrics and gradients of those rows,
 * writes them (or an error message) and sets DONE (or FAILED) and wakes the trainer. Each side
 * only writes while the state word says it is its turn, so no region is read half-written; the
 * trainer waits with `Atomics.waitAsync` (its event loop keeps running: a replica that dies is
 * noticed) and the replica with `Atomics.wait` (it has nothing else to do). RELEASE ends the
 * replica's step loop at the end of a `fit`.
 */

import * as tf from "@tensorflow/tfjs";
import { float32Arrays } from "../backend/fused/arrays";

/**
 * A float32 tensor's values: read in place on wasm and cpu (the caller copies them into the
 * channel at once), else read out.
 */
export function valuesOf(tensor: tf.Tensor): Float32Array {
  const name = tf.getBackend();
  if ((name !== "wasm" && name !== "cpu") || tensor.dtype !== "float32") return tensor.dataSync() as Float32Array;
  return float32Arrays(name, tf.backend(), [tensor], []).inputs[0];
}

/**
 * A tensor of the channel's values at `view`: on wasm the values are copied into the heap when the
 * tensor is made, so the view itself is passed; the cpu backend would keep the array, which the
 * other thread overwrites at the next step: a copy.
 */
export function tensorOfShared(view: Float32Array | Int32Array, shape: number[]): tf.Tensor {
  const dtype = view instanceof Int32Array ? "int32" : "float32";
  return tf.tensor(tf.getBackend() === "wasm" ? view : view.slice(), shape, dtype);
}

/** Whose turn it is (the control word's values). */
export const ReplicaState = {
  /** The replica waits for the first step of this fit. */
  idle: 0,
  /** A step's inputs are written: the replica's turn. */
  posted: 1,
  /** The step's outputs are written: the trainer's turn. */
  done: 2,
  /** The step failed; the error message is written: the trainer's turn. */
  failed: 3,
  /** The fit is over: the replica leaves its step loop. */
  release: 4,
} as const;
export type ReplicaStateValue = (typeof ReplicaState)[keyof typeof ReplicaState];

/** The sizes of a channel's regions, in 4-byte values. */
export interface ChannelLayout {
  /** All of the model's weights, in `model.weights` order. */
  weights: number;
  /** Values per example of the input, and of the labels. */
  xWidth: number;
  yWidth: number;
  /** The most rows one step sends. */
  maxRows: number;
  /** The trainable variables' gradients, in `fit`'s variable order. */
  gradients: number;
  /** The loss, then one value per metric. */
  outputs: number;
}

/** Control words. */
const STATE = 0;
const ROWS = 1;
const LABELS_INT = 2;
const ERROR_BYTES = 3;
const CONTROL_WORDS = 4;
/** An error message longer than this is cut (the replica's stack is not needed to say what failed). */
const ERROR_CAPACITY = 4096;

/** Views of one channel's shared memory (the same layout on both threads). */
export class ReplicaChannel {
  readonly buffer: SharedArrayBuffer;
  private readonly control: Int32Array;
  readonly weights: Float32Array;
  readonly x: Float32Array;
  /** The labels' region, as int32 or float32 values (`labelsInt` says which). */
  readonly yFloat: Float32Array;
  readonly yInt: Int32Array;
  readonly gradients: Float32Array;
  readonly outputs: Float32Array;
  private readonly error: Uint8Array;

  constructor(
    readonly layout: ChannelLayout,
    buffer?: SharedArrayBuffer,
  ) {
    const { weights, xWidth, yWidth, maxRows, gradients, outputs } = layout;
    const sizes = [CONTROL_WORDS, weights, xWidth * maxRows, yWidth * maxRows, gradients, outputs];
    const bytes = sizes.reduce((a, b) => a + b, 0) * 4 + ERROR_CAPACITY;
    this.buffer = buffer ?? new SharedArrayBuffer(bytes);
    if (this.buffer.byteLength !== bytes)
      throw new Error(`replica channel: expected ${bytes} bytes, got ${this.buffer.byteLength}`);
    let offset = 0;
    const next = (length: number) => {
      const start = offset;
      offset += length * 4;
      return start;
    };
    this.control = new Int32Array(this.buffer, next(CONTROL_WORDS), CONTROL_WORDS);
    this.weights = new Float32Array(this.buffer, next(weights), weights);
    this.x = new Float32Array(this.buffer, next(xWidth * maxRows), xWidth * maxRows);
    const yOffset = next(yWidth * maxRows);
    this.yFloat = new Float32Array(this.buffer, yOffset, yWidth * maxRows);
    this.yInt = new Int32Array(this.buffer, yOffset, yWidth * maxRows);
    this.gradients = new Float32Array(this.buffer, next(gradients), gradients);
    this.outputs = new Float32Array(this.buffer, next(outputs), outputs);
    this.error = new Uint8Array(this.buffer, offset, ERROR_CAPACITY);
  }

  get state(): ReplicaStateValue {
    return Atomics.load(this.control, STATE) as ReplicaStateValue;
  }

  /** Sets the state and wakes the other side. */
  hand(state: ReplicaStateValue): void {
    Atomics.store(this.control, STATE, state);
    Atomics.notify(this.control, STATE);
  }

  /** The trainer: resolves once the state is no longer `state` (the replica's answer). */
  async waitWhile(state: ReplicaStateValue): Promise<void> {
    while (this.state === state) {
      const wait = Atomics.waitAsync(this.control, STATE, state);
      if (wait.async) await wait.value;
    }
  }

  /** The replica: blocks while the state is `state`. */
  blockWhile(state: ReplicaStateValue): void {
    while (this.state === state) Atomics.wait(this.control, STATE, state);
  }

  /** Rows in the posted step, and whether its labels are int32. */
  get rows(): number {
    return Atomics.load(this.control, ROWS);
  }
  get labelsInt(): boolean {
    return Atomics.load(this.control, LABELS_INT) === 1;
  }
  setStep(rows: number, labelsInt: boolean): void {
    Atomics.store(this.control, ROWS, rows);
    Atomics.store(this.control, LABELS_INT, labelsInt ? 1 : 0);
  }

  writeError(message: string): void {
    const { written } = new TextEncoder().encodeInto(message, this.error);
    Atomics.store(this.control, ERROR_BYTES, written);
  }
  readError(): string {
    // TextDecoder does not take views of shared memory: copy first.
    return new TextDecoder().decode(this.error.slice(0, Atomics.load(this.control, ERROR_BYTES)));
  }
}
