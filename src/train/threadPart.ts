/**
 * What every thread's part of a split step has (ThreadStep in unitSplitStep.ts, ConvThreadStep in
 * convSplitStep.ts): views of the shared memory, the meeting after its first phase, its segments of
 * the weight vectors, and the optimizer's update on them — the traced element-wise program, by id,
 * run on each segment between the two sums of squares the per-step norms need. No tfjs: workers
 * load it.
 */
import { WORD, meet, type UpdateProgram } from "./splitControl";

const instances = new WeakMap<WebAssembly.Memory, WeakMap<WebAssembly.Module, WebAssembly.Instance>>();

/**
 * `module` instantiated on `memory`, once: the split's memory is kept across fits
 * (unitSplitMemory.ts), and with it each call site's function objects, which V8's optimized code
 * is built for (a new instance per fit threw that code away at every fit's start).
 */
export function instanceOn(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Instance {
  let byModule = instances.get(memory);
  if (!byModule) instances.set(memory, (byModule = new WeakMap()));
  let instance = byModule.get(module);
  if (!instance) byModule.set(module, (instance = new WebAssembly.Instance(module, { env: { memory } })));
  return instance;
}

/**
 * How many of `rows` rows of `classes` logits at `f32[z…]` are classified as `labelOf(row)`: the
 * first largest logit, as tfjs's argMax.
 */
export function rowsRight(
  f32: Float32Array,
  z: number,
  rows: number,
  classes: number,
  labelOf: (row: number) => number,
): number {
  let right = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (f32[z + r * classes + j] > f32[z + r * classes + best]) best = j;
    if (best === labelOf(r)) right++;
  }
  return right;
}

/** How many threads, and where the vectors, scalars, control words and each thread's part lie (byte offsets). */
export interface PartLayout {
  readonly threads: number;
  readonly perThread: readonly PartSegments[];
  readonly control: number;
  readonly params: number;
  readonly grads: number;
  readonly scalars: number;
  readonly norms: boolean;
}

/** A thread's segments of the vectors (floats [from, to)), where their Σg², then Σθ², go and its waits at the meeting (float64). */
export interface PartSegments {
  readonly segments: readonly (readonly [number, number])[];
  readonly sums: number;
  /** Float64: its waits at the meeting (µs) and the steps they cover. */
  readonly waits: number;
}

export abstract class ThreadPart {
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** The control words' Int32 index. */
  protected readonly control: number;
  /** Steps run on this split (the running counts the threads meet by are multiples of it). */
  protected steps = 0;
  private readonly updates = new Map<number, { run: (...args: number[]) => void; update: UpdateProgram }>();
  private readonly sumOfSquares: (pointer: number, n: number) => number;
  private readonly part: PartSegments;

  protected constructor(
    protected readonly memory: WebAssembly.Memory,
    private readonly partLayout: PartLayout,
    readonly thread: number,
    sumOfSquares: WebAssembly.Module,
    /** The trainer bounds its waits; workers wait as long as the trainer lives. */
    protected readonly maxSleeps: number,
  ) {
    this.part = partLayout.perThread[thread];
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.control = partLayout.control / 4;
    this.sumOfSquares = this.exported(sumOfSquares, "sumOfSquares");
  }

  /** Function `name` of `module` instantiated on this memory (once per memory: unitSplitStep.ts's instanceOn). */
  protected exported<F>(module: WebAssembly.Module, name: string): F {
    return instanceOn(module, this.memory).exports[name] as F;
  }

  /** Adds an update program under its id. */
  addUpdate(update: UpdateProgram): void {
    this.updates.set(update.id, { run: this.exported(update.module, "run"), update });
  }

  hasUpdate(id: number): boolean {
    return this.updates.has(id);
  }

  /** Steps this thread has run (a step called off not counted). */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Meets the other threads after this thread's first phase (counting the step run), adding the
   * wait to its waits. False on a worker that finds the step called off by the trainer: what it
   * computed is scratch, nothing it owns was written, and the step is not counted.
   */
  protected meetOthers(): boolean {
    const { i32, control, partLayout: layout } = this;
    this.steps++;
    if (layout.threads < 2) return true;
    const arrived = performance.now();
    meet(i32, control, layout.threads, this.maxSleeps);
    const waits = this.part.waits / 8;
    this.f64[waits] += (performance.now() - arrived) * 1000;
    this.f64[waits + 1]++;
    if (this.thread > 0 && Atomics.load(i32, control + WORD.cancel) !== 0) {
      this.steps--;
      return false;
    }
    return true;
  }

  /** The update program `program` on each of its segments, between the norms' sums of squares (when recorded). */
  protected updateSegments(program: number): void {
    const held = this.updates.get(program);
    if (held === undefined) throw new Error(`split: update program ${program} missing`);
    const { part, partLayout: layout } = this;
    const sums = part.sums / 8;
    if (layout.norms) this.sumsOfSquares(layout.grads, sums);
    const { inputVectors, outputVectors, scalarCount } = held.update;
    const scalars = layout.scalars / 8;
    for (const [from, to] of part.segments) {
      const args: number[] = [];
      for (const vector of inputVectors) args.push(vector + 4 * from);
      for (const vector of outputVectors) args.push(vector + 4 * from);
      for (let s = 0; s < scalarCount; s++) args.push(this.f64[scalars + s]);
      args.push(to - from);
      held.run(...args);
    }
    if (layout.norms) this.sumsOfSquares(layout.params, sums + part.segments.length);
  }

  /** Σx² over each of its segments of the vector at `vector`, into f64[sums + i]. */
  private sumsOfSquares(vector: number, sums: number): void {
    this.part.segments.forEach(
      ([from, to], i) => (this.f64[sums + i] = this.sumOfSquares(vector + 4 * from, to - from)),
    );
  }
}
