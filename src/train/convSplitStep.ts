/**
 * One thread's part of a training step of a LeNet-shaped network — conv (one channel in, ReLU) →
 * 2×2 max pool → conv (ReLU) → 2×2 max pool → dense ReLU layers → dense linear → softmax
 * cross-entropy — split over threads, on one shared `WebAssembly.Memory` (the trainer's side:
 * convSplit.ts; the other threads: splitWorker.ts).
 *
 * The split is by **examples** for everything computed per example and by **weights** for the
 * sums over the batch. Thread t runs the forward pass, the loss and the backward pass down to the
 * first layer's map for its own examples (a contiguous part of the batch); nothing of that depends
 * on the other examples. The threads then meet once. After the meeting the gradients of the weights
 * — sums over every example — are cut into jobs by rows of each weight tensor (a filter row fh, a
 * block of a dense kernel's input rows, a whole bias); thread t computes its jobs over the whole
 * batch, runs the optimizer's update on exactly those rows and keeps their transposed copies (the
 * next step's backward pass multiplies by Wᵀ) and sums of squares.
 *
 * **The same bits as one thread** (train.fit's tape): every value is computed by the kernels the
 * one-thread step runs (wasmKernels/: the convolutions, pools, their gradients, the products),
 * called on fewer examples or fewer rows of a weight, which changes no sum's terms or order: a
 * forward or input-gradient value is a sum within one example; a weight-gradient value is one
 * float32 sum over the whole batch in order, computed by one thread; the bias sums as float32
 * running sums in position order (columnSumsSimd.ts) once dz is whole; the loss's row terms added
 * in row order (softmaxCrossEntropyRows.ts). Only the norms' sums of squares are added across
 * threads (in double precision: splitTrainer.ts).
 *
 * No tfjs here: workers load only this file, the kernels' generators and the loss's row code.
 */
import { addRowLosses, softmaxCrossEntropyRows } from "../backend/fused/softmaxCrossEntropyRows";
import type { PatchGeometry } from "../backend/wasmKernels/conv2dBackpropFilter";
import { filterGradFromPacked, type FilterGradLayout } from "../backend/wasmKernels/conv2dBackpropFilterSimd";
import { filterGradTiled } from "../backend/wasmKernels/conv2dBackpropFilterTiled";
import { col2imAddSimd } from "../backend/wasmKernels/conv2dBackpropInputSimd";
import { convFewChannels } from "../backend/wasmKernels/conv2dFewChannelsSimd";
import { convTiled } from "../backend/wasmKernels/conv2dTiledSimd";
import { maxPool2x2Run, type MaxPool2x2Run } from "../backend/wasmKernels/maxPool2x2Simd";
import { maxPoolGrad2x2Run, type MaxPoolGrad2x2Run } from "../backend/wasmKernels/maxPoolGrad2x2Simd";
import { fillGradientRows, fillPaddedPlanes } from "../backend/wasmKernels/paddedPlanesSimd";
import type { SplitLayout } from "./splitTrainer";
import { ThreadPart, rowsRight } from "./threadPart";

type Gemm = (a: number, b: number, c: number, list: number) => void;
type Run3 = (a: number, b: number, n: number) => void;
type ReluGrad = (dy: number, y: number, dz: number, db: number, positions: number) => void;
type Gather = (indices: number, count: number, rowBytes: number, source: number, target: number) => void;

/** A 2×2, stride-2 max pool over maps whose height and width are even. */
export interface PoolShape {
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** The network's shapes (per example; the geometries have batch 1). */
export interface ConvNetShape {
  /** Floats per example of the input (height · width · 1). */
  readonly inputSize: number;
  readonly conv1: { readonly g: PatchGeometry; readonly outChannels: number; readonly layout: FilterGradLayout };
  readonly pool1: PoolShape;
  readonly conv2: { readonly g: PatchGeometry; readonly outChannels: number };
  readonly pool2: PoolShape;
  /** Dense layers [inputs, units], ReLU on all but the last (logits). */
  readonly dense: readonly { readonly inputs: number; readonly units: number }[];
}

/** A weight-gradient job: rows [from, to) of one tensor, over the whole batch. */
export type GradientJob =
  | {
      readonly kind: "conv1Filter" | "conv2Filter";
      readonly tensor: number;
      readonly from: number;
      readonly to: number;
    }
  | {
      readonly kind: "denseKernel";
      readonly layer: number;
      readonly tensor: number;
      readonly from: number;
      readonly to: number;
    }
  | {
      readonly kind: "bias";
      readonly layer: "conv1" | "conv2" | number;
      readonly tensor: number;
      readonly from: 0;
      readonly to: 1;
    };

/** Where a step's per-example maps lie: byte offsets of [batch × per-example floats] buffers. */
export interface ConvMaps {
  readonly xb: number;
  /** conv1's zero-padded input planes (one channel: [batch, paddedHeight, paddedWidth]). */
  readonly xp1: number;
  readonly a1: number;
  readonly p1: number;
  readonly a2: number;
  readonly p2: number;
  /** Each dense layer's output (the last: the logits) and its gradient (dz; hidden layers: in place of dh). */
  readonly h: readonly number[];
  readonly d: readonly number[];
  readonly dp2: number;
  /** d loss/d a2, then in place dz of conv2. */
  readonly da2: number;
  /** conv2's patch gradients [batch · positions, fh·fw·ci]. */
  readonly cols2: number;
  readonly dp1: number;
  /** d loss/d a1, then in place dz of conv1. */
  readonly da1: number;
  /** conv1's dz transposed: [channels, batch · outHeight, paddedOutWidth]. */
  readonly dyT1: number;
  /** Each row's loss term (float32). */
  readonly rowLosses: number;
}

/** Each map's floats per example (the layout's buffers hold a batch of them). */
export type ConvMapSizes = { readonly [K in keyof ConvMaps]: ConvMaps[K] };

/** The floats one example takes in each of {@link ConvMaps}' buffers. */
export function mapSizes(net: ConvNetShape): ConvMapSizes {
  const { conv1, pool1, conv2, pool2, dense } = net;
  const map1 = conv1.g.outHeight * conv1.g.outWidth * conv1.outChannels;
  const pooled1 = pool1.outHeight * pool1.outWidth * pool1.channels;
  const map2 = conv2.g.outHeight * conv2.g.outWidth * conv2.outChannels;
  const pooled2 = pool2.outHeight * pool2.outWidth * pool2.channels;
  const patch2 = conv2.g.filterHeight * conv2.g.filterWidth * conv2.g.inChannels;
  return {
    xb: net.inputSize,
    xp1: conv1.layout.paddedHeight * conv1.layout.paddedWidth,
    a1: map1,
    p1: pooled1,
    a2: map2,
    p2: pooled2,
    h: dense.map(({ units }) => units),
    d: dense.map(({ units }) => units),
    dp2: pooled2,
    da2: map2,
    cols2: conv2.g.outHeight * conv2.g.outWidth * patch2,
    dp1: pooled1,
    da1: map1,
    dyT1: conv1.outChannels * conv1.g.outHeight * conv1.layout.paddedOutWidth,
    rowLosses: 1,
  };
}

/** Where a split's data lies in the shared memory (byte offsets unless said otherwise; the common part: splitTrainer.ts). */
export interface ConvSplitLayout extends SplitLayout {
  readonly net: ConvNetShape;
  readonly classes: number;
  /** The dataset: x [examples × inputSize] float32, labels [examples] int32. */
  readonly x: number;
  readonly labels: number;
  /** Float offset and size of each trainable tensor in the vectors (conv1 kernel, bias, conv2 kernel, bias, then each dense kernel and bias). */
  readonly tensors: readonly { readonly at: number; readonly size: number }[];
  /** Byte offsets of each transposed kernel copy (conv2's, each dense one's), by tensor index. */
  readonly transposed: Readonly<
    Record<number, { readonly at: number; readonly rows: number; readonly columns: number }>
  >;
  readonly parameterCount: number;
  readonly maps: ConvMaps;
  readonly perThread: readonly ConvThreadBuffers[];
}

export interface ConvThreadBuffers {
  /** Scratch for the products' step lists. */
  readonly list: number;
  /** Scratch for the ReLU gradient's bias sums (the bias gradients are taken once dz is whole). */
  readonly scratch: number;
  /** Int32: the rows its logits classify right. */
  readonly correct: number;
  readonly jobs: readonly GradientJob[];
  /** What it updates (floats [from, to) of the vectors), one segment per job, and each segment's tensor. */
  readonly segments: readonly (readonly [number, number])[];
  readonly segmentTensors: readonly number[];
  /** Float64: Σg² then Σθ² of each segment. */
  readonly sums: number;
  /** Float64: its waits at the meeting (µs) and the steps they cover. */
  readonly waits: number;
}

/** The compiled products and small kernels a thread instantiates (the convolution kernels compile where they run). */
export interface ConvThreadModules {
  /** Per batch rows: the products of this thread's examples. */
  readonly byRows: ReadonlyMap<number, ConvRowsModules>;
  readonly gather: WebAssembly.Module;
  readonly sumOfSquares: WebAssembly.Module;
  /** Bias + ReLU per hidden dense layer; ReLU gradients per channel count; column sums per channel count. */
  readonly biasRelu: readonly WebAssembly.Module[];
  readonly reluGrad: ReadonlyMap<number, WebAssembly.Module>;
  readonly columnSums: ReadonlyMap<number, WebAssembly.Module>;
}

export interface ConvRowsModules {
  /** Each dense layer's forward product (examples × inputs × units); absent when this thread has no examples. */
  readonly forward?: readonly WebAssembly.Module[];
  /** Each dense layer's input gradient dz · Wᵀ (examples × units × inputs). */
  readonly input?: readonly WebAssembly.Module[];
  /** conv2's patch gradients dz · W2ᵀ (examples · positions × channels out × patch). */
  readonly cols2?: WebAssembly.Module;
  /** Each of its dense kernel jobs' product, in job order (rows × batch × units, A by columns). */
  readonly kernels: readonly WebAssembly.Module[];
}

interface RowsFunctions {
  forward: Gemm[];
  input: Gemm[];
  cols2: Gemm | undefined;
  kernels: Gemm[];
}

/** The examples [from, to) of thread t in a batch of `rows`. */
export function examplesOf(rows: number, threads: number, t: number): [number, number] {
  return [Math.floor((rows * t) / threads), Math.floor((rows * (t + 1)) / threads)];
}

/** A geometry with another batch. */
function batchOf(g: PatchGeometry, batch: number): PatchGeometry {
  return { ...g, batch };
}

export class ConvThreadStep extends ThreadPart {
  private readonly byRows = new Map<number, RowsFunctions>();
  private readonly gather: Gather;
  private readonly biasRelu: Run3[];
  private readonly reluGrad = new Map<number, ReluGrad>();
  private readonly columnSums = new Map<number, Run3>();
  private readonly pool1: MaxPool2x2Run;
  private readonly pool2: MaxPool2x2Run;
  private readonly pool1Grad: MaxPoolGrad2x2Run;
  private readonly pool2Grad: MaxPoolGrad2x2Run;
  private readonly own: ConvThreadBuffers;
  /** Each map's floats per example. */
  private readonly sizes: ConvMapSizes;

  constructor(
    memory: WebAssembly.Memory,
    readonly layout: ConvSplitLayout,
    thread: number,
    modules: ConvThreadModules,
    maxSleeps = Infinity,
  ) {
    super(memory, layout, thread, modules.sumOfSquares, maxSleeps);
    this.own = layout.perThread[thread];
    this.sizes = mapSizes(layout.net);
    const fn = (module: WebAssembly.Module, name = "gemm") => this.exported<never>(module, name);
    for (const [rows, set] of modules.byRows) {
      this.byRows.set(rows, {
        forward: (set.forward ?? []).map((m) => fn(m)),
        input: (set.input ?? []).map((m) => fn(m)),
        cols2: set.cols2 && fn(set.cols2),
        kernels: set.kernels.map((m) => fn(m)),
      });
    }
    this.gather = fn(modules.gather, "gatherRows");
    this.biasRelu = modules.biasRelu.map((m) => fn(m, "run"));
    for (const [channels, m] of modules.reluGrad) this.reluGrad.set(channels, fn(m, "run"));
    for (const [channels, m] of modules.columnSums) this.columnSums.set(channels, fn(m, "run"));
    const { pool1, pool2 } = layout.net;
    const pool = (p: PoolShape) => maxPool2x2Run(memory, p.inWidth, p.channels);
    const poolGrad = (p: PoolShape) => maxPoolGrad2x2Run(memory, p.inWidth, p.channels);
    const [r1, r2, g1, g2] = [pool(pool1), pool(pool2), poolGrad(pool1), poolGrad(pool2)];
    if (!r1 || !r2 || !g1 || !g2) throw new Error("convolution split: no wasm SIMD for the pools");
    [this.pool1, this.pool2, this.pool1Grad, this.pool2Grad] = [r1, r2, g1, g2];
  }

  /**
   * This thread's part of the step on rows `first … first + rows` of the epoch's order: its
   * examples, the meeting, its gradient jobs and their update (`program()`: the update program's
   * id once posted). Returns the batch's loss and right count (thread 0), or undefined (another
   * thread) when the trainer called the step off at the meeting.
   */
  run(rows: number, first: number, program: () => number): { loss: number; correct: number } | undefined {
    this.examples(rows, first);
    if (!this.meetOthers()) return undefined;
    this.gradients(rows);
    this.update(program());
    return this.thread === 0 ? this.result(rows) : { loss: 0, correct: 0 };
  }

  /** The whole step on this thread, every thread's part in turn (no meeting): the same values. */
  static runAlone(
    parts: readonly ConvThreadStep[],
    rows: number,
    first: number,
    program: number,
  ): { loss: number; correct: number } {
    for (const part of parts) part.examples(rows, first);
    for (const part of parts) {
      part.gradients(rows);
      part.update(program);
    }
    return parts[0].result(rows);
  }

  /** The batch's mean loss (its row terms added in row order) and how many rows the logits classify right. */
  private result(rows: number): { loss: number; correct: number } {
    const { f32, i32, layout } = this;
    const loss = Math.fround(addRowLosses(true, f32, layout.maps.rowLosses / 4, rows, rows));
    let correct = 0;
    for (const own of layout.perThread) correct += i32[own.correct / 4];
    return { loss, correct };
  }

  /** Forward, loss and backward down to conv1's dz for this thread's examples. */
  private examples(rows: number, first: number): void {
    const { f32, i32, layout, memory, own } = this;
    const { net, maps, classes } = layout;
    const [e0, e1] = examplesOf(rows, layout.threads, this.thread);
    const n = e1 - e0;
    i32[own.correct / 4] = 0;
    if (n === 0) return;
    const fns = this.functionsFor(rows);
    const param = (tensor: number) => layout.params + 4 * layout.tensors[tensor].at;
    const at = (buffer: number, perExample: number) => buffer + 4 * e0 * perExample;
    const { conv1, pool1, conv2, pool2, dense } = net;
    const g1 = batchOf(conv1.g, n);
    const g2 = batchOf(conv2.g, n);
    const { a1: map1, p1: pooled1, a2: map2, p2: pooled2, xp1: plane1, cols2: patches2 } = this.sizes;
    const positions2 = conv2.g.outHeight * conv2.g.outWidth;

    // The examples' rows of x, then conv1's padded planes.
    const xb = at(maps.xb, net.inputSize);
    this.gather(layout.order + 4 * (first + e0), n, 4 * net.inputSize, layout.x, xb);
    const xp = at(maps.xp1, plane1);
    fillPaddedPlanes(
      memory,
      g1,
      conv1.layout,
      f32.subarray(xb / 4, xb / 4 + n * net.inputSize),
      xb,
      f32.subarray(xp / 4, xp / 4 + n * plane1),
      xp,
    );
    const a1 = at(maps.a1, map1);
    convFewChannels(memory, g1, conv1.layout, conv1.outChannels, true, xp, param(0), param(1), a1);
    const p1 = at(maps.p1, pooled1);
    this.pool1(a1, p1, n * pool1.outHeight, pool1.outWidth);
    const a2 = at(maps.a2, map2);
    convTiled(memory, g2, conv2.outChannels, true, p1, param(2), param(3), a2);
    const p2 = at(maps.p2, pooled2);
    this.pool2(a2, p2, n * pool2.outHeight, pool2.outWidth);

    // Dense layers: products, bias (+ ReLU on hidden layers).
    const last = dense.length - 1;
    let input = p2;
    dense.forEach(({ units }, i) => {
      const h = at(maps.h[i], units);
      fns.forward[i](input, param(4 + 2 * i), h, own.list);
      if (i < last) this.biasRelu[i](h, param(5 + 2 * i), n);
      else {
        const z = h / 4;
        const b = param(5 + 2 * i) / 4;
        for (let r = 0; r < n; r++)
          for (let j = 0; j < units; j++) f32[z + r * units + j] = Math.fround(f32[z + r * units + j] + f32[b + j]);
      }
      input = h;
    });

    // The loss's row terms and d loss/d logits (mean over the whole batch), and the right count.
    const z = at(maps.h[last], classes) / 4;
    const labels = layout.labels / 4;
    const order = layout.order / 4 + first + e0;
    const labelOf = (r: number) => i32[labels + i32[order + r]];
    const dz = at(maps.d[last], classes) / 4;
    softmaxCrossEntropyRows(true, f32, z, n, classes, labelOf, rows, f32, dz, true, f32, maps.rowLosses / 4 + e0);
    i32[own.correct / 4] = rowsRight(f32, z, n, classes, labelOf);

    // Backward through the dense layers: dh = dz · Wᵀ, then the ReLU's gradient in place.
    for (let i = last; i >= 0; i--) {
      const { inputs } = dense[i];
      const target = i > 0 ? at(maps.d[i - 1], inputs) : at(maps.dp2, pooled2);
      fns.input[i](at(maps.d[i], dense[i].units), layout.transposed[4 + 2 * i].at, target, own.list);
      if (i > 0) this.reluGradOf(inputs)(target, at(maps.h[i - 1], inputs), target, own.scratch, n);
    }
    // pool2, conv2 (ReLU, then dx = col2im(dz · W2ᵀ)), pool1, conv1's ReLU.
    const da2 = at(maps.da2, map2);
    this.pool2Grad(a2, at(maps.dp2, pooled2), da2, n * pool2.outHeight, pool2.outWidth);
    this.reluGradOf(conv2.outChannels)(da2, a2, da2, own.scratch, n * positions2);
    const cols = at(maps.cols2, patches2);
    fns.cols2?.(da2, layout.transposed[2].at, cols, own.list);
    const dp1 = at(maps.dp1, pooled1);
    f32.fill(0, dp1 / 4, dp1 / 4 + n * pooled1);
    col2imAddSimd(memory, g2, cols, dp1);
    const da1 = at(maps.da1, map1);
    this.pool1Grad(a1, dp1, da1, n * pool1.outHeight, pool1.outWidth);
    this.reluGradOf(conv1.outChannels)(da1, a1, da1, own.scratch, n * conv1.g.outHeight * conv1.g.outWidth);
    // conv1's dz transposed for its filter gradient: this thread's rows of each channel's plane.
    const rowsPerExample = conv1.g.outHeight;
    fillGradientRows(
      memory,
      g1,
      conv1.outChannels,
      conv1.layout,
      f32.subarray(da1 / 4, da1 / 4 + n * map1),
      da1,
      f32.subarray(maps.dyT1 / 4),
      maps.dyT1 + 4 * e0 * rowsPerExample * conv1.layout.paddedOutWidth,
      rows * rowsPerExample,
    );
  }

  /** This thread's weight-gradient jobs over the whole batch. */
  private gradients(rows: number): void {
    const { layout, memory, own } = this;
    const { net, maps } = layout;
    const fns = this.functionsFor(rows);
    const grad = (tensor: number) => layout.grads + 4 * layout.tensors[tensor].at;
    let kernel = 0;
    for (const job of own.jobs) {
      switch (job.kind) {
        case "conv1Filter":
          filterGradFromPacked(
            memory,
            batchOf(net.conv1.g, rows),
            net.conv1.outChannels,
            net.conv1.layout,
            maps.xp1,
            maps.dyT1,
            grad(job.tensor),
            job.from,
            job.to,
          );
          break;
        case "conv2Filter":
          filterGradTiled(
            memory,
            batchOf(net.conv2.g, rows),
            net.conv2.outChannels,
            maps.p1,
            maps.da2,
            grad(job.tensor),
            job.from,
            job.to,
          );
          break;
        case "denseKernel": {
          const { units } = net.dense[job.layer];
          const input = job.layer === 0 ? maps.p2 : maps.h[job.layer - 1];
          fns.kernels[kernel++](
            input + 4 * job.from,
            maps.d[job.layer],
            grad(job.tensor) + 4 * job.from * units,
            own.list,
          );
          break;
        }
        case "bias": {
          const [map, channels, positions] =
            job.layer === "conv1"
              ? [maps.da1, net.conv1.outChannels, net.conv1.g.outHeight * net.conv1.g.outWidth]
              : job.layer === "conv2"
                ? [maps.da2, net.conv2.outChannels, net.conv2.g.outHeight * net.conv2.g.outWidth]
                : [maps.d[job.layer], net.dense[job.layer].units, 1];
          const sums = this.columnSums.get(channels);
          if (sums === undefined) throw new Error(`convolution split: no column sums for ${channels} channels`);
          sums(map, grad(job.tensor), rows * positions);
          break;
        }
      }
    }
  }

  /** Its segments' update, between the norms' sums of squares, then their transposed copies. */
  private update(program: number): void {
    this.updateSegments(program);
    const { own, layout, f32 } = this;
    own.segments.forEach(([from, to], s) => {
      const tensor = own.segmentTensors[s];
      const copy = layout.transposed[tensor];
      if (copy === undefined) return;
      const start = layout.tensors[tensor].at;
      const r0 = (from - start) / copy.columns;
      const r1 = (to - start) / copy.columns;
      transposeRows(f32, layout.params / 4 + start, copy.rows, copy.columns, r0, r1, copy.at / 4);
    });
  }

  private reluGradOf(channels: number): ReluGrad {
    const fn = this.reluGrad.get(channels);
    if (fn === undefined) throw new Error(`convolution split: no ReLU gradient for ${channels} channels`);
    return fn;
  }

  private functionsFor(rows: number): RowsFunctions {
    const fns = this.byRows.get(rows);
    if (fns === undefined) throw new Error(`convolution split: no products compiled for ${rows} rows`);
    return fns;
  }
}

/** Wᵀ[c, r] = W[r, c] for rows [r0, r1) of W [rows × columns] (float offsets in f32). */
export function transposeRows(
  f32: Float32Array,
  w: number,
  rows: number,
  columns: number,
  r0: number,
  r1: number,
  wt: number,
): void {
  for (let r = r0; r < r1; r++) {
    const from = w + r * columns;
    for (let c = 0; c < columns; c++) f32[wt + c * rows + r] = f32[from + c];
  }
}
