/** Small hand-made inputs for the plot tests (no training needed). */
import type { HistoryLike, SurfaceLike } from "../../src/plot";

/** A history with `stepsPerEpoch` steps per epoch, loss decaying at `rate`. */
export function sampleHistory(name: string, rate: number, epochs = 3, stepsPerEpoch = 4): HistoryLike {
  const steps = Array.from({ length: epochs * stepsPerEpoch }, (_, i) => ({
    step: i + 1,
    loss: Math.exp(-rate * (i + 1)),
    epoch: Math.floor(i / stepsPerEpoch),
    time: 0.5 * (i + 1),
    gradNorm: 1 / (i + 1),
    gradNorms: { dense1: 2 / (i + 1), dense2: 0.5 / (i + 1) },
  }));
  const epochRecords = Array.from({ length: epochs }, (_, e) => ({
    epoch: e,
    loss: Math.exp(-rate * (e + 1) * stepsPerEpoch),
    valLoss: 1.1 * Math.exp(-rate * (e + 1) * stepsPerEpoch),
    accuracy: 0.5 + 0.1 * e,
    time: 0.5 * (e + 1) * stepsPerEpoch,
  }));
  return { name, steps, epochs: epochRecords };
}

/** f(x, y) = x² + 4y² on [-2, 2] × [-1, 1], minimum at the origin. */
export const bowl: SurfaceLike = {
  name: "bowl",
  value: (x, y) => x * x + 4 * y * y,
  bounds: { x: [-2, 2], y: [-1, 1] },
  minima: [[0, 0]],
};

/** Gradient descent on `bowl` from (-1.5, 0.8). */
export function bowlPath(lr: number, steps = 10): [number, number][] {
  const path: [number, number][] = [[-1.5, 0.8]];
  for (let i = 0; i < steps; i++) {
    const [x, y] = path[path.length - 1];
    path.push([x - lr * 2 * x, y - lr * 8 * y]);
  }
  return path;
}
