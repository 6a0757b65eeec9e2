/**
 * The deterministic problem of test/fixtures/optimizers.json, defined exactly as in
 * scripts/fixtures/optimizers.py:
 *
 *   loss(p) = Σ_k sum(a_k·p_k + c_k·sqrt(1 + p_k²)) + 0.1·sum(weight·bias)
 *
 * with parameters `weight` [2,3], `bias` [3] (broadcast over weight's rows) and `scale` [].
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

export type ParamName = "weight" | "bias" | "scale";

interface ProblemTensor {
  shape: number[];
  init: number[];
  a: number[];
  c: number[];
}

export interface OptimizerCase {
  id: string;
  optimizer: string;
  options: Record<string, number | boolean | number[]>;
  noWeightDecay: string[];
  trajectory: number[][];
}

export interface ChainCase {
  id: string;
  optimizer: string;
  options: Record<string, number | boolean | number[]>;
  clip: { kind: "norm" | "value"; value: number };
  trajectory: number[][];
}

export interface OptimizerFixture {
  torchVersion: string;
  steps: number;
  order: ParamName[];
  problem: Record<ParamName, ProblemTensor>;
  cases: OptimizerCase[];
  chains: ChainCase[];
}

/** Reads the committed fixture (works from the sources under tsx and from dist/ after a build). */
export function loadFixture(): OptimizerFixture {
  const candidates = [
    path.resolve(__dirname, "../fixtures/optimizers.json"),
    path.resolve(__dirname, "../../../test/fixtures/optimizers.json"),
  ];
  for (const file of candidates) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as OptimizerFixture;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  throw new Error(`test/fixtures/optimizers.json not found (looked in ${candidates.join(", ")})`);
}

let problemId = 0;

/** Fresh variables for the problem, with unique names ending in "/weight", "/bias", "/scale". */
export function makeProblem(fixture: OptimizerFixture): {
  variables: Record<ParamName, tf.Variable>;
  loss: () => tf.Scalar;
  flat: () => number[];
  dispose: () => void;
} {
  const prefix = `problem${problemId++}`;
  const constants: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    constants.push(t);
    return t;
  };
  const variables = {} as Record<ParamName, tf.Variable>;
  const a = {} as Record<ParamName, tf.Tensor>;
  const c = {} as Record<ParamName, tf.Tensor>;
  for (const name of fixture.order) {
    const p = fixture.problem[name];
    // Inside tidy, so that the initial-value tensor is freed (the variable keeps its data).
    variables[name] = tf.tidy(() => tf.variable(tf.tensor(p.init, p.shape, "float32"), true, `${prefix}/${name}`));
    a[name] = keep(tf.tensor(p.a, p.shape, "float32"));
    c[name] = keep(tf.tensor(p.c, p.shape, "float32"));
  }
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      const terms = fixture.order.map((name) => {
        const p = variables[name];
        return tf.sum(tf.add(tf.mul(a[name], p), tf.mul(c[name], tf.sqrt(tf.add(1, tf.square(p))))));
      });
      const coupling = tf.mul(0.1, tf.sum(tf.mul(variables.weight, variables.bias)));
      return tf.add(tf.addN(terms), coupling) as tf.Scalar;
    });
  const flat = (): number[] => fixture.order.flatMap((name) => Array.from(variables[name].dataSync()));
  const dispose = (): void => {
    for (const v of Object.values(variables)) v.dispose();
    for (const t of constants) t.dispose();
  };
  return { variables, loss, flat, dispose };
}

/** Largest violation of |x - y| <= atol + rtol·|y| (≤ 0 means within tolerance), and where. */
export function worstMismatch(
  actual: number[],
  expected: number[],
  rtol: number,
  atol: number,
): { excess: number; index: number } {
  let excess = -Infinity;
  let index = -1;
  expected.forEach((y, i) => {
    const e = Math.abs(actual[i] - y) - (atol + rtol * Math.abs(y));
    if (!(e <= excess)) {
      excess = e;
      index = i;
    }
  });
  return { excess, index };
}
