/**
 * The strong Wolfe line search of torch's LBFGS (minFunc's): bracket a step length that satisfies
 * sufficient decrease `f(t) ≤ f + c₁·t·gᵀd` and the curvature condition `|g(t)ᵀd| ≤ −c₂·gᵀd`,
 * then zoom in with cubic interpolation. Internal to `LBFGS`.
 *
 * torch mixes Python floats (doubles: the losses, `lr`) with 0-d float32 tensors (`gᵀd`, and every
 * step length that cubic interpolation returns) in this code, and the result of each operation
 * depends on which: a tensor operation rounds to float32, with a Python operand cast to float32
 * first. The search below carries that type with each scalar (`Scalar`), so that its steps are
 * torch's to the last bit; the formulas are written in torch's order.
 */
import { dot, maxAbs } from "./flatVectors";

/** The loss and flat gradient at a point. */
export interface Evaluation {
  loss: number;
  grad: Float32Array;
}

/** A scalar as torch holds it: a 0-d float32 tensor (`f32`), or a Python float (a double). */
export interface Scalar {
  readonly v: number;
  readonly f32: boolean;
}

/** A Python float. */
export const py = (v: number): Scalar => ({ v, f32: false });
/** A 0-d float32 tensor. */
export const f32 = (v: number): Scalar => ({ v: Math.fround(v), f32: true });

/** `a ∘ b` with torch's promotion: float32 when either is a tensor (the other cast to float32 first). */
function op(a: Scalar, b: Scalar, f: (x: number, y: number) => number): Scalar {
  if (!a.f32 && !b.f32) return py(f(a.v, b.v));
  return f32(f(Math.fround(a.v), Math.fround(b.v)));
}
const add = (a: Scalar, b: Scalar): Scalar => op(a, b, (x, y) => x + y);
const sub = (a: Scalar, b: Scalar): Scalar => op(a, b, (x, y) => x - y);
const mul = (a: Scalar, b: Scalar): Scalar => op(a, b, (x, y) => x * y);
const div = (a: Scalar, b: Scalar): Scalar => op(a, b, (x, y) => x / y);
const abs = (a: Scalar): Scalar => ({ v: Math.abs(a.v), f32: a.f32 });
/** `a < b`, compared in float32 when either is a tensor. */
const lt = (a: Scalar, b: Scalar): boolean => op(a, b, (x, y) => (x < y ? 1 : 0)).v === 1;
const le = (a: Scalar, b: Scalar): boolean => op(a, b, (x, y) => (x <= y ? 1 : 0)).v === 1;
/** Python's `max(a, b)`: `a` unless `b > a`. */
const max2 = (a: Scalar, b: Scalar): Scalar => (lt(a, b) ? b : a);
/** Python's `min(a, b)`: `a` unless `b < a`. */
const min2 = (a: Scalar, b: Scalar): Scalar => (lt(b, a) ? b : a);

/** Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds` (all doubles). */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  return cubic(py(x1), py(f1), py(g1), py(x2), py(f2), py(g2), bounds && [py(bounds[0]), py(bounds[1])]).v;
}

/** torch's `_cubic_interpolate`, operation by operation. */
function cubic(
  x1: Scalar,
  f1: Scalar,
  g1: Scalar,
  x2: Scalar,
  f2: Scalar,
  g2: Scalar,
  bounds?: [Scalar, Scalar],
): Scalar {
  const [lo, hi] = bounds ?? (le(x1, x2) ? [x1, x2] : [x2, x1]);
  const d1 = sub(add(g1, g2), div(mul(py(3), sub(f1, f2)), sub(x1, x2)));
  const d2Square = sub(mul(d1, d1), mul(g1, g2));
  if (!le(py(0), d2Square)) return div(add(lo, hi), py(2));
  const d2 = d2Square.f32 ? f32(Math.sqrt(d2Square.v)) : py(Math.sqrt(d2Square.v));
  const minPos = le(x1, x2)
    ? sub(x2, mul(sub(x2, x1), div(sub(add(g2, d2), d1), add(sub(g2, g1), mul(py(2), d2)))))
    : sub(x1, mul(sub(x1, x2), div(sub(add(g1, d2), d1), add(sub(g1, g2), mul(py(2), d2)))));
  return min2(max2(minPos, lo), hi);
}

/** One point of the search: step, loss, gradient, directional derivative. */
interface Point {
  t: Scalar;
  f: number;
  g: Float32Array;
  gtd: Scalar;
}

/**
 * Searches along `d` from the current point (loss `f`, gradient `g`, `gtd = gᵀd < 0`), starting
 * at step `t0` (a Python float, or a float32 tensor on LBFGS's first iteration).
 * `evaluate(t, d)` returns the loss and gradient at `x + t·d` (and restores x).
 * Returns the accepted step's loss and gradient, the step length, and the evaluations made.
 */
export function strongWolfe(
  evaluate: (t: number, d: Float32Array) => Evaluation,
  t0: Scalar,
  d: Float32Array,
  f: number,
  g: Float32Array,
  gtdValue: number,
  toleranceChange = 1e-9,
  c1 = 1e-4,
  c2 = 0.9,
  maxLs = 25,
): { loss: number; grad: Float32Array; t: Scalar; evals: number } {
  const gtd = f32(gtdValue);
  const dNorm = f32(maxAbs(d));
  const sufficientDecreaseFails = (fNew: number, t: Scalar) => lt(add(py(f), mul(mul(py(c1), t), gtd)), py(fNew));
  const curvatureHolds = (gtdNew: Scalar) => le(abs(gtdNew), mul(py(-c2), gtd));
  let t = t0;
  let { loss: fNew, grad: gNew } = evaluate(t.v, d);
  let evals = 1;
  let gtdNew = f32(dot(gNew, d));
  let prev: Point = { t: py(0), f, g, gtd };
  let done = false;
  let iter = 0;
  let bracket: Point[] = [];

  // Bracketing phase.
  while (iter < maxLs) {
    const current: Point = { t, f: fNew, g: gNew, gtd: gtdNew };
    if (sufficientDecreaseFails(fNew, t) || (iter > 1 && fNew >= prev.f)) {
      bracket = [prev, current];
      break;
    }
    if (curvatureHolds(gtdNew)) {
      bracket = [current];
      done = true;
      break;
    }
    if (le(py(0), gtdNew)) {
      bracket = [prev, current];
      break;
    }
    const minStep = add(t, mul(py(0.01), sub(t, prev.t)));
    const maxStep = mul(t, py(10));
    const next = cubic(prev.t, py(prev.f), prev.gtd, t, py(fNew), gtdNew, [minStep, maxStep]);
    prev = current;
    t = next;
    ({ loss: fNew, grad: gNew } = evaluate(t.v, d));
    evals += 1;
    gtdNew = f32(dot(gNew, d));
    iter += 1;
  }
  if (iter === maxLs)
    bracket = [
      { t: py(0), f, g, gtd },
      { t, f: fNew, g: gNew, gtd: gtdNew },
    ];

  // Zoom phase: shrink the bracket until a point satisfies both conditions.
  let insufficientProgress = false;
  let [low, high] = bracket.length > 1 && bracket[0].f > bracket[bracket.length - 1].f ? [1, 0] : [0, 1];
  while (!done && iter < maxLs) {
    if (lt(mul(abs(sub(bracket[1].t, bracket[0].t)), dNorm), py(toleranceChange))) break;
    t = cubic(bracket[0].t, py(bracket[0].f), bracket[0].gtd, bracket[1].t, py(bracket[1].f), bracket[1].gtd);
    const hiT = max2(bracket[0].t, bracket[1].t);
    const loT = min2(bracket[0].t, bracket[1].t);
    const eps = mul(py(0.1), sub(hiT, loT));
    if (lt(min2(sub(hiT, t), sub(t, loT)), eps)) {
      if (insufficientProgress || le(hiT, t) || le(t, loT)) {
        t = lt(abs(sub(t, hiT)), abs(sub(t, loT))) ? sub(hiT, eps) : add(loT, eps);
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    ({ loss: fNew, grad: gNew } = evaluate(t.v, d));
    evals += 1;
    gtdNew = f32(dot(gNew, d));
    iter += 1;
    const point: Point = { t, f: fNew, g: gNew, gtd: gtdNew };
    if (sufficientDecreaseFails(fNew, t) || fNew >= bracket[low].f) {
      bracket[high] = point;
      [low, high] = bracket[0].f <= bracket[1].f ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(gtdNew)) done = true;
      else if (le(py(0), mul(gtdNew, sub(bracket[high].t, bracket[low].t)))) bracket[high] = bracket[low];
      bracket[low] = point;
    }
  }
  const best = bracket[low];
  return { loss: best.f, grad: best.g, t: best.t, evals };
}
