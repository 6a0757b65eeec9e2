/**
 * `fit` on several threads for a two-layer dense network, **the same bits as one thread**: the
 * step is split by hidden units (unitSplitStep.ts says how and why the values are the same), the
 * whole step — products, bias and ReLU, the loss, the gradients, the optimizer's update — runs as
 * generated wasm and plain loops on one shared `WebAssembly.Memory`, with no tfjs op per step,
 * this thread taking part as thread 0 and worker threads (splitWorker.ts) as the others.
 *
 * During an epoch the weights and the optimizer's state live in the shared memory; they are
 * read from the model's variables and the optimizer's state at the epoch's start and written back
 * at its end, before anything else reads them (the epoch's records, validation, callbacks, early
 * stopping) and when the fit stops with an error. What is recorded per step: the loss, the
 * accuracy and, with `norms: "step"`, the gradient and weight norms. The norms' sums of squares
 * are taken per thread over its segments of each tensor in double precision and added: a tensor
 * that threads share (W1, b1, W2) is summed in another order than one thread's one pass, so its
 * norm could differ from one thread's in the last bit (a double's rounding deciding a float32's:
 * about one step in 10⁹; equal in every test); the loss, the accuracy, the weights and the
 * optimizer's state are the same bits. Steps may run on this thread alone (unitSplitPolicy.ts),
 * with the same values.
 *
 * Which fits: `planUnitSplit` (unitSplitPlan.ts) says, and why not. The shared memory and its kept
 * copy of the dataset: unitSplitMemory.ts; the worker threads: unitSplitWorkers.ts.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import { sumOfSquaresModuleOn } from "../backend/fused/wasmSumOfSquares";
import { gemmModuleOn } from "../backend/wasmCode/gemm";
import { gatherRowsModuleOn } from "../backend/wasmKernels/gatherRowsSimd";
import { biasReluModuleOn } from "../backend/wasmKernels/biasRelu";
import { reluBiasGradModuleOn } from "../backend/wasmKernels/reluBiasGrad";
import type { ChainOptimizer } from "../optim/chainOptimizer";
import type { FitPlan } from "./fitOptions";
import { copyDataset, takeMemory, type SplitMemory } from "./unitSplitMemory";
import type { UnitSplitPlan } from "./unitSplitPlan";
import { CONTROL_WORDS } from "./splitControl";
import {
  ThreadStep,
  type ProductModules,
  type ThreadBuffers,
  type ThreadModules,
  type UnitSplitLayout,
} from "./unitSplitStep";
import { UnitCut, type CutTimes } from "./unitSplitCut";
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

export { planUnitSplit, setUnitSplitMaxThreads, type UnitSplitPlan } from "./unitSplitPlan";
export { keptUnitSplitWorkers, stopUnitSplitWorkers, unitSplitFailedMessage } from "./unitSplitWorkers";

export { unitSplitProgramMessage };

/** The cut of each shape (threads, inputs, hidden units, classes) split so far. */
const cuts = new Map<string, UnitCut>();

/** The cut the split uses for a shape, kept across fits (tests and the bench read or set it). */
export function unitCutFor(threads: number, inputs: number, hidden: number, classes: number): UnitCut {
  const shape = `${threads}/${inputs}/${hidden}/${classes}`;
  let cut = cuts.get(shape);
  if (!cut) cuts.set(shape, (cut = new UnitCut(hidden, threads)));
  return cut;
}

/** The compiled products for `rows` rows of a thread owning `units` hidden units. */
function productModules(
  memory: WebAssembly.Memory,
  rows: number,
  inputs: number,
  hidden: number,
  classes: number,
  units: number,
): ProductModules {
  return {
    forward: gemmModuleOn(memory, rows, inputs, units, "rows", rows, units, hidden),
    logits: gemmModuleOn(memory, rows, hidden, classes, "rows"),
    kernel2: gemmModuleOn(memory, units, rows, classes, "columns", hidden),
    input2: gemmModuleOn(memory, rows, classes, units, "rows"),
    kernel1: gemmModuleOn(memory, inputs, rows, units, "columns", inputs),
  };
}

export class UnitSplit extends SplitTrainer<ThreadStep> {
  private constructor(
    plan: FitPlan,
    optimizer: ChainOptimizer,
    held: SplitMemory,
    private readonly unitLayout: UnitSplitLayout,
    private readonly modules: readonly ThreadModules[],
    workers: readonly Worker[],
    ports: readonly MessagePort[],
    states: readonly string[],
    /** This shape's cut: it learns from this fit's waits when the fit ends. */
    private readonly cut: UnitCut,
  ) {
    const own = new ThreadStep(held.memory, unitLayout, 0, modules[0], MAX_SLEEPS);
    const { threads, inputs, hidden, classes } = unitLayout;
    super(
      plan,
      optimizer,
      held,
      unitLayout,
      own,
      workers,
      ports,
      states,
      `units/${threads}/${inputs}/${hidden}/${classes}`,
    );
  }

  /** Lays out the shared memory, starts (or takes) the workers and hands each its part. */
  static async start(plan: FitPlan, split: Extract<UnitSplitPlan, { ok: true }>): Promise<UnitSplit> {
    const { threads, optimizer } = split;
    const [first, second] = plan.denseStack?.layers ?? [];
    const [inputs, hidden] = first.kernel.shape as [number, number];
    const classes = (second.kernel.shape as [number, number])[1];
    const { loader } = plan;
    const examples = loader.size;
    const batch = loader.maxBatchSize;
    const lastRows = loader.size % loader.batchSize;
    const rowCounts = [batch, ...(lastRows > 0 && !loader.dropLast && lastRows !== batch ? [lastRows] : [])];
    const program = optimizer.fusedStepProgram(plan.variables);
    if (!program) throw new Error(unitSplitProgramMessage());
    const states = stateNames(program);

    const heap = new Heap();
    // The vectors: W1 as one block of columns per thread, then b1, W2, b2 (aligned to 16 floats,
    // so no two threads' segments share a cache line).
    const cut = unitCutFor(threads, inputs, hidden, classes);
    const units = cut.units();
    let at = 0;
    const place = (size: number) => {
      const offset = at;
      at += Math.ceil(size / 16) * 16;
      return offset;
    };
    const w1Blocks = units.map(([u0, u1]) => place(inputs * (u1 - u0)));
    const b1 = place(hidden);
    const w2 = place(hidden * classes);
    const b2 = place(classes);
    const parameterCount = at;
    const vector = () => heap.take(4 * parameterCount);
    const perThread: ThreadBuffers[] = [];
    const x = heap.take(4 * examples * inputs);
    const labels = heap.take(4 * examples);
    const order = heap.take(4 * examples);
    const params = vector();
    const grads = vector();
    // Spare vectors for state links the optimizer may add during the fit.
    const stateOffsets = Array.from({ length: states.length + SPARE_STATE_VECTORS }, () => vector());
    const hiddenLayer = heap.take(4 * batch * hidden);
    for (let t = 0; t < threads; t++) {
      const [u0, u1] = units[t];
      const width = u1 - u0;
      const segments: [number, number][] = [
        [w1Blocks[t], w1Blocks[t] + inputs * width],
        [b1 + u0, b1 + u1],
        [w2 + u0 * classes, w2 + u1 * classes],
      ];
      if (t === threads - 1) segments.push([b2, b2 + classes]);
      perThread.push({
        xb: heap.take(4 * batch * inputs),
        z: heap.take(4 * batch * classes),
        dz: heap.take(4 * batch * classes),
        dh: heap.take(4 * batch * width),
        w2t: heap.take(4 * classes * width),
        list: heap.take(4 * Math.max(inputs, hidden, batch) * 4),
        units: units[t],
        w1: w1Blocks[t],
        segments,
        segmentTensors: segments.map((_, i) => i),
        sums: heap.take(8 * 2 * segments.length),
        waits: heap.take(16),
      });
    }
    const control = heap.take(4 * CONTROL_WORDS);
    const maxScalars = 64;
    const scalars = heap.take(8 * maxScalars);
    const { x: dataX, y: dataY } = loader.dataset;
    const held = takeMemory(heap.top, dataX, dataY);
    const { memory } = held;
    const layout: UnitSplitLayout = {
      threads,
      inputs,
      hidden,
      classes,
      x,
      labels,
      order,
      b1,
      w2,
      b2,
      parameterCount,
      params,
      grads,
      states: stateOffsets,
      hiddenLayer,
      perThread,
      control,
      scalars,
      maxScalars,
      norms: plan.normsPerStep,
    };
    // The dataset once (a fit on the same tensors reuses the memory that holds it): every step
    // gathers its rows from here.
    copyDataset(held, x, examples * inputs, labels, dataX, dataY);
    new Int32Array(memory.buffer, control, CONTROL_WORDS).fill(0);
    for (const own of perThread) new Float64Array(memory.buffer, own.waits, 2).fill(0);

    const sumOfSquares = sumOfSquaresModuleOn(memory);
    const gather = gatherRowsModuleOn(memory);
    const modulesOf = (t: number): ThreadModules => {
      const [u0, u1] = units[t];
      const products = new Map(
        rowCounts.map((rows) => [rows, productModules(memory, rows, inputs, hidden, classes, u1 - u0)]),
      );
      const biasRelu = biasReluModuleOn(memory, u1 - u0, hidden);
      const reluGrad = reluBiasGradModuleOn(memory, u1 - u0, hidden);
      return { products, sumOfSquares, gather, ...(biasRelu && { biasRelu }), ...(reluGrad && { reluGrad }) };
    };
    const { workers, ports, fresh } = await startWorkers(held, control, threads, (t) => ({
      split: "units",
      layout,
      modules: modulesOf(t),
    }));
    const modules = units.map((_, t) => modulesOf(t));
    const unitSplit = new UnitSplit(plan, optimizer, held, layout, modules, workers, ports, states, cut);
    if (fresh) unitSplit.policy.threadsStarted();
    return unitSplit;
  }

  /** Where variable `i` (W1, b1, W2, b2) lies in a vector: one block per thread for W1. */
  protected blocks(i: number): VariableBlock[] {
    const layout = this.unitLayout;
    if (i === 0) return layout.perThread.map(({ w1, units: [u0, u1] }) => ({ at: w1, width: u1 - u0, u0 }));
    return [{ at: [layout.b1, layout.w2, layout.b2][i - 1], width: 0, u0: 0 }];
  }

  protected part(t: number): ThreadStep {
    return new ThreadStep(this.held.memory, this.unitLayout, t, this.modules[t]);
  }

  protected runAlone(parts: readonly ThreadStep[], rows: number, first: number, program: number) {
    return ThreadStep.runAlone(parts, rows, first, program);
  }

  protected override finished(): void {
    this.cut.learn(this.cutTimes());
  }

  /** This fit's waits at the meeting, per step run together, for the cut. */
  private cutTimes(): CutTimes {
    const [trainerWait, ...others] = this.meetingWaits();
    const { steps, micros } = this.together;
    return {
      trainerWait,
      othersWait: others.reduce((sum, wait) => sum + wait, 0) / Math.max(1, others.length),
      step: micros / Math.max(1, steps),
      steps,
    };
  }
}
