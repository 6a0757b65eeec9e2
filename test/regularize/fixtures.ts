import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";
import * as tf from "@tensorflow/tfjs";

export type Nested = number | Nested[];

export interface Entry {
  name: string;
  shape: number[];
  values: Nested;
}

/** test/fixtures/regularize.json (written by scripts/fixtures/regularize.py). */
export interface RegularizeFixtures {
  penalties: {
    weights: Entry[];
    l1: { coef: number; value: number; withBiases: number };
    l2: { coef: number; value: number; withBiases: number };
    elasticNet: { l1: number; l2: number; value: number };
  };
  clipGradNorm: {
    grads: Entry[];
    cases: { normType: number | "Infinity"; maxNorm: number; totalNorm: number; clipped: Nested[] }[];
  };
  clipGradValue: { cases: { clipValue: number; clipped: Nested[] }[] };
  maxNorm: {
    dense: Entry;
    conv: Entry;
    cases: { maxValue: number; dense: Nested; conv: Nested }[];
    denseP1MaxValue2: Nested;
  };
  pruning: {
    a: Entry;
    b: Entry;
    layer: { amounts: number[]; masks: Record<string, Nested>[] };
    global: { amounts: number[]; masks: Record<string, Nested>[] };
  };
}

export function loadRegularizeFixtures(): RegularizeFixtures {
  return JSON.parse(
    fs.readFileSync(path.join(repoRoot(), "test", "fixtures", "regularize.json"), "utf8"),
  ) as RegularizeFixtures;
}

export function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

export function tensorOf(e: Entry): tf.Tensor {
  return tf.tensor(flatten(e.values), e.shape, "float32");
}

/** |a − b| ≤ rtol·|b| + atol, element-wise. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: number[],
  label: string,
  rtol = 1e-6,
  atol = 1e-7,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${label}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= rtol * Math.abs(expected[i]) + atol)) {
      throw new Error(`${label}[${i}]: got ${actual[i]}, torch ${expected[i]}`);
    }
  }
}
