/**
 * Small seeded synthetic datasets for the tutorials. Each takes `seed` (default: the next
 * sub-seed of `seed(n)`), so the same seed always gives the same points.
 */
import * as tf from "@tensorflow/tfjs";
import { rng, type Random } from "../backend/random";
import { shown, type Dataset } from "./dataset";

export function invalidCountMessage(name: string, value: unknown): string {
  return `Invalid ${name}: ${shown(value)} (expected a positive integer)`;
}

export function invalidNoiseMessage(value: unknown): string {
  return `Invalid noise: ${shown(value)} (expected a finite number ≥ 0)`;
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(invalidCountMessage(name, value));
  return value;
}

function checkNoise(value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(invalidNoiseMessage(value));
  return value;
}

export interface RegressionData extends Dataset {
  /** The weights used to generate y (what a perfect fit recovers). */
  trueWeights: number[];
  trueBias: number;
}

/** y = x·w + b + noise·ε with x, w ~ N(0, 1) unless `weights` is given. x `[n, features]`, y `[n, 1]`. */
export function linearRegression(
  options: { n?: number; features?: number; noise?: number; weights?: number[]; bias?: number; seed?: number } = {},
): RegressionData {
  const n = checkCount("n", options.n ?? 100);
  const features = checkCount("features", options.weights?.length ?? options.features ?? 1);
  const noise = checkNoise(options.noise ?? 0.1);
  const random = rng(options.seed);
  const weights = options.weights ?? Array.from({ length: features }, () => random.normal());
  const bias = options.bias ?? 0;
  return regression(random, n, features, weights, bias, noise, () => random.normal());
}

function regression(
  random: Random,
  n: number,
  features: number,
  weights: number[],
  bias: number,
  noise: number,
  draw: () => number,
): RegressionData {
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = bias;
    for (let j = 0; j < features; j++) {
      const value = draw();
      x[i * features + j] = value;
      sum += value * weights[j];
    }
    y[i] = sum + noise * random.normal();
  }
  return { x: tf.tensor2d(x, [n, features]), y: tf.tensor2d(y, [n, 1]), trueWeights: weights, trueBias: bias };
}

export interface PolynomialData extends Dataset {
  /** Coefficients c₀, c₁, … of y = Σ cₖ xᵏ. */
  coefficients: number[];
}

/** y = Σ cₖ xᵏ + noise·ε, x uniform in `range`. x `[n, 1]` (raw x; build powers with your model), y `[n, 1]`. */
export function polynomialRegression(
  options: { n?: number; coefficients?: number[]; noise?: number; range?: [number, number]; seed?: number } = {},
): PolynomialData {
  const n = checkCount("n", options.n ?? 100);
  const noise = checkNoise(options.noise ?? 0.1);
  const coefficients = options.coefficients ?? [0.5, -1, 0, 2];
  const [low, high] = options.range ?? [-1, 1];
  const random = rng(options.seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const value = low + (high - low) * random.uniform();
    let sum = 0;
    for (let k = coefficients.length - 1; k >= 0; k--) sum = sum * value + coefficients[k];
    x[i] = value;
    y[i] = sum + noise * random.normal();
  }
  return { x: tf.tensor2d(x, [n, 1]), y: tf.tensor2d(y, [n, 1]), coefficients };
}

function labelled(points: Float32Array, labels: Int32Array, features: number): Dataset {
  return { x: tf.tensor2d(points, [labels.length, features]), y: tf.tensor1d(labels, "int32") };
}

/** Two interleaving half circles (binary classification). x `[n, 2]`, y int32 `[n]` in {0, 1}. */
export function twoMoons(options: { n?: number; noise?: number; seed?: number } = {}): Dataset {
  const n = checkCount("n", options.n ?? 200);
  const noise = checkNoise(options.noise ?? 0.1);
  const random = rng(options.seed);
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const angle = Math.PI * random.uniform();
    const px = label === 0 ? Math.cos(angle) : 1 - Math.cos(angle);
    const py = label === 0 ? Math.sin(angle) : 0.5 - Math.sin(angle);
    points[2 * i] = px + noise * random.normal();
    points[2 * i + 1] = py + noise * random.normal();
    labels[i] = label;
  }
  return labelled(points, labels, 2);
}

/** `classes` interleaved spiral arms (hard for linear models). x `[n, 2]`, y int32 `[n]`. */
export function spirals(
  options: { n?: number; classes?: number; turns?: number; noise?: number; seed?: number } = {},
): Dataset {
  const n = checkCount("n", options.n ?? 300);
  const classes = checkCount("classes", options.classes ?? 2);
  const turns = options.turns ?? 1.5;
  const noise = checkNoise(options.noise ?? 0.05);
  const random = rng(options.seed);
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    const t = random.uniform();
    const angle = 2 * Math.PI * (turns * t + label / classes);
    points[2 * i] = t * Math.cos(angle) + noise * random.normal();
    points[2 * i + 1] = t * Math.sin(angle) + noise * random.normal();
    labels[i] = label;
  }
  return labelled(points, labels, 2);
}

/**
 * Gaussian blobs around `centers` (a count, placed uniformly in [-5, 5]^features, or explicit
 * points) with standard deviation `std`. x `[n, features]`, y int32 `[n]` = blob index.
 */
export function blobs(
  options: { n?: number; centers?: number | number[][]; features?: number; std?: number; seed?: number } = {},
): Dataset {
  const n = checkCount("n", options.n ?? 300);
  const random = rng(options.seed);
  const std = checkNoise(options.std ?? 1);
  let centers: number[][];
  if (Array.isArray(options.centers)) {
    centers = options.centers;
  } else {
    const count = checkCount("centers", options.centers ?? 3);
    const features = checkCount("features", options.features ?? 2);
    centers = Array.from({ length: count }, () => Array.from({ length: features }, () => -5 + 10 * random.uniform()));
  }
  const features = centers[0].length;
  const points = new Float32Array(features * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % centers.length;
    for (let j = 0; j < features; j++) points[i * features + j] = centers[label][j] + std * random.normal();
    labels[i] = label;
  }
  return labelled(points, labels, features);
}

export interface SplitRegressionData {
  train: Dataset;
  validation: Dataset;
  trueWeights: number[];
  trueBias: number;
}

/**
 * The classic weight-decay demo: many features, few examples, so an unregularised linear model
 * overfits. y = 0.05 + Σᵢ 0.01·xᵢ + ε, x ~ N(0, 1), ε ~ N(0, noise²), d = 200, 20 train / 100 validation.
 */
export function weightDecayRegression(
  options: { features?: number; train?: number; validation?: number; noise?: number; seed?: number } = {},
): SplitRegressionData {
  const features = checkCount("features", options.features ?? 200);
  const trainCount = checkCount("train", options.train ?? 20);
  const validationCount = checkCount("validation", options.validation ?? 100);
  const noise = checkNoise(options.noise ?? 0.01);
  const random = rng(options.seed);
  const weights = new Array<number>(features).fill(0.01);
  const train = regression(random, trainCount, features, weights, 0.05, noise, () => random.normal());
  const validation = regression(random, validationCount, features, weights, 0.05, noise, () => random.normal());
  return {
    train: { x: train.x, y: train.y },
    validation: { x: validation.x, y: validation.y },
    trueWeights: weights,
    trueBias: 0.05,
  };
}
