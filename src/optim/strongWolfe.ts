/**
 * The strong Wolfe line search of torch's LBFGS (minFunc's): bracket a step length that satisfies
 * sufficient decrease `f(t) ≤ f + c₁·t·gᵀd` and the curvature condition `|g(t)ᵀd| ≤ −c₂·gᵀd`,
 * then zoom in with cubic interpolation. Internal to `LBFGS`.
 */
import { dot, maxAbs } from "./flatVectors";

/** The loss and flat gradient at a point. */
export interface Evaluation {
  loss: number;
  grad: Float32Array;
}

/** Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`. */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos =
    x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

/** One bracket end: step, loss, gradient and directional derivative. */
interface Point {
  t: number;
  f: number;
  g: Float32Array;
  gtd: number;
}

/**
 * Searches along `d` from the current point (loss `f`, gradient `g`, `gtd = gᵀd`), starting at
 * step `t`. Returns the accepted step, its loss and gradient, and how many evaluations it made.
 */
export function strongWolfe(
  evaluate: (t: number, d: Float32Array) => Evaluation,
  t0: number,
  d: Float32Array,
  f: number,
  g: Float32Array,
  gtd: number,
  toleranceChange = 1e-9,
  c1 = 1e-4,
  c2 = 0.9,
  maxLs = 25,
): { loss: number; grad: Float32Array; t: number; evals: number } {
  const dNorm = maxAbs(d);
  let t = t0;
  let { loss: fNew, grad: gNew } = evaluate(t, d);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let prev: Point = { t: 0, f, g, gtd };
  let done = false;
  let iter = 0;
  let bracket: Point[] = [];

  // Bracketing phase.
  while (iter < maxLs) {
    const current: Point = { t, f: fNew, g: gNew, gtd: gtdNew };
    if (fNew > f + c1 * t * gtd || (iter > 1 && fNew >= prev.f)) {
      bracket = [prev, current];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [current];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [prev, current];
      break;
    }
    const minStep = t + 0.01 * (t - prev.t);
    const maxStep = t * 10;
    const next = cubicInterpolate(prev.t, prev.f, prev.gtd, t, fNew, gtdNew, [minStep, maxStep]);
    prev = current;
    t = next;
    ({ loss: fNew, grad: gNew } = evaluate(t, d));
    evals += 1;
    gtdNew = dot(gNew, d);
    iter += 1;
  }
  if (iter === maxLs)
    bracket = [
      { t: 0, f, g, gtd },
      { t, f: fNew, g: gNew, gtd: gtdNew },
    ];

  // Zoom phase: shrink the bracket until a point satisfies both conditions.
  let insufficientProgress = false;
  let [low, high] = bracket.length > 1 && bracket[0].f > bracket[bracket.length - 1].f ? [1, 0] : [0, 1];
  while (!done && iter < maxLs) {
    if (Math.abs(bracket[1].t - bracket[0].t) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0].t, bracket[0].f, bracket[0].gtd, bracket[1].t, bracket[1].f, bracket[1].gtd);
    const hiT = Math.max(bracket[0].t, bracket[1].t);
    const loT = Math.min(bracket[0].t, bracket[1].t);
    const eps = 0.1 * (hiT - loT);
    if (Math.min(hiT - t, t - loT) < eps) {
      if (insufficientProgress || t >= hiT || t <= loT) {
        t = Math.abs(t - hiT) < Math.abs(t - loT) ? hiT - eps : loT + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    ({ loss: fNew, grad: gNew } = evaluate(t, d));
    evals += 1;
    gtdNew = dot(gNew, d);
    iter += 1;
    const point: Point = { t, f: fNew, g: gNew, gtd: gtdNew };
    if (fNew > f + c1 * t * gtd || fNew >= bracket[low].f) {
      bracket[high] = point;
      [low, high] = bracket[0].f <= bracket[1].f ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high].t - bracket[low].t) >= 0) bracket[high] = bracket[low];
      bracket[low] = point;
    }
  }
  const best = bracket[low];
  return { loss: best.f, grad: best.g, t: best.t, evals };
}
