/**
 * Parity with torch.optim: every fixture case (scripts/fixtures/optimizers.py, torch 1.13) must
 * give the same parameters after each of its 40 steps, within |x - y| <= 1e-6 + 1e-5·|y| in
 * float32.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadFixture, makeProblem, worstMismatch } from "./problem";
import { OPTIMIZERS_UNDER_TEST, optimizerUnderTest } from "./optimizersUnderTest";

const RTOL = 1e-5;
const ATOL = 1e-6;

const fixture = loadFixture();

test("the fixture covers every optimizer under test, all 11 of torch's chain-shaped ones (LBFGS: lbfgs.test.ts)", () => {
  const covered = new Set(fixture.cases.map((c) => c.optimizer));
  assert.deepEqual([...covered].sort(), OPTIMIZERS_UNDER_TEST.map((o) => o.name).sort());
  assert.equal(OPTIMIZERS_UNDER_TEST.length, 11);
});

for (const c of fixture.cases) {
  test(`matches torch ${fixture.torchVersion}: ${c.id}`, () => {
    const problem = makeProblem(fixture);
    const excluded = c.noWeightDecay;
    const options = {
      ...c.options,
      ...(excluded.length > 0
        ? { weightDecayFilter: (name: string) => !excluded.some((p) => name.endsWith(`/${p}`)) }
        : {}),
    };
    const optimizer = optimizerUnderTest(c.optimizer).create(options);
    try {
      c.trajectory.forEach((expected, step) => {
        optimizer.minimize(problem.loss);
        const actual = problem.flat();
        const { excess, index } = worstMismatch(actual, expected, RTOL, ATOL);
        assert.ok(
          excess <= 0,
          `step ${step + 1}, parameter entry ${index}: got ${actual[index]}, torch ${expected[index]}`,
        );
      });
    } finally {
      optimizer.dispose();
      problem.dispose();
    }
  });
}

test("a case with weightDecay differs from the same case without it (the fixture can catch a dropped option)", () => {
  const withDecay = fixture.cases.find((c) => c.id === "AdamW(lr=0.05, weightDecay=0.1, amsgrad=true)");
  const plain = fixture.cases.find((c) => c.id === "AdamW(lr=0.05)");
  assert.ok(withDecay && plain);
  const last = fixture.steps - 1;
  const { excess } = worstMismatch(withDecay.trajectory[last], plain.trajectory[last], RTOL, ATOL);
  assert.ok(excess > 0);
});
