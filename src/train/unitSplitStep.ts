/**
 * One thread's part of a training step of a two-layer dense network (ReLU hidden layer, linear
 * output, softmax cross-entropy) split over threads **by hidden units**, on one shared
 * `WebAssembly.Memory` (the trainer's side: unitSplit.ts; the other threads: splitWorker.ts).
 *
 * Thread t owns the hidden units [u0, u1): their columns of W1 (kept as its own block, so all it
 * updates is contiguous and stays in its core's cache), b1[u0, u1), W2's rows u0…u1 (the last
 * thread also b2), with their gradients and optimizer state. Per step it computes its columns of
 * the hidden layer for the whole batch; meets the others (the hidden layer is then whole); computes
 * the whole logits, the loss and d loss/d logits (every thread the same values), the gradients of
 * what it owns, and, once every thread has read W2 and b2 for the step (a running count, by then
 * long reached), the optimizer's update of what it owns and the sums of squares of the norms.
 * The trainer (thread 0) then waits for the others' running count of finished steps.
 *
 * **The same bits as one thread** (train.fit's tape-free step, denseStackGradients.ts): every value
 * is computed by the same arithmetic in the same order as the one-thread kernels compute it — the
 * products by the same generated SIMD code (each element one float32 sum over k in order, whatever
 * block of columns a thread computes), the bias, ReLU and its gradient element by element, the
 * bias gradients as float32 running sums over the rows in order (columnSum.ts, reluBiasGrad.ts),
 * the loss and its gradient by the fused kernel's own code (softmaxCrossEntropyRows.ts), and the
 * update by the optimizer's traced element-wise program, per element. Nothing is summed across
 * threads except the norms' sums of squares (in double precision; see unitSplit.ts).
 *
 * No tfjs here: workers load only this file and the loss's row code.
 */
import { softmaxCrossEntropyRows } from "../backend/fused/softmaxCrossEntropyRows";
import { GATHER_ROWS_MIN_BYTES } from "../backend/wasmKernels/gatherRowsSimd";
import type { SplitLayout } from "./splitTrainer";
import { WORD, waitUntil } from "./splitControl";
import { ThreadPart, rowsRight } from "./threadPart";

/** Where a split's data lies in the shared memory (byte offsets unless said otherwise; the common part: splitTrainer.ts). */
export interface UnitSplitLayout extends SplitLayout {
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
  /** The dataset: x [examples × inputs] float32, labels [examples] int32. */
  readonly x: number;
  readonly labels: number;
  /**
   * Float offsets in the parameter, gradient and state vectors: W1 as one block [inputs × units]
   * per thread (its columns, row-major: what the thread updates is contiguous), then b1, W2, b2.
   */
  readonly b1: number;
  readonly w2: number;
  readonly b2: number;
  readonly parameterCount: number;
  /** The hidden layer [rows × hidden], each thread writing its columns. */
  readonly hiddenLayer: number;
  readonly perThread: readonly ThreadBuffers[];
}

/** One thread's own memory and share of the work. */
export interface ThreadBuffers {
  /** The batch's rows of x, gathered [rows × inputs]. */
  readonly xb: number;
  /** Logits [rows × classes], then in dz their gradient. */
  readonly z: number;
  readonly dz: number;
  /** d loss/d hidden for its units [rows × units], then (in place) d loss/d pre-activation. */
  readonly dh: number;
  /** Its rows of W2, transposed [classes × units]. */
  readonly w2t: number;
  /** The products' step lists (gemm.ts, "Zeros in A"). */
  readonly list: number;
  /** Its hidden units [from, to). */
  readonly units: readonly [number, number];
  /** Float offset of its block of W1's columns. */
  readonly w1: number;
  /**
   * What it updates (floats [from, to) of the vectors), one segment per tensor it owns a part of:
   * its W1 block, b1[units], W2[units, :] and (the last thread) b2.
   */
  readonly segments: readonly (readonly [number, number])[];
  /** The tensor each segment is part of (W1 0, b1 1, W2 2, b2 3). */
  readonly segmentTensors: readonly number[];
  /** Float64 results: Σg² and then Σθ² of each segment. */
  readonly sums: number;
  /** Float64: its waits at the meeting after the hidden layer, µs, and the steps they cover (unitSplitCut.ts balances them). */
  readonly waits: number;
}

type Gemm = (a: number, b: number, c: number, list: number) => void;

/** A thread's products for one row count (each compiled for its shapes and strides). */
export interface ThreadProducts {
  /** xb · W1[:, units] → hidden[:, units]  (rows × inputs × units, ldb = ldc = hidden) */
  readonly forward: Gemm;
  /** hidden · W2 → z  (rows × hidden × classes) */
  readonly logits: Gemm;
  /** hidden[:, units]ᵀ · dz → dW2[units, :]  (units × rows × classes, A by columns, lda = hidden) */
  readonly kernel2: Gemm;
  /** dz · W2[units, :]ᵀ → dh  (rows × classes × units) */
  readonly input2: Gemm;
  /** xbᵀ · dh → dW1[:, units]  (inputs × rows × units, A by columns, ldc = hidden) */
  readonly kernel1: Gemm;
}

/** A thread's compiled products for one row count. */
export type ProductModules = Readonly<Record<keyof ThreadProducts, WebAssembly.Module>>;

/** The modules a thread instantiates: products per row count and Σx² (update programs come later, by id). */
export interface ThreadModules {
  readonly products: ReadonlyMap<number, ProductModules>;
  readonly sumOfSquares: WebAssembly.Module;
  /** wasmKernels/gatherRowsSimd.ts's row copies. */
  readonly gather: WebAssembly.Module;
  /**
   * Its units' bias add and ReLU (wasmKernels/biasRelu.ts) and ReLU gradient with b1's gradient
   * (wasmKernels/reluBiasGrad.ts, the one-thread path's own kernel), on the hidden layer's rows;
   * absent for more units than they are generated for (then JavaScript loops, the same values).
   */
  readonly biasRelu?: WebAssembly.Module;
  readonly reluGrad?: WebAssembly.Module;
}

/** What one thread holds while it trains: views, its functions, its index. */
export class ThreadStep extends ThreadPart {
  private readonly products = new Map<number, ThreadProducts>();
  private readonly gather: (indices: number, count: number, rowBytes: number, source: number, target: number) => void;
  private readonly biasRelu: ((h: number, b: number, rows: number) => void) | undefined;
  private readonly reluGrad: ((dy: number, y: number, dz: number, db: number, rows: number) => void) | undefined;
  private readonly own: ThreadBuffers;

  constructor(
    memory: WebAssembly.Memory,
    readonly layout: UnitSplitLayout,
    thread: number,
    modules: ThreadModules,
    maxSleeps = Infinity,
  ) {
    super(memory, layout, thread, modules.sumOfSquares, maxSleeps);
    this.own = layout.perThread[thread];
    const instance = (module: WebAssembly.Module, name: string) => this.exported<never>(module, name);
    for (const [rows, set] of modules.products) {
      this.products.set(rows, {
        forward: instance(set.forward, "gemm"),
        logits: instance(set.logits, "gemm"),
        kernel2: instance(set.kernel2, "gemm"),
        input2: instance(set.input2, "gemm"),
        kernel1: instance(set.kernel1, "gemm"),
      });
    }
    this.gather = instance(modules.gather, "gatherRows");
    this.biasRelu = modules.biasRelu && instance(modules.biasRelu, "run");
    this.reluGrad = modules.reluGrad && instance(modules.reluGrad, "run");
  }

  /**
   * This thread's part of the step on rows `first … first + rows` of the epoch's order, meeting
   * the other threads; the update program's scalars lie in the layout's slots. `program()` gives the update program's id once it and its scalars are in place (the other
   * threads wait for the trainer's running count, {@link WORD.posted}). Returns the batch's mean
   * loss (float32) and how many rows the logits classify right (thread 0; 0 on the others), or
   * undefined (another thread) when the trainer called the step off.
   */
  run(rows: number, first: number, program: () => number): { loss: number; correct: number } | undefined {
    const { i32, control, layout } = this;
    this.forward(rows, first);
    if (!this.meetOthers()) return undefined;
    const step = this.steps;
    const result = this.gradients(rows, first, layout.threads > 1);
    if (layout.threads > 1) waitUntil(i32, control + WORD.readWeights, layout.threads * step, control, this.maxSleeps);
    this.updateSegments(program());
    return result;
  }

  /**
   * The whole step on this thread, every thread's part in turn (`parts`: one ThreadStep per
   * thread, all on this thread's side): the same values as {@link run} on threads, phase by
   * phase, with no meeting. What a trainer runs when the other threads do not get a core.
   */
  static runAlone(
    parts: readonly ThreadStep[],
    rows: number,
    first: number,
    program: number,
  ): { loss: number; correct: number } {
    for (const part of parts) part.forward(rows, first);
    const results = parts.map((part) => part.gradients(rows, first, false));
    for (const part of parts) part.updateSegments(program);
    return results[0];
  }

  /** Its columns of the hidden layer: relu(x·W1[:, units] + b1[units]) (tfjs's Add, then Relu). */
  private forward(rows: number, first: number): void {
    const { f32, i32, layout, own } = this;
    const { inputs, hidden } = layout;
    const fns = this.productsFor(rows);
    const [u0, u1] = own.units;
    const params = layout.params / 4;
    // The batch's rows of x (several rows read side by side: they wait on main memory).
    if (4 * inputs >= GATHER_ROWS_MIN_BYTES) this.gather(layout.order + 4 * first, rows, 4 * inputs, layout.x, own.xb);
    else
      for (let r = 0; r < rows; r++) {
        const from = layout.x / 4 + i32[layout.order / 4 + first + r] * inputs;
        f32.copyWithin(own.xb / 4 + r * inputs, from, from + inputs);
      }
    const hl = layout.hiddenLayer / 4;
    fns.forward(own.xb, layout.params + 4 * own.w1, layout.hiddenLayer + 4 * u0, own.list);
    if (this.biasRelu) {
      this.biasRelu(layout.hiddenLayer + 4 * u0, layout.params + 4 * (layout.b1 + u0), rows);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const row = hl + r * hidden;
      for (let j = u0; j < u1; j++) {
        const z = Math.fround(f32[row + j] + f32[params + layout.b1 + j]);
        f32[row + j] = z > 0 || z !== z ? z : 0; // tfjs's Relu keeps NaN
      }
    }
  }

  /**
   * From the whole hidden layer: the whole logits (+ b2), the loss and d loss/d logits (every
   * thread the same values), then the gradients of what this thread owns. With `counted`, it
   * counts itself done reading the other threads' W2 rows and b2 once the logits are computed.
   */
  private gradients(rows: number, first: number, counted: boolean): { loss: number; correct: number } {
    const { f32, i32, layout, own } = this;
    const { hidden, classes, threads } = layout;
    const fns = this.productsFor(rows);
    const [u0, u1] = own.units;
    const units = u1 - u0;
    const params = layout.params / 4;
    const grads = layout.grads / 4;
    const { b1, w2, b2 } = layout;
    const hl = layout.hiddenLayer / 4;
    const order = layout.order / 4 + first;
    fns.logits(layout.hiddenLayer, layout.params + 4 * w2, own.z, own.list);
    const z = own.z / 4;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < classes; j++)
        f32[z + r * classes + j] = Math.fround(f32[z + r * classes + j] + f32[params + b2 + j]);
    if (counted) {
      // Done reading the other threads' rows of W2 and b2: they may update them once all are.
      Atomics.add(i32, this.control + WORD.readWeights, 1);
      Atomics.notify(i32, this.control + WORD.readWeights);
    }
    const labels = layout.labels / 4;
    const labelOf = (r: number) => i32[labels + i32[order + r]];
    const dz = own.dz / 4;
    const loss = Math.fround(softmaxCrossEntropyRows(true, f32, z, rows, classes, labelOf, rows, f32, dz, true));
    const correct = this.thread === 0 ? rowsRight(f32, z, rows, classes, labelOf) : 0;
    // dW2[units, :] = hidden[:, units]ᵀ · dz
    fns.kernel2(layout.hiddenLayer + 4 * u0, own.dz, layout.grads + 4 * (w2 + u0 * classes), own.list);
    // dh = dz · W2[units, :]ᵀ (W2's rows transposed first, as tfjs does)
    const w2t = own.w2t / 4;
    for (let i = 0; i < units; i++)
      for (let j = 0; j < classes; j++) f32[w2t + j * units + i] = f32[params + w2 + (u0 + i) * classes + j];
    fns.input2(own.dz, own.w2t, own.dh, own.list);
    // ReLU's gradient (dy·step(y), step(NaN) = NaN) and b1's gradient: float32 running sums over the rows.
    if (this.reluGrad) this.reluGrad(own.dh, layout.hiddenLayer + 4 * u0, own.dh, layout.grads + 4 * (b1 + u0), rows);
    else {
      const dh = own.dh / 4;
      for (let j = u0; j < u1; j++) f32[grads + b1 + j] = 0;
      for (let r = 0; r < rows; r++) {
        const row = hl + r * hidden + u0;
        for (let j = 0; j < units; j++) {
          const y = f32[row + j];
          const value = f32[dh + r * units + j] * (y > 0 ? 1 : y !== y ? y : 0);
          f32[dh + r * units + j] = value;
          f32[grads + b1 + u0 + j] += value;
        }
      }
    }
    // dW1[:, units] = xbᵀ · dh, into its block
    fns.kernel1(own.xb, own.dh, layout.grads + 4 * own.w1, own.list);
    if (this.thread === threads - 1) {
      for (let j = 0; j < classes; j++) f32[grads + b2 + j] = 0;
      for (let r = 0; r < rows; r++) for (let j = 0; j < classes; j++) f32[grads + b2 + j] += f32[dz + r * classes + j];
    }
    return { loss, correct };
  }

  private productsFor(rows: number): ThreadProducts {
    const fns = this.products.get(rows);
    if (fns === undefined) throw new Error(`unit split: no products compiled for ${rows} rows`);
    return fns;
  }
}
