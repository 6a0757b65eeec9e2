/**
 * `fit` on several threads for a LeNet-shaped network, **the same bits as one thread**: each
 * step split by examples (forward and backward passes) and by weights (the gradients' sums over
 * the batch and the update), as convSplitStep.ts says, on one shared `WebAssembly.Memory` with no
 * tfjs op per step — the one-thread step's own wasm kernels called on parts of the batch or of the
 * weights. This thread takes part as thread 0, worker threads (splitWorker.ts) as the others; the
 * epochs, commands, policy and norms are the shared trainer's (splitTrainer.ts).
 *
 * Which fits: `planConvSplit` (convSplitPlan.ts) says, and why not.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import { sumOfSquaresModuleOn } from "../backend/fused/wasmSumOfSquares";
import { gemmModuleOn } from "../backend/wasmCode/gemm";
import { biasReluModuleOn } from "../backend/wasmKernels/biasRelu";
import { columnSumsModuleOn } from "../backend/wasmKernels/columnSumsSimd";
import { gatherRowsModuleOn } from "../backend/wasmKernels/gatherRowsSimd";
import { reluBiasGradModuleOn } from "../backend/wasmKernels/reluBiasGrad";
import type { ChainOptimizer } from "../optim/chainOptimizer";
import type { ConvSplitPlan } from "./convSplitPlan";
import {
  ConvThreadStep,
  examplesOf,
  mapSizes,
  transposeRows,
  type ConvMaps,
  type ConvNetShape,
  type ConvRowsModules,
  type ConvSplitLayout,
  type ConvThreadBuffers,
  type ConvThreadModules,
  type GradientJob,
} from "./convSplitStep";
import type { FitPlan } from "./fitOptions";
import {
  Heap,
  MAX_SLEEPS,
  SPARE_STATE_VECTORS,
  SplitTrainer,
  startWorkers,
  stateNames,
  unitSplitProgramMessage,
  type VariableBlock,
} from "./splitTrainer";
import { copyDataset, takeMemory, type SplitMemory } from "./unitSplitMemory";
import { CONTROL_WORDS } from "./splitControl";

export { planConvSplit, type ConvSplitPlan } from "./convSplitPlan";

/** A job with its estimated cost (multiply-adds, or the like) and the floats of the vectors it writes. */
interface CostedJob {
  readonly job: GradientJob;
  readonly cost: number;
  readonly segment: readonly [number, number];
}

/** Per updated float: the update program and, for kernels, the transposed copy (in multiply-adds of time). */
const UPDATE_COST = 20;
const TRANSPOSE_COST = 30;
/** Multiply-adds per dense kernel job (a block of its input rows). */
const DENSE_JOB_COST = 1 << 20;

/** The weight-gradient jobs of a batch of `batch` examples, each with its cost and segment. */
function gradientJobs(net: ConvNetShape, batch: number, tensors: readonly { at: number; size: number }[]): CostedJob[] {
  const jobs: CostedJob[] = [];
  const { conv1, conv2, dense } = net;
  const rowsOf = (g: { filterWidth: number; inChannels: number }, co: number) => g.filterWidth * g.inChannels * co;
  const filterRows = (kind: "conv1Filter" | "conv2Filter", tensor: number, g: typeof conv1.g, co: number) => {
    const perRow = rowsOf(g, co);
    const macs = batch * g.outHeight * g.outWidth * perRow;
    for (let fh = 0; fh < g.filterHeight; fh++) {
      const at = tensors[tensor].at + fh * perRow;
      jobs.push({
        job: { kind, tensor, from: fh, to: fh + 1 },
        cost: macs + perRow * UPDATE_COST + (kind === "conv2Filter" ? perRow * TRANSPOSE_COST : 0),
        segment: [at, at + perRow],
      });
    }
  };
  const bias = (layer: "conv1" | "conv2" | number, tensor: number, positions: number) => {
    const { at, size } = tensors[tensor];
    jobs.push({
      job: { kind: "bias", layer, tensor, from: 0, to: 1 },
      cost: 2 * batch * positions * size,
      segment: [at, at + size],
    });
  };
  filterRows("conv1Filter", 0, conv1.g, conv1.outChannels);
  bias("conv1", 1, conv1.g.outHeight * conv1.g.outWidth);
  filterRows("conv2Filter", 2, conv2.g, conv2.outChannels);
  bias("conv2", 3, conv2.g.outHeight * conv2.g.outWidth);
  dense.forEach(({ inputs, units }, layer) => {
    const tensor = 4 + 2 * layer;
    const chunks = Math.max(1, Math.round((inputs * batch * units) / DENSE_JOB_COST));
    const rows = Math.ceil(inputs / chunks / 4) * 4;
    for (let from = 0; from < inputs; from += rows) {
      const to = Math.min(inputs, from + rows);
      const at = tensors[tensor].at;
      jobs.push({
        job: { kind: "denseKernel", layer, tensor, from, to },
        cost: (to - from) * units * (batch + UPDATE_COST + TRANSPOSE_COST),
        segment: [at + from * units, at + to * units],
      });
    }
    bias(layer, tensor + 1, 1);
  });
  return jobs;
}

/** The jobs dealt to `threads` threads, longest first to the least loaded (the same deal for the same shapes), each thread's in job order. */
function dealJobs(jobs: readonly CostedJob[], threads: number): CostedJob[][] {
  const loads = new Array<number>(threads).fill(0);
  const dealt: number[][] = Array.from({ length: threads }, () => []);
  const byCost = jobs.map((_, i) => i).sort((a, b) => jobs[b].cost - jobs[a].cost || a - b);
  for (const i of byCost) {
    let t = 0;
    for (let u = 1; u < threads; u++) if (loads[u] < loads[t]) t = u;
    loads[t] += jobs[i].cost;
    dealt[t].push(i);
  }
  return dealt.map((indices) => indices.sort((a, b) => a - b).map((i) => jobs[i]));
}

export class ConvSplit extends SplitTrainer<ConvThreadStep> {
  private constructor(
    plan: FitPlan,
    optimizer: ChainOptimizer,
    held: SplitMemory,
    private readonly convLayout: ConvSplitLayout,
    private readonly modules: readonly ConvThreadModules[],
    workers: readonly Worker[],
    ports: readonly MessagePort[],
    states: readonly string[],
    shape: string,
  ) {
    const own = new ConvThreadStep(held.memory, convLayout, 0, modules[0], MAX_SLEEPS);
    super(plan, optimizer, held, convLayout, own, workers, ports, states, shape);
  }

  /** Lays out the shared memory, starts (or takes) the workers and hands each its part. */
  static async start(plan: FitPlan, split: Extract<ConvSplitPlan, { ok: true }>): Promise<ConvSplit> {
    const { threads, optimizer, net } = split;
    const { loader } = plan;
    const examples = loader.size;
    const batch = loader.maxBatchSize;
    const lastRows = loader.size % loader.batchSize;
    const rowCounts = [batch, ...(lastRows > 0 && !loader.dropLast && lastRows !== batch ? [lastRows] : [])];
    const program = optimizer.fusedStepProgram(plan.variables);
    if (!program) throw new Error(unitSplitProgramMessage());
    const states = stateNames(program);
    const { conv1, conv2, dense } = net;
    const classes = dense[dense.length - 1].units;

    // The vectors: each tensor aligned to 16 floats (no two threads' rows share a cache line).
    let count = 0;
    const tensors = plan.variables.map((variable) => {
      const at = count;
      count += Math.ceil(variable.size / 16) * 16;
      return { at, size: variable.size };
    });
    const heap = new Heap();
    const vector = () => heap.take(4 * count);
    const x = heap.take(4 * examples * net.inputSize);
    const labels = heap.take(4 * examples);
    const order = heap.take(4 * examples);
    const params = vector();
    const grads = vector();
    const stateOffsets = Array.from({ length: states.length + SPARE_STATE_VECTORS }, () => vector());
    const patch2 = conv2.g.filterHeight * conv2.g.filterWidth * conv2.g.inChannels;
    const transposed: Record<number, { at: number; rows: number; columns: number }> = {
      2: { at: heap.take(4 * patch2 * conv2.outChannels), rows: patch2, columns: conv2.outChannels },
    };
    dense.forEach(({ inputs, units }, i) => {
      transposed[4 + 2 * i] = { at: heap.take(4 * inputs * units), rows: inputs, columns: units };
    });
    const sizes = mapSizes(net);
    const perExample = (floats: number) => heap.take(4 * batch * floats);
    const maps: ConvMaps = {
      xb: perExample(sizes.xb),
      xp1: perExample(sizes.xp1),
      a1: perExample(sizes.a1),
      p1: perExample(sizes.p1),
      a2: perExample(sizes.a2),
      p2: perExample(sizes.p2),
      h: sizes.h.map(perExample),
      d: sizes.d.map(perExample),
      dp2: perExample(sizes.dp2),
      da2: perExample(sizes.da2),
      cols2: perExample(sizes.cols2),
      dp1: perExample(sizes.dp1),
      da1: perExample(sizes.da1),
      dyT1: perExample(sizes.dyT1),
      rowLosses: perExample(sizes.rowLosses),
    };
    const jobs = dealJobs(gradientJobs(net, batch, tensors), threads);
    const longestSum = Math.max(batch, conv2.outChannels, ...dense.flatMap(({ inputs, units }) => [inputs, units]));
    const perThread: ConvThreadBuffers[] = jobs.map((own) => ({
      list: heap.take(4 * longestSum),
      scratch: heap.take(4 * 256),
      correct: heap.take(4),
      jobs: own.map(({ job }) => job),
      segments: own.map(({ segment }) => segment),
      segmentTensors: own.map(({ job }) => job.tensor),
      sums: heap.take(8 * 2 * own.length),
      waits: heap.take(16),
    }));
    const control = heap.take(4 * CONTROL_WORDS);
    const maxScalars = 64;
    const scalars = heap.take(8 * maxScalars);
    const { x: dataX, y: dataY } = loader.dataset;
    const held = takeMemory(heap.top, dataX, dataY);
    const { memory } = held;
    const layout: ConvSplitLayout = {
      threads,
      net,
      classes,
      x,
      labels,
      order,
      tensors,
      transposed,
      parameterCount: count,
      params,
      grads,
      states: stateOffsets,
      maps,
      perThread,
      control,
      scalars,
      maxScalars,
      norms: plan.normsPerStep,
    };
    copyDataset(held, x, examples * net.inputSize, labels, dataX, dataY);
    new Int32Array(memory.buffer, control, CONTROL_WORDS).fill(0);
    for (const own of perThread) new Float64Array(memory.buffer, own.waits, 2).fill(0);

    const channels = new Set([conv1.outChannels, conv2.outChannels, ...dense.map(({ units }) => units)]);
    const byChannels = (make: (c: number) => WebAssembly.Module | undefined) =>
      new Map(
        [...channels].flatMap((c) => {
          const module = make(c);
          return module ? [[c, module] as const] : [];
        }),
      );
    const shared = {
      gather: gatherRowsModuleOn(memory),
      sumOfSquares: sumOfSquaresModuleOn(memory),
      biasRelu: dense.slice(0, -1).map(({ units }) => biasReluModuleOn(memory, units, units) as WebAssembly.Module),
      reluGrad: byChannels((c) => reluBiasGradModuleOn(memory, c, c)),
      columnSums: byChannels((c) => columnSumsModuleOn(memory, c)),
    };
    const modulesOf = (t: number): ConvThreadModules => {
      const byRows = new Map<number, ConvRowsModules>();
      for (const rows of rowCounts) {
        const [e0, e1] = examplesOf(rows, threads, t);
        const n = e1 - e0;
        const kernels = jobs[t].flatMap(({ job }) => {
          if (job.kind !== "denseKernel") return [];
          const { inputs, units } = dense[job.layer];
          return [gemmModuleOn(memory, job.to - job.from, rows, units, "columns", inputs)];
        });
        byRows.set(
          rows,
          n === 0
            ? { kernels }
            : {
                forward: dense.map(({ inputs, units }) => gemmModuleOn(memory, n, inputs, units, "rows")),
                input: dense.map(({ inputs, units }) => gemmModuleOn(memory, n, units, inputs, "rows")),
                cols2: gemmModuleOn(
                  memory,
                  n * conv2.g.outHeight * conv2.g.outWidth,
                  conv2.outChannels,
                  patch2,
                  "rows",
                ),
                kernels,
              },
        );
      }
      return { byRows, ...shared };
    };
    const { workers, ports, fresh } = await startWorkers(held, control, threads, (t) => ({
      split: "convolution",
      layout,
      modules: modulesOf(t),
    }));
    const modules = jobs.map((_, t) => modulesOf(t));
    const shape = `conv/${threads}/${batch}/${net.inputSize}/${conv1.outChannels}/${conv2.outChannels}/${dense.map((d) => d.units).join("-")}`;
    const convSplit = new ConvSplit(plan, optimizer, held, layout, modules, workers, ports, states, shape);
    if (fresh) convSplit.policy.threadsStarted();
    return convSplit;
  }

  protected blocks(i: number): VariableBlock[] {
    return [{ at: this.convLayout.tensors[i].at, width: 0, u0: 0 }];
  }

  protected part(t: number): ConvThreadStep {
    return new ConvThreadStep(this.held.memory, this.convLayout, t, this.modules[t]);
  }

  protected runAlone(parts: readonly ConvThreadStep[], rows: number, first: number, program: number) {
    return ConvThreadStep.runAlone(parts, rows, first, program);
  }

  /** The kernels' transposed copies, which the threads keep from here on for the rows they update. */
  protected override weightsLoaded(): void {
    const { convLayout: layout, f32 } = this;
    for (const [tensor, copy] of Object.entries(layout.transposed))
      transposeRows(
        f32,
        layout.params / 4 + layout.tensors[Number(tensor)].at,
        copy.rows,
        copy.columns,
        0,
        copy.rows,
        copy.at / 4,
      );
  }
}
