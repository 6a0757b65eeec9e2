import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";
import * as tf from "@tensorflow/tfjs";

type Nested = number | Nested[];

export interface FixtureArg {
  values: Nested;
  shape: number[];
  dtype: "float32" | "int32";
}

/** One case of test/fixtures/losses.json (written by scripts/fixtures/losses.py). */
export interface LossCase {
  name: string;
  loss: string;
  args: FixtureArg[];
  options: Record<string, unknown>;
  /** torch in float64 on the float32 inputs: the reference. */
  value: Nested;
  grad: Nested;
  /** torch in float32, as a torch user sees it. */
  valueFloat32: Nested;
  gradFloat32: Nested;
}

export function loadLossCases(): LossCase[] {
  const file = path.join(repoRoot(), "test", "fixtures", "losses.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cases: LossCase[] }).cases;
}

export function toTensor(arg: FixtureArg): tf.Tensor {
  return tf.tensor(flatten(arg.values), arg.shape, arg.dtype);
}

export function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

/**
 * Element-wise closeness: |a − b| ≤ rtol·|b| + atol. The small atol only matters for expected
 * values that are (nearly) zero, where a relative bound is meaningless.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: number[],
  label: string,
  rtol: number,
  atol = 1e-7,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${label}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!(Math.abs(a - b) <= rtol * Math.abs(b) + atol)) throw new Error(`${label}[${i}]: got ${a}, torch ${b}`);
  }
}
