/**
 * `fit` on several threads for a two-layer dense network, **the same bits as one thread**: the
 * step is split by hidden units (unitSplitStep.ts says how and why the values are the same), the
 * whole step — products, bias and ReLU, the loss, the gradients, the optimizer's update — runs as
 * generated wasm and plain loops on one shared `WebAssembly.Memory`, with no tfjs op per step,
 * this thread taking part as thread 0 and worker threads (unitSplitWorker.ts) as the others.
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
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { simdModuleFor } from "../backend/fused/wasmSimd";
import { sumOfSquaresModuleOn } from "../backend/fused/wasmSumOfSquares";
import { gemmModuleOn } from "../backend/wasmCode/gemm";
import { gatherRowsModuleOn } from "../backend/wasmKernels/gatherRowsSimd";
import { biasReluModuleOn } from "../backend/wasmKernels/biasRelu";
import { reluBiasGradModuleOn } from "../backend/wasmKernels/reluBiasGrad";
import type { Program } from "../backend/fused/program";
import type { ChainOptimizer } from "../optim/chainOptimizer";
import type { FusedStepInput, FusedStepProgram } from "../optim/fusedStepProgram";
import type { FitPlan } from "./fitOptions";
import type { StepNumbers, StepValueLayout } from "./stepValues";
import { dataOf, dropMemory, keepMemory, takeMemory, type SplitMemory } from "./unitSplitMemory";
import type { UnitSplitPlan } from "./unitSplitPlan";
import { readyOn, returnWorker, takeWorker, unitSplitFailedMessage } from "./unitSplitWorkers";
import {
  COMMAND,
  CONTROL_WORDS,
  SplitAborted,
  ThreadStep,
  WORD,
  abortSplit,
  meet,
  waitUntil,
  type ProductModules,
  type ThreadBuffers,
  type ThreadModules,
  type UnitSplitLayout,
  type UpdateProgram,
} from "./unitSplitStep";
import type { ConfigureMessage, WorkerReport } from "./unitSplitWorker";
import { UnitCut, type CutTimes } from "./unitSplitCut";
import { TogetherOrAlone } from "./unitSplitPolicy";

export { planUnitSplit, setUnitSplitMaxThreads, type UnitSplitPlan } from "./unitSplitPlan";
export { keptUnitSplitWorkers, stopUnitSplitWorkers, unitSplitFailedMessage } from "./unitSplitWorkers";

export function unitSplitProgramMessage(): string {
  return "fit: the optimizer's update no longer runs as one element-wise program over all weights (an option changed during the fit?), which the hidden-unit split needs; train on one thread with threads: 1";
}

/** State vectors beyond the optimizer's at the start (links added later: SGD's momentum switched on). */
const SPARE_STATE_VECTORS = 2;

/** The trainer's waits end after this many 100 ms sleeps: a worker that vanished without a word ends the fit. */
const MAX_SLEEPS = 300;

/** The together-or-alone policy and the cut of each shape (threads, inputs, hidden units, classes) split so far. */
const policies = new Map<string, TogetherOrAlone>();
const cuts = new Map<string, UnitCut>();

/** The cut the split uses for a shape, kept across fits (tests and the bench read or set it). */
export function unitCutFor(threads: number, inputs: number, hidden: number, classes: number): UnitCut {
  const shape = `${threads}/${inputs}/${hidden}/${classes}`;
  let cut = cuts.get(shape);
  if (!cut) cuts.set(shape, (cut = new UnitCut(hidden, threads)));
  return cut;
}

/** Bump allocation of 64-byte-aligned blocks. */
class Heap {
  top = 64;
  take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 64) * 64;
    return at;
  }
}

/** The state inputs of an update program, by name, in program order. */
function stateNames(step: FusedStepProgram): string[] {
  return step.inputs.flatMap((input) => (input.kind === "state" ? [input.name] : []));
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

export class UnitSplit {
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly control: number;
  private readonly own: ThreadStep;
  private readonly programs = new Map<Program, UpdateProgram>();
  private readonly stateVectors: Map<string, number>;
  /** Each state input loaded into its vector, with the optimizer's state variables it came from. */
  private readonly stateInputs = new Map<string, Extract<FusedStepInput, { kind: "state" }>>();
  /** State vectors no state input holds yet. */
  private readonly spareVectors: number[];
  private inEpoch = false;
  /** The steps run together and their time as the trainer measured it (µs), for the cut. */
  private together = { steps: 0, micros: 0 };
  /** Steps commanded to the other threads (run together, or called off). */
  private steps = 0;
  /** The epoch's step the other threads have been commanded to start and this thread has not run yet. */
  private commanded: number | undefined;
  /** Together or alone, by the clock (the values are the same); kept for later fits of this shape. */
  private readonly policy: TogetherOrAlone;
  /** Every thread's part on this thread, for the steps run alone (made on the first). */
  private parts: ThreadStep[] | undefined;
  private released = false;

  private constructor(
    private readonly plan: FitPlan,
    private readonly optimizer: ChainOptimizer,
    private readonly held: SplitMemory,
    private readonly layout: UnitSplitLayout,
    private readonly modules: readonly ThreadModules[],
    private readonly workers: readonly Worker[],
    private readonly ports: readonly MessagePort[],
    states: readonly string[],
    /** This shape's cut: it learns from this fit's waits when the fit ends. */
    private readonly cut: UnitCut,
  ) {
    const { memory } = held;
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.control = layout.control / 4;
    this.own = new ThreadStep(memory, layout, 0, modules[0], MAX_SLEEPS);
    const shape = `${layout.threads}/${layout.inputs}/${layout.hidden}/${layout.classes}`;
    this.policy = policies.get(shape) ?? new TogetherOrAlone();
    policies.set(shape, this.policy);
    this.stateVectors = new Map(states.map((name, i) => [name, layout.states[i]]));
    this.spareVectors = layout.states.slice(states.length);
  }

  get threads(): number {
    return this.layout.threads;
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
        sums: heap.take(8 * 2 * segments.length),
        waits: heap.take(16),
      });
    }
    const control = heap.take(4 * CONTROL_WORDS);
    const maxScalars = 64;
    const scalars = heap.take(8 * maxScalars);
    const pages = Math.ceil(heap.top / 65536);
    const { x: dataX, y: dataY } = loader.dataset;
    const held = takeMemory(pages, dataX, dataY);
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
    if (!held.holdsData) {
      new Float32Array(memory.buffer, x, examples * inputs).set(dataOf(dataX));
      new Int32Array(memory.buffer, labels, examples).set(dataY.dataSync() as Int32Array);
    }
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
    const workers: Worker[] = [];
    const ports: MessagePort[] = [];
    let freshThreads = false;
    try {
      const ready: Promise<void>[] = [];
      for (let t = 1; t < threads; t++) {
        const { worker, fresh } = takeWorker();
        freshThreads ||= fresh;
        workers.push(worker);
        worker.ref(); // until it answers: an unreferenced worker would let Node exit meanwhile
        const channel = new MessageChannel();
        ports.push(channel.port1);
        ready.push(readyOn(worker, channel.port1));
        const message: ConfigureMessage = {
          kind: "configure",
          memory,
          memoryId: held.id,
          layout,
          thread: t,
          modules: modulesOf(t),
          port: channel.port2,
        };
        worker.postMessage(message, [channel.port2]);
      }
      await Promise.all(ready);
      for (const worker of workers) worker.unref();
    } catch (error) {
      dropMemory(held);
      abortSplit(new Int32Array(memory.buffer), control / 4);
      for (const worker of workers) void worker.terminate();
      for (const port of ports) port.close();
      throw error;
    }
    const modules = units.map((_, t) => modulesOf(t));
    const unitSplit = new UnitSplit(plan, optimizer, held, layout, modules, workers, ports, states, cut);
    if (freshThreads) unitSplit.policy.threadsStarted();
    return unitSplit;
  }

  /** Reads the weights and the optimizer's state into the shared memory and the epoch's order. */
  beginEpoch(epochIndex: number): void {
    const step = this.stepProgram(); // creates the optimizer's state on the first call
    const { layout } = this;
    this.plan.variables.forEach((variable, i) => this.load(layout.params, i, variable.dataSync() as Float32Array));
    // What this epoch writes back: the state inputs loaded from here on (a callback may have replaced the optimizer's state).
    this.stateInputs.clear();
    for (const input of step.inputs) if (input.kind === "state") this.vectorOf(input);
    this.i32.set(this.plan.loader.batchOrder(epochIndex), layout.order / 4);
    this.inEpoch = true;
  }

  /** The epoch's batches: their index and rows (the data stays in the shared memory). */
  *batches(): Generator<{ index: number; size: number }> {
    const { loader } = this.plan;
    for (let index = 0; index < loader.length; index++)
      yield { index, size: Math.min(loader.batchSize, loader.size - index * loader.batchSize) };
  }

  /** Writes the weights and the optimizer's state back (after an epoch, or when the fit stops). */
  endEpoch(): void {
    this.callOffQuietly();
    if (!this.inEpoch) return;
    this.inEpoch = false;
    const { layout } = this;
    tf.tidy(() => {
      this.plan.variables.forEach((variable, i) =>
        variable.assign(tf.tensor(this.read(layout.params, i), variable.shape)),
      );
      for (const [name, input] of this.stateInputs) {
        const vector = this.stateVectors.get(name) as number;
        this.plan.variables.forEach((variable, i) => {
          const state = input.tensors.get(variable);
          if (state) state.assign(tf.tensor(this.read(vector, i), state.shape));
        });
      }
    });
  }

  /**
   * Runs one of the epoch's {@link batches} on every thread; returns its recorded values. The
   * other threads get the next step's command as soon as this one is done (before its values are
   * recorded, the fit's loop runs and the optimizer is traced for it), so they start while this
   * thread is busy with those; they wait for the update program only before their update.
   */
  step({ index, size: rows }: { index: number; size: number }, layoutOfValues: StepValueLayout): Float32Array {
    const start = performance.now();
    let together = this.commanded === index;
    if (!together) {
      this.callOff();
      together = !this.policy.next();
      if (together) this.command(index, rows);
    }
    this.commanded = undefined;
    let step: FusedStepProgram;
    let update: UpdateProgram;
    try {
      step = this.stepProgram();
      update = this.updateOf(step);
    } catch (error) {
      // The optimizer's step cannot be split (the plan's message): the others are called off, the fit reports why.
      if (together) {
        this.commanded = index;
        this.callOff();
      }
      throw error;
    }
    const { i32, control } = this;
    this.f64.set(step.scalars, this.layout.scalars / 8);
    i32[control + WORD.program] = update.id;
    const first = index * this.plan.loader.batchSize;
    let result: { loss: number; correct: number } | undefined;
    try {
      if (!together) result = ThreadStep.runAlone(this.allParts(), rows, first, update.id);
      else {
        Atomics.store(i32, control + WORD.posted, this.own.stepCount + 1);
        Atomics.notify(i32, control + WORD.posted);
        result = this.own.run(rows, first, () => update.id);
        // The other threads' updates and sums of squares.
        waitUntil(i32, control + WORD.done, (this.threads - 1) * this.steps, control, MAX_SLEEPS);
      }
    } catch (error) {
      throw new Error(
        unitSplitFailedMessage(this.failure() ?? (error instanceof SplitAborted ? "aborted" : String(error))),
      );
    }
    if (result === undefined) throw new Error(unitSplitFailedMessage("the trainer's part was called off"));
    const micros = (performance.now() - start) * 1000;
    this.policy.record(!together, micros);
    if (together) {
      this.together.steps++;
      this.together.micros += micros;
    }
    const next = index + 1;
    if (next < this.plan.loader.length && !this.policy.next())
      this.command(
        next,
        Math.min(this.plan.loader.batchSize, this.plan.loader.size - next * this.plan.loader.batchSize),
      );
    step.commit();
    const values: StepNumbers = {
      loss: result.loss,
      metrics: this.plan.metrics.map(() => Math.fround(result.correct / rows)),
    };
    if (this.plan.normsPerStep) {
      values.gradNorm = this.norm(false);
      values.weightNorm = this.norm(true);
    }
    return layoutOfValues.row(values);
  }

  /**
   * {@link callOff} where the fit is already ending (an error or a stop between steps): a failure
   * here has aborted the split, which release() then ends; the fit's own error is the one to report.
   */
  private callOffQuietly(): void {
    try {
      this.callOff();
    } catch {
      // aborted: see above
    }
  }

  /** Commands the other threads to start step `index` of the epoch ({@link step} runs it or {@link callOff} ends it). */
  private command(index: number, rows: number): void {
    const { i32, control } = this;
    i32[control + WORD.rows] = rows;
    i32[control + WORD.first] = index * this.plan.loader.batchSize;
    Atomics.store(i32, control + WORD.kind, COMMAND.step);
    this.steps++;
    this.commanded = index;
    Atomics.add(i32, control + WORD.command, 1);
    Atomics.notify(i32, control + WORD.command);
  }

  /**
   * Calls off a commanded step that will not run (the fit stopped between steps, or the epoch
   * ended): meets the other threads, which then count it done without computing it.
   */
  private callOff(): void {
    if (this.commanded === undefined) return;
    this.commanded = undefined;
    const { i32, control } = this;
    Atomics.store(i32, control + WORD.cancel, 1);
    try {
      meet(i32, control, this.threads, MAX_SLEEPS);
      waitUntil(i32, control + WORD.done, (this.threads - 1) * this.steps, control, MAX_SLEEPS);
    } catch (error) {
      abortSplit(i32, control);
      throw new Error(unitSplitFailedMessage(this.failure() ?? String(error)));
    } finally {
      Atomics.store(i32, control + WORD.cancel, 0);
    }
  }

  /** Stops the workers' step loops and keeps them for later fits (ends a failed one). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.callOffQuietly();
    const { i32, control } = this;
    let failed = i32[control + WORD.abort] !== 0;
    Atomics.store(i32, control + WORD.kind, COMMAND.stop);
    Atomics.add(i32, control + WORD.command, 1);
    Atomics.notify(i32, control + WORD.command);
    if (!failed) {
      // Every worker out of its loop before the memory serves another fit (microseconds: they wait on the word).
      try {
        waitUntil(i32, control + WORD.stopped, this.threads - 1, control, 20);
      } catch {
        failed = true;
      }
    }
    if (failed) abortSplit(i32, control);
    else this.cut.learn(this.cutTimes());
    for (const port of this.ports) port.close();
    for (const worker of this.workers) {
      if (failed) void worker.terminate();
      else returnWorker(worker);
    }
    // The memory (with its copy of the dataset) serves the next fit on the same data.
    if (failed) dropMemory(this.held);
    else keepMemory(this.held);
  }

  /**
   * √(Σ over W1, b1, W2, b2 in order of Σ over threads of their segments' sums of squares), as
   * float32: the gradients' (after the step) or the weights' (after the update).
   */
  private norm(weights: boolean): number {
    let total = 0;
    for (let tensor = 0; tensor < 4; tensor++) {
      let sum = 0;
      for (const own of this.layout.perThread) {
        const count = own.segments.length;
        if (tensor < count) sum += this.f64[own.sums / 8 + (weights ? count : 0) + tensor];
      }
      total += sum;
    }
    return Math.fround(Math.sqrt(total));
  }

  /** Where variable `i` (W1, b1, W2, b2) lies in a vector: one block per thread for W1. */
  private blocks(i: number): { at: number; width: number; u0: number }[] {
    const { layout } = this;
    if (i === 0) return layout.perThread.map(({ w1, units: [u0, u1] }) => ({ at: w1, width: u1 - u0, u0 }));
    return [{ at: [layout.b1, layout.w2, layout.b2][i - 1], width: 0, u0: 0 }];
  }

  /** Writes variable `i`'s row-major `values` into the vector at byte offset `vector`. */
  private load(vector: number, i: number, values: Float32Array): void {
    const { f32, layout } = this;
    for (const { at, width, u0 } of this.blocks(i)) {
      const base = vector / 4 + at;
      if (width === 0) f32.set(values, base);
      else
        for (let r = 0; r < layout.inputs; r++)
          f32.set(values.subarray(r * layout.hidden + u0, r * layout.hidden + u0 + width), base + r * width);
    }
  }

  /** Variable `i`'s values, row-major, from the vector at byte offset `vector`. */
  private read(vector: number, i: number): Float32Array {
    const { f32, layout } = this;
    const size = this.plan.variables[i].size;
    const out = new Float32Array(size);
    for (const { at, width, u0 } of this.blocks(i)) {
      const base = vector / 4 + at;
      if (width === 0) out.set(f32.subarray(base, base + size));
      else
        for (let r = 0; r < layout.inputs; r++)
          out.set(f32.subarray(base + r * width, base + (r + 1) * width), r * layout.hidden + u0);
    }
    return out;
  }

  private stepProgram(): FusedStepProgram {
    const step = this.optimizer.fusedStepProgram(this.plan.variables);
    if (!step || step.scalars.length > this.layout.maxScalars) throw new Error(unitSplitProgramMessage());
    return step;
  }

  /**
   * The vector of a state input, loaded from the optimizer's state the first time this epoch: its
   * own vector from the first time it is seen (a link the optimizer added during the fit, e.g.
   * SGD's momentum switched on in a callback, gets a spare one).
   */
  private vectorOf(input: Extract<FusedStepInput, { kind: "state" }>): number {
    let vector = this.stateVectors.get(input.name);
    if (vector === undefined) {
      vector = this.spareVectors.shift();
      if (vector === undefined) throw new Error(unitSplitProgramMessage());
      this.stateVectors.set(input.name, vector);
    }
    if (!this.stateInputs.has(input.name)) this.loadState(input, vector);
    return vector;
  }

  /** The optimizer's state tensors of `input` into `vector` (and where `endEpoch` writes them back). */
  private loadState(input: Extract<FusedStepInput, { kind: "state" }>, vector: number): void {
    this.stateInputs.set(input.name, input);
    this.plan.variables.forEach((variable, i) => {
      const state = input.tensors.get(variable);
      if (state) this.load(vector, i, state.dataSync() as Float32Array);
    });
  }

  /** The compiled update for this step's program, sent to the workers the first time. */
  private updateOf(step: FusedStepProgram): UpdateProgram {
    const known = this.programs.get(step.program);
    if (known) return known;
    const inputVectors = step.inputs.map((input) =>
      input.kind === "gradient"
        ? this.layout.grads
        : input.kind === "parameter"
          ? this.layout.params
          : this.vectorOf(input),
    );
    const update: UpdateProgram = {
      id: this.programs.size + 1,
      module: simdModuleFor(step.program, this.held.memory),
      inputVectors,
      outputVectors: step.writesOver.map((input) => inputVectors[input]),
      scalarCount: step.scalars.length,
    };
    this.programs.set(step.program, update);
    for (const part of this.parts ?? [this.own]) part.addUpdate(update);
    for (const port of this.ports) port.postMessage(update);
    return update;
  }

  /** Every thread's part on this thread (the update programs known so far added). */
  private allParts(): ThreadStep[] {
    if (this.parts) return this.parts;
    const others = this.modules
      .slice(1)
      .map((modules, i) => new ThreadStep(this.held.memory, this.layout, i + 1, modules));
    for (const part of others) for (const update of this.programs.values()) part.addUpdate(update);
    return (this.parts = [this.own, ...others]);
  }

  /** This fit's waits at the meeting, per step run together, for the cut. */
  private cutTimes(): CutTimes {
    const waitOf = ({ waits }: ThreadBuffers) => this.f64[waits / 8] / Math.max(1, this.f64[waits / 8 + 1]);
    const [trainer, ...others] = this.layout.perThread;
    const { steps, micros } = this.together;
    return {
      trainerWait: waitOf(trainer),
      othersWait: others.reduce((sum, own) => sum + waitOf(own), 0) / Math.max(1, others.length),
      step: micros / Math.max(1, steps),
      steps,
    };
  }

  /** What a worker reported before it aborted the step, if anything. */
  private failure(): string | undefined {
    for (const port of this.ports) {
      for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
        const report = received.message as WorkerReport;
        if (report.kind === "failed") return report.message;
      }
    }
    return undefined;
  }
}
