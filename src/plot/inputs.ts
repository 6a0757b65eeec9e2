/**
 * What the plotting functions accept, as small structural interfaces: `src/train` histories (their
 * records are train's `StepRecord`/`EpochRecord`, defined once in `src/train/records.ts`),
 * `src/surfaces` test functions and trajectories, `src/optim/lrScheduler` schedules and `src/tune`
 * (danfojs DataFrames). Structural, so that plotting takes those objects directly and hand-made
 * data in tests.
 */
import type { EpochRecord, StepRecord } from "../train/records";

/** A step record as plots read it: `step` and `loss` required, the rest of train's fields optional. */
export type StepLike = Pick<StepRecord, "step" | "loss"> & Partial<StepRecord>;

/** An epoch record as plots read it: `epoch` and `loss` required, the rest of train's fields optional. */
export type EpochLike = Pick<EpochRecord, "epoch" | "loss"> & Partial<EpochRecord>;

/** A training run's history: train's History, or hand-made records. */
export interface HistoryLike {
  name?: string;
  steps: readonly StepLike[];
  epochs: readonly EpochLike[];
}

/** An axis-aligned rectangle of the plane: `x: [min, max]`, `y: [min, max]`. */
export interface Bounds2D {
  x: readonly [number, number];
  y: readonly [number, number];
}

/** A 2D test function (`src/surfaces`): Rosenbrock, Beale, a saddle, … */
export interface SurfaceLike {
  name?: string;
  value(x: number, y: number): number;
  bounds: Bounds2D;
  /** Known global minima, drawn as stars. */
  minima?: readonly (readonly [number, number])[];
}

/** One optimizer's path on a surface (`surface.trajectory()` plus a name for the legend). */
export interface TrajectoryRun {
  /** Legend name (default "run 1", "run 2", …). */
  name?: string;
  path: readonly (readonly [number, number])[];
  loss?: readonly number[];
}

/** A learning-rate scheduler in torch's style (`optim.lrScheduler`): `step()` advances, `getLastLr()` reads. */
export interface SchedulerLike {
  step(): void;
  getLastLr(): number | readonly number[];
}

/**
 * A learning-rate schedule: a pure schedule `count → lr` (`optim.lrScheduler` schedules, optax
 * style; preferred, as reading it changes nothing), a scheduler object (stepped, so pass a fresh
 * one), or precomputed values.
 */
export type ScheduleSource = SchedulerLike | ((step: number) => number) | readonly number[];

/** A danfojs DataFrame, read through its column names and row values only. */
export interface DataFrameLike {
  columns: readonly string[];
  values: readonly (readonly unknown[])[] | readonly unknown[];
}

/** A table's rows: a DataFrame or an array of records. */
export type RowsSource = DataFrameLike | readonly { readonly [column: string]: unknown }[];

/** A flat array of numbers (weights, pixels). */
export type NumberArray = ArrayLike<number>;

/** A named group of weights (one layer's kernel, say). */
export interface LayerWeights {
  name: string;
  values: NumberArray;
}

/** A tfjs model read structurally: its variables, each readable into numbers without a new tensor. */
export interface WeightsModelLike {
  weights: readonly { name: string; read(): { dataSync(): NumberArray } }[];
}

/** Weights for a histogram: one flat array, named layers, or a tfjs model. */
export type WeightSource = NumberArray | readonly LayerWeights[] | WeightsModelLike;
