/**
 * The classic optimizer test functions. Each gradient is derived by hand (and checked against
 * tf.grad in the tests), so trajectories need no autodiff per step.
 */
import * as tf from "@tensorflow/tfjs";
import type { Point, Surface } from "./surface";

export function invalidConditionMessage(value: unknown): string {
  return `Invalid condition number: ${String(value)} (expected a number ≥ 1)`;
}

export function invalidCurvatureMessage(name: string, value: unknown): string {
  return `Invalid ${name}: ${String(value)} (expected a number > 0)`;
}

/** f = a·x² + b·y² (default 0.1x² + 2y²: condition number 20, the zig-zag demo). */
export function quadratic(options: { a?: number; b?: number } = {}): Surface {
  const a = options.a ?? 0.1;
  const b = options.b ?? 2;
  if (!(a > 0)) throw new Error(invalidCurvatureMessage("a", a));
  if (!(b > 0)) throw new Error(invalidCurvatureMessage("b", b));
  return {
    name: `quadratic ${a}x² + ${b}y²`,
    value: (x, y) => a * x * x + b * y * y,
    gradient: (x, y) => [2 * a * x, 2 * b * y],
    tensorValue: (p) => tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([a, b]), tf.square(p))) as tf.Scalar),
    minima: [[0, 0]],
    bounds: { x: [-10, 10], y: [-3, 3] },
    start: [-8, 1.5],
  };
}

/**
 * A quadratic whose Hessian has eigenvalues `scale` and `scale·condition`, rotated by `angle`
 * (radians, default π/4), so its valleys are not aligned with the axes (where per-coordinate
 * methods like Adam lose their edge).
 */
export function rotatedQuadratic(options: { condition?: number; angle?: number; scale?: number } = {}): Surface {
  const condition = options.condition ?? 20;
  if (!(condition >= 1)) throw new Error(invalidConditionMessage(condition));
  const angle = options.angle ?? Math.PI / 4;
  const scale = options.scale ?? 0.1;
  if (!(scale > 0)) throw new Error(invalidCurvatureMessage("scale", scale));
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const l1 = scale;
  const l2 = scale * condition;
  // f = l1·u² + l2·v² with u = c·x + s·y, v = −s·x + c·y.
  const uv = (x: number, y: number): Point => [c * x + s * y, -s * x + c * y];
  return {
    name: `rotated quadratic (condition ${condition})`,
    value: (x, y) => {
      const [u, v] = uv(x, y);
      return l1 * u * u + l2 * v * v;
    },
    gradient: (x, y) => {
      const [u, v] = uv(x, y);
      return [2 * l1 * u * c - 2 * l2 * v * s, 2 * l1 * u * s + 2 * l2 * v * c];
    },
    tensorValue: (p) =>
      tf.tidy(() => {
        const rotated = tf.matMul(
          tf.tensor2d([
            [c, s],
            [-s, c],
          ]),
          tf.reshape(p, [2, 1]),
        );
        return tf.sum(tf.mul(tf.tensor2d([[l1], [l2]]), tf.square(rotated))) as tf.Scalar;
      }),
    minima: [[0, 0]],
    bounds: { x: [-10, 10], y: [-10, 10] },
    start: [-8, -4],
  };
}

/** Rosenbrock's banana: (a − x)² + b(y − x²)², minimum (a, a²). */
export function rosenbrock(options: { a?: number; b?: number } = {}): Surface {
  const a = options.a ?? 1;
  const b = options.b ?? 100;
  return {
    name: "Rosenbrock",
    value: (x, y) => (a - x) ** 2 + b * (y - x * x) ** 2,
    gradient: (x, y) => [-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)],
    tensorValue: (p) =>
      tf.tidy(() => {
        const [x, y] = tf.unstack(p);
        return tf.add(tf.square(tf.sub(a, x)), tf.mul(b, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar;
      }),
    minima: [[a, a * a]],
    bounds: { x: [-2, 2], y: [-1, 3] },
    start: [-1.5, 2],
  };
}

/** Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum (3, 0.5). */
export function beale(): Surface {
  const terms = [1.5, 2.25, 2.625];
  return {
    name: "Beale",
    value: (x, y) => terms.reduce((sum, t, i) => sum + (t - x + x * y ** (i + 1)) ** 2, 0),
    gradient: (x, y) => {
      let gx = 0;
      let gy = 0;
      terms.forEach((t, i) => {
        const k = i + 1;
        const r = t - x + x * y ** k;
        gx += 2 * r * (y ** k - 1);
        gy += 2 * r * k * x * y ** (k - 1);
      });
      return [gx, gy];
    },
    tensorValue: (p) =>
      tf.tidy(() => {
        const [x, y] = tf.unstack(p);
        const parts = terms.map((t, i) => tf.square(tf.add(tf.sub(t, x), tf.mul(x, tf.pow(y, i + 1)))));
        return tf.addN(parts) as tf.Scalar;
      }),
    minima: [[3, 0.5]],
    bounds: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
    start: [1, 1.5],
  };
}

/** Booth: (x + 2y − 7)² + (2x + y − 5)², minimum (1, 3). */
export function booth(): Surface {
  return {
    name: "Booth",
    value: (x, y) => (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    gradient: (x, y) => {
      const r1 = x + 2 * y - 7;
      const r2 = 2 * x + y - 5;
      return [2 * r1 + 4 * r2, 4 * r1 + 2 * r2];
    },
    tensorValue: (p) =>
      tf.tidy(() => {
        const [x, y] = tf.unstack(p);
        return tf.add(
          tf.square(tf.add(x, tf.sub(tf.mul(2, y), 7))),
          tf.square(tf.add(tf.mul(2, x), tf.sub(y, 5))),
        ) as tf.Scalar;
      }),
    minima: [[1, 3]],
    bounds: { x: [-10, 10], y: [-10, 10] },
    start: [-8, -8],
  };
}

/** Himmelblau: (x² + y − 11)² + (x + y² − 7)², four minima with value 0. */
export function himmelblau(): Surface {
  return {
    name: "Himmelblau",
    value: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
    gradient: (x, y) => {
      const r1 = x * x + y - 11;
      const r2 = x + y * y - 7;
      return [4 * x * r1 + 2 * r2, 2 * r1 + 4 * y * r2];
    },
    tensorValue: (p) =>
      tf.tidy(() => {
        const [x, y] = tf.unstack(p);
        return tf.add(
          tf.square(tf.add(tf.square(x), tf.sub(y, 11))),
          tf.square(tf.add(x, tf.sub(tf.square(y), 7))),
        ) as tf.Scalar;
      }),
    minima: [
      [3, 2],
      [-2.805118, 3.131312],
      [-3.77931, -3.283186],
      [3.584428, -1.848126],
    ],
    bounds: { x: [-5, 5], y: [-5, 5] },
    start: [0, 0],
  };
}

/** Saddle x² − y²: no minimum; gradient descent started near y = 0 lingers at the origin. */
export function saddle(): Surface {
  return {
    name: "saddle x² − y²",
    value: (x, y) => x * x - y * y,
    gradient: (x, y) => [2 * x, -2 * y],
    tensorValue: (p) =>
      tf.tidy(() => {
        const [x, y] = tf.unstack(p);
        return tf.sub(tf.square(x), tf.square(y)) as tf.Scalar;
      }),
    minima: [],
    bounds: { x: [-2, 2], y: [-2, 2] },
    start: [-1.5, 1e-3],
  };
}

/** Rastrigin 20 + Σ (t² − 10 cos 2πt): many local minima, global minimum at the origin. */
export function rastrigin(): Surface {
  const term = (t: number) => t * t - 10 * Math.cos(2 * Math.PI * t);
  return {
    name: "Rastrigin",
    value: (x, y) => 20 + term(x) + term(y),
    gradient: (x, y) => [
      2 * x + 20 * Math.PI * Math.sin(2 * Math.PI * x),
      2 * y + 20 * Math.PI * Math.sin(2 * Math.PI * y),
    ],
    tensorValue: (p) =>
      tf.tidy(() => tf.add(20, tf.sum(tf.sub(tf.square(p), tf.mul(10, tf.cos(tf.mul(2 * Math.PI, p)))))) as tf.Scalar),
    minima: [[0, 0]],
    bounds: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
    start: [3.2, -2.7],
  };
}
