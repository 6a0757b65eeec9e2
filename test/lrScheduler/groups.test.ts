/**
 * Schedulers over parameter groups (one base lr per group, as torch's base_lrs), the state dict's
 * stable names, and optimizers stepped under a scheduler against torch (fixture "scheduled").
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as optim from "../../src/optim";
import { lrScheduler } from "../../src/optim";
import { loadFixture, makeProblem, worstMismatch } from "../optim/problem";

interface ScheduledCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups: ({ params: string[] } & Record<string, unknown>)[];
  scheduler: "OneCycleLR" | "CyclicLR";
  schedulerOptions: Record<string, unknown>;
  trajectory: number[][];
  lrs: number[][];
}

const fixture = loadFixture() as ReturnType<typeof loadFixture> & { scheduled: ScheduledCase[] };

for (const c of fixture.scheduled) {
  test(`optimizer under a scheduler matches torch ${fixture.torchVersion}: ${c.id}`, () => {
    const problem = makeProblem(fixture);
    const paramGroups = c.groups.map(({ params, ...o }) => ({
      ...o,
      params: (n: string) => params.some((p) => n.endsWith(`/${p}`)),
    }));
    const opt = new optim.SGD({ ...(c.options as { lr: number }), paramGroups });
    const Scheduler = lrScheduler[c.scheduler] as unknown as new (
      o: optim.SGD,
      s: Record<string, unknown>,
    ) => { step(): void };
    const sched = new Scheduler(opt, c.schedulerOptions);
    try {
      c.trajectory.forEach((expected, step) => {
        opt.minimize(problem.loss);
        sched.step();
        const actual = problem.flat();
        const { excess, index } = worstMismatch(actual, expected, 1e-5, 1e-6);
        assert.ok(excess <= 0, `step ${step + 1}, entry ${index}: got ${actual[index]}, torch ${expected[index]}`);
        c.lrs[step].forEach((lr, g) =>
          assert.ok(Math.abs(opt.paramGroups[g].lr - lr) <= 1e-12 * Math.max(1, lr), `group ${g} lr`),
        );
      });
    } finally {
      opt.dispose();
      problem.dispose();
    }
  });
}

test("OneCycleLR on SGD created without momentum cycles momentum (torch's cycle_momentum default) and starts the buffer", () => {
  const opt = new optim.SGD({ lr: 0.1 });
  const sched = new lrScheduler.OneCycleLR(opt, { maxLr: 0.3, totalSteps: 10 });
  assert.equal(opt.momentum, 0.95);
  sched.step();
  assert.ok(opt.momentum < 0.95);
  assert.ok(opt.transform.links.some((l) => l.name === "traceMomentum"));
  opt.dispose();
});

test("a scheduler keeps one base lr per group and writes each group's lr", () => {
  const opt = new optim.SGD({ lr: 0.1, paramGroups: [{ params: (n) => n.endsWith("bias"), lr: 0.01 }] });
  const sched = new lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5 });
  assert.deepEqual(sched.baseLrs, [0.01, 0.1]);
  sched.step();
  sched.step();
  assert.deepEqual(sched.getLastLrs(), [0.005, 0.05]);
  assert.deepEqual([opt.paramGroups[0].lr, opt.paramGroups[1].lr], [0.005, 0.05]);
  const saved = JSON.parse(JSON.stringify(sched.stateDict())) as lrScheduler.SchedulerState;
  assert.deepEqual(saved.baseLrs, [0.01, 0.1]);
  const again = new lrScheduler.StepLR(new optim.SGD({ lr: 0.1, paramGroups: [{ params: () => false, lr: 0.01 }] }), {
    stepSize: 2,
    gamma: 0.5,
  });
  again.loadStateDict(saved as never);
  assert.deepEqual(again.baseLrs, [0.01, 0.1]);
  assert.deepEqual(again.getLastLrs(), [0.005, 0.05]);
  opt.dispose();
});

test("stateDict names schedulers by a stable static name, not constructor.name (which minifiers rename)", () => {
  const original = Object.getOwnPropertyDescriptor(lrScheduler.StepLR, "name") as PropertyDescriptor;
  Object.defineProperty(lrScheduler.StepLR, "name", { value: "t" });
  try {
    const sched = new lrScheduler.StepLR({ lr: 0.1 }, { stepSize: 3 });
    assert.equal(sched.stateDict().scheduler, "StepLR");
    sched.loadStateDict(sched.stateDict());
    assert.throws(
      () => sched.loadStateDict({ ...sched.stateDict(), scheduler: "ExponentialLR" }),
      /StepLR\.loadStateDict/,
    );
  } finally {
    Object.defineProperty(lrScheduler.StepLR, "name", original);
  }
  for (const [name, cls] of Object.entries(lrScheduler)) {
    if (typeof cls === "function" && "schedulerName" in cls)
      assert.equal((cls as { schedulerName: string }).schedulerName, name);
  }
});

test("SequentialLR and ChainedScheduler state dicts resume the exact sequence", () => {
  const build = (opt: { lr: number }) => {
    const warmup = new lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 4 });
    const decay = new lrScheduler.ExponentialLR(opt, { gamma: 0.8 });
    return new lrScheduler.SequentialLR(opt, { schedulers: [warmup, decay], milestones: [4] });
  };
  const opt = { lr: 0.1 };
  const sched = build(opt);
  for (let i = 0; i < 6; i++) sched.step();
  const saved = JSON.parse(JSON.stringify(sched.stateDict())) as lrScheduler.SequentialLRState;
  const expected: number[] = [];
  for (let i = 0; i < 5; i++) {
    sched.step();
    expected.push(opt.lr);
  }
  const opt2 = { lr: 0.1 };
  const resumed = build(opt2);
  resumed.loadStateDict(saved);
  opt2.lr = resumed.getLastLr();
  const actual: number[] = [];
  for (let i = 0; i < 5; i++) {
    resumed.step();
    actual.push(opt2.lr);
  }
  assert.deepEqual(actual, expected);
  assert.throws(
    () => resumed.loadStateDict({ ...saved, scheduler: "ChainedScheduler" } as never),
    /SequentialLR\.loadStateDict/,
  );

  const chainedOpt = { lr: 0.2 };
  const chained = new lrScheduler.ChainedScheduler([
    new lrScheduler.ConstantLR(chainedOpt, { factor: 0.5, totalIters: 2 }),
    new lrScheduler.ExponentialLR(chainedOpt, { gamma: 0.9 }),
  ]);
  chained.step();
  const state = chained.stateDict();
  assert.equal(state.schedulers.length, 2);
  assert.deepEqual(
    state.schedulers.map((s) => s.scheduler),
    ["ConstantLR", "ExponentialLR"],
  );
});

test("per-group lists: a list of the wrong length throws torch's message (OneCycleLR, CyclicLR, ReduceLROnPlateau)", () => {
  const make = () => new optim.SGD({ lr: 0.1, momentum: 0.9, paramGroups: [{ params: () => false, lr: 0.01 }] });
  const opt = make();
  assert.throws(() => new lrScheduler.OneCycleLR(opt, { maxLr: [0.1, 0.2, 0.3], totalSteps: 10 }), {
    message: lrScheduler.messages.perGroupLengthMessage("maxLr", 2, 3), // torch: "expected 2 values for max_lr, got 3"
  });
  assert.throws(() => new lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, maxMomentum: [0.9] }), {
    message: lrScheduler.messages.perGroupLengthMessage("maxMomentum", 2, 1),
  });
  assert.throws(() => new lrScheduler.CyclicLR(opt, { baseLr: [0.01], maxLr: 0.1 }), {
    message: lrScheduler.messages.perGroupLengthMessage("baseLr", 2, 1),
  });
  assert.throws(() => new lrScheduler.ReduceLROnPlateau(opt, { minLr: [0.1] }), {
    message: "expected 2 min_lrs, got 1", // torch 1.13's text
  });
  // One value per group: each group gets its own peak.
  const sched = new lrScheduler.OneCycleLR(opt, { maxLr: [0.05, 0.3], totalSteps: 10, pctStart: 0.5 });
  for (let i = 0; i < 4; i++) sched.step();
  assert.deepEqual(sched.getLastLrs(), [0.05, 0.3]);
  assert.deepEqual(sched.baseLrs, [0.05 / 25, 0.3 / 25]);
  opt.dispose();
});

test("ReduceLROnPlateau reduces every group, each to its own minLr (torch 1.13's sequence)", () => {
  const opt = new optim.SGD({ lr: 0.1, paramGroups: [{ params: () => false, lr: 0.01 }] });
  const plateau = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0, factor: 0.5, minLr: [0.004, 0.03] });
  const lrs: number[][] = [];
  for (let i = 0; i < 5; i++) {
    plateau.step(1);
    lrs.push(opt.paramGroups.map((g) => g.lr));
  }
  // From torch 1.13: SGD([{bias, lr 0.01}, {rest}], lr=0.1), ReduceLROnPlateau(patience=0, factor=0.5, min_lr=[0.004, 0.03]).
  assert.deepEqual(lrs, [
    [0.01, 0.1],
    [0.005, 0.05],
    [0.004, 0.03],
    [0.004, 0.03],
    [0.004, 0.03],
  ]);
  assert.deepEqual(plateau.getLastLrs(), [0.004, 0.03]);
  const resumed = new lrScheduler.ReduceLROnPlateau(opt, { minLr: [0, 0] });
  resumed.loadStateDict(JSON.parse(JSON.stringify(plateau.stateDict())) as lrScheduler.ReduceLROnPlateauState);
  assert.deepEqual(resumed.getLastLrs(), [0.004, 0.03]);
  opt.dispose();
});
