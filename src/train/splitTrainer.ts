/**
 * The trainer's side of a step split over threads on one shared `WebAssembly.Memory`, whatever
 * the split: fit's hidden-unit split of a two-layer MLP (unitSplit.ts) and its convolution split
 * of a LeNet-shaped network (convSplit.ts) both lay out the weights, gradients and optimizer state
 * as vectors there, run the optimizer's update as its traced element-wise program on each thread's
 * segments, and command the other threads (splitWorker.ts) through control words (WORD in
 * unitSplitStep.ts). What they share lives here: the epoch's start and end (weights and optimizer
 * state read into the vectors and written back), the command of each step and its calling off,
 * the choice of together or alone (unitSplitPolicy.ts), the update programs, the norms, the
 * threads' release. What a split computes, where its tensors lie and how it runs a step alone is
 * the subclass's.
 *
 * During an epoch the weights and the optimizer's state live in the shared memory; they are read
 * from the model's variables and the optimizer's state at the epoch's start and written back at
 * its end, before anything else reads them (the epoch's records, validation, callbacks, early
 * stopping) and when the fit stops with an error. The norms' sums of squares are taken per thread
 * over its segments of each tensor in double precision and added: a tensor that threads share is
 * summed in another order than one thread's one pass, so its norm could differ from one thread's
 * in the last bit (a double's rounding deciding a float32's: about one step in 10⁹; equal in every
 * test); the loss, the accuracy, the weights and the optimizer's state are the same bits.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { simdModuleFor } from "../backend/fused/wasmSimd";
import type { Program } from "../backend/fused/program";
import type { ChainOptimizer } from "../optim/chainOptimizer";
import type { FusedStepInput, FusedStepProgram } from "../optim/fusedStepProgram";
import type { FitPlan } from "./fitOptions";
import type { StepNumbers, StepValueLayout } from "./stepValues";
import { dataOf, dropMemory, keepMemory, type SplitMemory } from "./unitSplitMemory";
import { TogetherOrAlone } from "./unitSplitPolicy";
import { readyOn, returnWorker, takeWorker, unitSplitFailedMessage } from "./unitSplitWorkers";
import { COMMAND, SplitAborted, WORD, abortSplit, meet, waitUntil, type UpdateProgram } from "./splitControl";
import type { ConfigureMessage, WorkerReport } from "./splitWorker";

export function unitSplitProgramMessage(): string {
  return "fit: the optimizer's update no longer runs as one element-wise program over all weights (an option changed during the fit?), which the split over threads needs; train on one thread with threads: 1";
}

/** State vectors beyond the optimizer's at the start (links added later: SGD's momentum switched on). */
export const SPARE_STATE_VECTORS = 2;

/** The trainer's waits end after this many 100 ms sleeps: a worker that vanished without a word ends the fit. */
export const MAX_SLEEPS = 300;

/** What every split's layout has (byte offsets in the shared memory). */
export interface SplitLayout {
  readonly threads: number;
  /** Int32 [examples]: the epoch's order of the dataset's rows. */
  readonly order: number;
  readonly params: number;
  readonly grads: number;
  /** One vector per state input of the update program (Adam's two moments, SGD's momentum buffer…). */
  readonly states: readonly number[];
  /** Int32 words (WORD in unitSplitStep.ts). */
  readonly control: number;
  /** Float64: the update program's scalars for the current step. */
  readonly scalars: number;
  readonly maxScalars: number;
  /** Whether the steps record the gradient and weight norms (fit's `norms: "step"`): their sums of squares are taken only then. */
  readonly norms: boolean;
  readonly perThread: readonly {
    /** What the thread updates: floats [from, to) of the vectors, and the tensor each segment is part of. */
    readonly segments: readonly (readonly [number, number])[];
    readonly segmentTensors: readonly number[];
    /** Float64: Σg² then Σθ² of each segment. */
    readonly sums: number;
    /** Float64: its waits at the meeting (µs) and the steps they cover. */
    readonly waits: number;
  }[];
}

/** One thread's part of a step (ThreadStep, ConvThreadStep). */
export interface SplitPart {
  readonly stepCount: number;
  run(rows: number, first: number, program: () => number): { loss: number; correct: number } | undefined;
  addUpdate(update: UpdateProgram): void;
}

/** Where a variable lies in a vector: blocks of `width` columns starting at column u0 (width 0: the whole variable at `at`). */
export interface VariableBlock {
  readonly at: number;
  readonly width: number;
  readonly u0: number;
}

/** The together-or-alone policy of each split shape, kept across fits. */
const policies = new Map<string, TogetherOrAlone>();

/**
 * Each split shape's last measurement of its steps on the trainer's thread alone and on all its
 * threads together (µs per step, medians), and the mode chosen: what the threads buy over the same
 * generated step on one thread (the bench prints it).
 */
export function splitMeasurements(): { shape: string; alone?: number; together?: number; chosen: string }[] {
  return [...policies].map(([shape, policy]) => ({ shape, ...policy.lastMeasurement, chosen: policy.chosen }));
}

let scratch = new Float32Array(0);

/** A scratch array of at least `size` floats, kept for the next epoch's end. */
function scratchFloats(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/** Bump allocation of 64-byte-aligned blocks. */
export class Heap {
  top = 64;
  take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 64) * 64;
    return at;
  }
}

/** What a worker is told besides the memory, its thread and its port: which split, its layout and its modules. */
export type SplitPartMessage = Omit<ConfigureMessage, "kind" | "memory" | "memoryId" | "thread" | "port"> & {
  split: ConfigureMessage["split"];
};

/**
 * Takes (or starts) `threads − 1` worker threads and configures thread t with `part(t)`; resolves
 * once all are ready (`fresh`: one was started now, its code not yet optimized). On a failure the
 * memory is dropped, the split aborted and the workers ended.
 */
export async function startWorkers(
  held: SplitMemory,
  control: number,
  threads: number,
  part: (t: number) => SplitPartMessage,
): Promise<{ workers: Worker[]; ports: MessagePort[]; fresh: boolean }> {
  const { memory } = held;
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
      const message = {
        kind: "configure",
        memory,
        memoryId: held.id,
        thread: t,
        port: channel.port2,
        ...part(t),
      } as ConfigureMessage;
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
  return { workers, ports, fresh: freshThreads };
}

/** The state inputs of an update program, by name, in program order. */
export function stateNames(step: FusedStepProgram): string[] {
  return step.inputs.flatMap((input) => (input.kind === "state" ? [input.name] : []));
}

export abstract class SplitTrainer<Part extends SplitPart> {
  protected readonly f32: Float32Array;
  protected readonly f64: Float64Array;
  protected readonly i32: Int32Array;
  private readonly control: number;
  private readonly programs = new Map<Program, UpdateProgram>();
  private readonly stateVectors: Map<string, number>;
  /** Each state input loaded into its vector, with the optimizer's state variables it came from. */
  private readonly stateInputs = new Map<string, Extract<FusedStepInput, { kind: "state" }>>();
  /** State vectors no state input holds yet. */
  private readonly spareVectors: number[];
  private inEpoch = false;
  /** The steps run together and their time as the trainer measured it (µs). */
  protected together = { steps: 0, micros: 0 };
  /** Steps commanded to the other threads (run together, or called off). */
  private steps = 0;
  /** The epoch's step the other threads have been commanded to start and this thread has not run yet. */
  private commanded: number | undefined;
  /** Together or alone, by the clock (the values are the same); kept for later fits of this shape. */
  protected readonly policy: TogetherOrAlone;
  /** Every thread's part on this thread, for the steps run alone (made on the first). */
  private parts: Part[] | undefined;
  private released = false;

  protected constructor(
    protected readonly plan: FitPlan,
    private readonly optimizer: ChainOptimizer,
    protected readonly held: SplitMemory,
    protected readonly layout: SplitLayout,
    private readonly own: Part,
    private readonly workers: readonly Worker[],
    private readonly ports: readonly MessagePort[],
    states: readonly string[],
    /** Names the shape whose policy this split shares with earlier fits. */
    shape: string,
  ) {
    const { memory } = held;
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.control = layout.control / 4;
    this.policy = policies.get(shape) ?? new TogetherOrAlone();
    policies.set(shape, this.policy);
    this.policy.fitStarted();
    this.stateVectors = new Map(states.map((name, i) => [name, layout.states[i]]));
    this.spareVectors = layout.states.slice(states.length);
  }

  get threads(): number {
    return this.layout.threads;
  }

  /** Where variable `i` lies in a vector (blocks of columns: of its rows, its first dimension). */
  protected abstract blocks(i: number): readonly VariableBlock[];
  /** Thread t's part, made on this thread (for the steps run alone). */
  protected abstract part(t: number): Part;
  /** The whole step on this thread: every part in turn. */
  protected abstract runAlone(
    parts: readonly Part[],
    rows: number,
    first: number,
    program: number,
  ): {
    loss: number;
    correct: number;
  };
  /** Called when the threads are given back after a clean fit. */
  protected finished(): void {}
  /** Called once the weights of an epoch's start are in the vectors. */
  protected weightsLoaded(): void {}

  /** Reads the weights and the optimizer's state into the shared memory and the epoch's order. */
  beginEpoch(epochIndex: number): void {
    const step = this.stepProgram(); // creates the optimizer's state on the first call
    this.plan.variables.forEach((variable, i) => this.load(this.layout.params, i, dataOf(variable)));
    this.weightsLoaded();
    // What this epoch writes back: the state inputs loaded from here on (a callback may have replaced the optimizer's state).
    this.stateInputs.clear();
    for (const input of step.inputs) if (input.kind === "state") this.vectorOf(input);
    this.i32.set(this.plan.loader.batchOrder(epochIndex), this.layout.order / 4);
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
    // tfjs's wasm backend copies a new tensor's values into its own memory, so one scratch array
    // serves them all there (a new 400 KB array per tensor cost more than the copies).
    const scratch =
      tf.getBackend() === "wasm" ? scratchFloats(Math.max(...this.plan.variables.map((v) => v.size))) : undefined;
    tf.tidy(() => {
      this.plan.variables.forEach((variable, i) =>
        variable.assign(tf.tensor(this.read(layout.params, i, scratch), variable.shape)),
      );
      for (const [name, input] of this.stateInputs) {
        const vector = this.stateVectors.get(name) as number;
        this.plan.variables.forEach((variable, i) => {
          const state = input.tensors.get(variable);
          if (state) state.assign(tf.tensor(this.read(vector, i, scratch), state.shape));
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
      if (!together) result = this.runAlone(this.allParts(), rows, first, update.id);
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
    else this.finished();
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
   * √(Σ over the variables in order of Σ over threads and their segments of the sums of squares),
   * as float32: the gradients' (after the step) or the weights' (after the update).
   */
  private norm(weights: boolean): number {
    let total = 0;
    for (let tensor = 0; tensor < this.plan.variables.length; tensor++) {
      let sum = 0;
      for (const own of this.layout.perThread) {
        const count = own.segments.length;
        own.segmentTensors.forEach((t, s) => {
          if (t === tensor) sum += this.f64[own.sums / 8 + (weights ? count : 0) + s];
        });
      }
      total += sum;
    }
    return Math.fround(Math.sqrt(total));
  }

  /** Variable `i`'s rows (its first dimension) and columns (the rest), as its blocks cut it. */
  private rowsAndColumns(i: number): { rows: number; columns: number } {
    const { shape, size } = this.plan.variables[i];
    const rows = shape.length > 1 ? shape[0] : 1;
    return { rows, columns: size / Math.max(1, rows) };
  }

  /** Writes variable `i`'s row-major `values` into the vector at byte offset `vector`. */
  private load(vector: number, i: number, values: Float32Array): void {
    const { f32 } = this;
    const { rows, columns } = this.rowsAndColumns(i);
    for (const { at, width, u0 } of this.blocks(i)) {
      const base = vector / 4 + at;
      if (width === 0) f32.set(values, base);
      else
        for (let r = 0; r < rows; r++)
          f32.set(values.subarray(r * columns + u0, r * columns + u0 + width), base + r * width);
    }
  }

  /** Variable `i`'s values, row-major, from the vector at byte offset `vector` (into the start of `into` if given). */
  private read(vector: number, i: number, into?: Float32Array): Float32Array {
    const { f32 } = this;
    const size = this.plan.variables[i].size;
    const { rows, columns } = this.rowsAndColumns(i);
    const out = into ? into.subarray(0, size) : new Float32Array(size);
    for (const { at, width, u0 } of this.blocks(i)) {
      const base = vector / 4 + at;
      if (width === 0) out.set(f32.subarray(base, base + size));
      else
        for (let r = 0; r < rows; r++)
          out.set(f32.subarray(base + r * width, base + (r + 1) * width), r * columns + u0);
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
      if (state) this.load(vector, i, dataOf(state));
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
  private allParts(): Part[] {
    if (this.parts) return this.parts;
    const others = Array.from({ length: this.threads - 1 }, (_, i) => this.part(i + 1));
    for (const part of others) for (const update of this.programs.values()) part.addUpdate(update);
    return (this.parts = [this.own, ...others]);
  }

  /** Each thread's mean wait at the meeting (µs per step), trainer first. */
  protected meetingWaits(): number[] {
    return this.layout.perThread.map(({ waits }) => this.f64[waits / 8] / Math.max(1, this.f64[waits / 8 + 1]));
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
