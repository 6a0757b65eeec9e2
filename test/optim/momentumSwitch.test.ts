/**
 * Momentum written between steps, back to 0 and up again (fixture "momentumSwitches" of
 * scripts/fixtures/optimizers.py): torch keeps `momentum_buffer` in the state and skips it while
 * momentum is 0, then continues from it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as optim from "../../src/optim";
import { loadFixture, makeProblem, worstMismatch } from "./problem";

interface MomentumSwitchCase {
  id: string;
  optimizer: "SGD" | "RMSprop";
  options: Record<string, number>;
  /** The momentum set before the (0-based) step named by the key. */
  switches: Record<string, number>;
  trajectory: number[][];
}

const fixture = loadFixture() as ReturnType<typeof loadFixture> & { momentumSwitches: MomentumSwitchCase[] };

function create(c: MomentumSwitchCase): optim.SGD | optim.RMSprop {
  return c.optimizer === "SGD" ? new optim.SGD(c.options as { lr: number }) : new optim.RMSprop(c.options);
}

for (const c of fixture.momentumSwitches) {
  test(`momentum switched between steps matches torch ${fixture.torchVersion}: ${c.id}`, () => {
    const problem = makeProblem(fixture);
    const opt = create(c);
    try {
      c.trajectory.forEach((expected, step) => {
        const momentum = c.switches[String(step)];
        if (momentum !== undefined) opt.momentum = momentum;
        opt.minimize(problem.loss);
        const actual = problem.flat();
        const { excess, index } = worstMismatch(actual, expected, 1e-5, 1e-6);
        assert.ok(excess <= 0, `step ${step + 1}, entry ${index}: got ${actual[index]}, torch ${expected[index]}`);
      });
    } finally {
      opt.dispose();
      problem.dispose();
    }
  });
}

test("momentum back to 0 keeps the buffer (negative control: a fresh buffer misses torch after the switch back)", () => {
  const c = fixture.momentumSwitches.find((k) => k.id.startsWith("SGD momentum 0.9")) as MomentumSwitchCase;
  const problem = makeProblem(fixture);
  let opt = create(c);
  for (let step = 0; step < 20; step++) {
    const momentum = c.switches[String(step)];
    if (momentum === 0.9) {
      // What dropping the buffer would do: a new optimizer whose buffer starts at this gradient.
      opt.dispose();
      opt = create(c);
    } else if (momentum !== undefined) {
      opt.momentum = momentum;
    }
    opt.minimize(problem.loss);
  }
  assert.ok(worstMismatch(problem.flat(), c.trajectory[19], 1e-5, 1e-6).excess > 0);
  opt.dispose();
  problem.dispose();
});

test("momentum 0 keeps the traceMomentum link and its buffer in the state and in getWeights()", async () => {
  const problem = makeProblem(fixture);
  const opt = new optim.SGD({ lr: 0.1, momentum: 0.9 });
  opt.minimize(problem.loss);
  const name = `${problem.variables.bias.name}/traceMomentum/momentumBuffer`;
  const before = (await opt.getWeights()).find((w) => w.name === name)?.tensor.arraySync();
  opt.momentum = 0;
  opt.minimize(problem.loss);
  assert.deepEqual(
    opt.transform.links.map((l) => l.name),
    ["traceMomentum", "scaleByLearningRate"],
  );
  const after = (await opt.getWeights()).find((w) => w.name === name)?.tensor.arraySync();
  assert.ok(before !== undefined);
  assert.deepEqual(after, before, "the buffer is not touched while momentum is 0");
  opt.dispose();
  problem.dispose();
});

test("momentum 0 before the first step drops the link (no buffer exists yet, as in torch)", () => {
  const opt = new optim.SGD({ lr: 0.1, momentum: 0.9 });
  opt.momentum = 0;
  assert.deepEqual(
    opt.transform.links.map((l) => l.name),
    ["scaleByLearningRate"],
  );
  opt.dispose();
});
