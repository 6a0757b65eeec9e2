import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";

/** One link of a fixture case: a torch scheduler and its options in optimlab's camelCase. */
export interface FixtureLink {
  scheduler: string;
  options: Record<string, unknown>;
}

/** One case of test/fixtures/schedulers.json (written by scripts/fixtures/schedulers.py). */
export interface SchedulerCase {
  name: string;
  chain: FixtureLink[];
  lr: number;
  steps: number;
  optimizer?: "sgd" | "adam";
  metrics?: number[];
  resumeAt?: number;
  lrs: number[];
  momentum?: number[];
  beta1?: number[];
  resumedLrs?: number[];
}

export function loadSchedulerCases(): SchedulerCase[] {
  const file = path.join(repoRoot(), "test", "fixtures", "schedulers.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cases: SchedulerCase[] }).cases;
}

/** Relative comparison used for all parity checks: |a − b| ≤ 1e-6 · max(|b|, 1e-12). */
export function closeRel(actual: number, expected: number, rtol = 1e-6): boolean {
  return Math.abs(actual - expected) <= rtol * Math.max(Math.abs(expected), 1e-12);
}

export function assertSequenceClose(actual: number[], expected: number[], label: string, rtol = 1e-6): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
  }
  actual.forEach((a, i) => {
    if (!closeRel(a, expected[i], rtol)) throw new Error(`${label}: step ${i}: got ${a}, torch ${expected[i]}`);
  });
}
