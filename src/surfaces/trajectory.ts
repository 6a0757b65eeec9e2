/**
 * Runs a real optimizer (e.g. `optim.Adam`) on a 2-D surface: the point is a 2-element
 * tf.Variable and each step feeds the analytic gradient through `optimizer.applyGradients`.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { rng } from "../backend/random";
import { invalidLearningRateMessage } from "../optim/errors";
import type { Point, Surface } from "./surface";

export interface TrajectoryOptions {
  /** Start point (default `surface.start`). */
  start?: Point;
  /** Optimizer steps (default 100). */
  steps?: number;
  /** Standard deviation of Gaussian noise added to each gradient component (SGD-like noise). */
  gradNoise?: number;
  /** Seed of the noise (default: the next sub-seed of `seed(n)`). */
  seed?: number;
  /** Legend name. */
  name?: string;
}

export interface Trajectory {
  name?: string;
  /** Points visited, start first: `steps + 1` points unless it diverged. */
  path: Point[];
  /** f at each point of `path`. */
  loss: number[];
  /** True when the point left the finite numbers (the run stops there). */
  diverged: boolean;
}

export function invalidStepsMessage(steps: unknown): string {
  return `Invalid steps: ${String(steps)} (expected a positive integer)`;
}

export function invalidStartMessage(start: unknown): string {
  return `Invalid start: ${JSON.stringify(start)} (expected two finite numbers [x, y])`;
}

let trajectoryCounter = 0;

/**
 * Optimises `surface` from `start` with `optimizer` (an instance used for this path only, or a
 * factory) and returns the path and loss per step.
 *
 * @example const run = await surfaces.trajectory(surfaces.rosenbrock(), new optim.Adam({ lr: 0.05 }), { steps: 500 });
 */
export async function trajectory(
  surface: Surface,
  optimizer: tf.Optimizer | (() => tf.Optimizer),
  options: TrajectoryOptions = {},
): Promise<Trajectory> {
  await ready();
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(invalidStepsMessage(steps));
  const start = options.start ?? surface.start;
  if (!Array.isArray(start) || start.length !== 2 || !start.every(Number.isFinite))
    throw new Error(invalidStartMessage(start));
  const noise = options.gradNoise ?? 0;
  const random = noise > 0 ? rng(options.seed) : undefined;
  const owned = typeof optimizer === "function";
  const opt = owned ? optimizer() : optimizer;
  const lr = (opt as { lr?: unknown }).lr;
  if (typeof lr === "number" && !(lr > 0)) {
    if (owned) opt.dispose();
    throw new Error(invalidLearningRateMessage(lr));
  }
  const initial = tf.tensor1d(start, "float32");
  const point = tf.variable(initial, true, `optimlab/trajectory/${++trajectoryCounter}`);
  initial.dispose();
  const path: Point[] = [];
  const loss: number[] = [];
  let diverged = false;
  try {
    for (let i = 0; i <= steps; i++) {
      const values = point.dataSync();
      const x = values[0];
      const y = values[1];
      const value = surface.value(x, y);
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(value)) {
        diverged = true;
        break;
      }
      path.push([x, y]);
      loss.push(value);
      if (i === steps) break;
      const [gx, gy] = surface.gradient(x, y);
      const gradient = random ? [gx + noise * random.normal(), gy + noise * random.normal()] : [gx, gy];
      tf.tidy(() => opt.applyGradients({ [point.name]: tf.tensor1d(gradient, "float32") }));
    }
  } finally {
    point.dispose();
    if (owned) opt.dispose();
  }
  return { name: options.name, path, loss, diverged };
}

/** One trajectory per named optimizer, from the same start (ready for `plot.trajectories`). */
export async function trajectories(
  surface: Surface,
  optimizers: { [name: string]: tf.Optimizer | (() => tf.Optimizer) },
  options: Omit<TrajectoryOptions, "name"> = {},
): Promise<(Trajectory & { name: string })[]> {
  const out: (Trajectory & { name: string })[] = [];
  for (const [name, optimizer] of Object.entries(optimizers))
    out.push({ ...(await trajectory(surface, optimizer, { ...options, name })), name });
  return out;
}
