import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  messages,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  StepLR,
} from "../../src/optim/lrScheduler";
import { assertSequenceClose, loadSchedulerCases, SchedulerCase } from "./fixtures";
import * as lrs from "../../src/optim/lrScheduler";
import { buildScheduler, FakeAdam, FakeSGD, LAMBDAS, SCHEDULERS } from "./schedulerTable";

const cases = loadSchedulerCases();

function makeOptimizer(c: SchedulerCase): FakeSGD | FakeAdam {
  return c.optimizer === "adam" ? new FakeAdam(c.lr) : new FakeSGD(c.lr);
}

/** Runs a fixture case with our schedulers, in torch's order: optimizer step, then scheduler steps. */
function run(c: SchedulerCase): { lrs: number[]; momentum: number[]; beta1: number[] } {
  const opt = makeOptimizer(c);
  const schedulers = c.chain.map((link) => SCHEDULERS[link.scheduler](opt, link.options));
  const lrs = [opt.lr];
  const momentum = opt instanceof FakeSGD ? [opt.momentum] : [];
  const beta1 = opt instanceof FakeAdam ? [opt.betas[0]] : [];
  for (let i = 0; i < c.steps; i++) {
    for (const s of schedulers) s.step(c.metrics ? c.metrics[i] : NaN);
    lrs.push(opt.lr);
    if (opt instanceof FakeSGD) momentum.push(opt.momentum);
    else beta1.push(opt.betas[0]);
  }
  return { lrs, momentum, beta1 };
}

describe("lr schedulers match torch.optim.lr_scheduler (test/fixtures/schedulers.json)", () => {
  it("has fixtures for every scheduler", () => {
    const names = new Set(cases.flatMap((c) => c.chain.map((l) => l.scheduler)));
    assert.deepEqual([...names].sort(), Object.keys(SCHEDULERS).sort());
  });

  for (const c of cases) {
    it(c.name, () => {
      const ours = run(c);
      assertSequenceClose(ours.lrs, c.lrs, "lr");
      if (c.momentum) assertSequenceClose(ours.momentum, c.momentum, "momentum");
      if (c.beta1) assertSequenceClose(ours.beta1, c.beta1, "beta1");
    });
  }

  for (const c of cases.filter((k) => k.resumedLrs !== undefined)) {
    it(`${c.name}: a second scheduler built with lastEpoch=${c.resumeAt} continues like torch`, () => {
      const opt = new FakeSGD(c.lr);
      const link = c.chain[0];
      const first = SCHEDULERS[link.scheduler](opt, link.options);
      for (let i = 0; i < (c.resumeAt ?? 0); i++) first.step(NaN);
      const second = SCHEDULERS[link.scheduler](opt, { ...link.options, lastEpoch: c.resumeAt });
      const lrs = [opt.lr];
      for (let i = c.resumeAt ?? 0; i < c.steps; i++) {
        second.step(NaN);
        lrs.push(opt.lr);
      }
      assertSequenceClose(lrs, c.resumedLrs ?? [], "resumed lr");
    });
  }
});

type Link = { scheduler: string; options: Record<string, unknown> };

/** LambdaLR/MultiplicativeLR pure forms with the fixture's named function. */
function withLambdaOption(cls: {
  curve(o: never, steps: number): number[];
  schedule(o: never): (count: number) => number;
}) {
  const resolve = (o: Record<string, unknown>) => ({ ...o, lrLambda: LAMBDAS[o.lrLambda as string] }) as never;
  return {
    curve: (o: Record<string, unknown>, steps: number) => cls.curve(resolve(o), steps),
    schedule: (o: Record<string, unknown>) => cls.schedule(resolve(o)),
  };
}

function innerSchedulers(o: Record<string, unknown>) {
  return (opt: lrs.LrControlled) =>
    (o.schedulers as Link[]).map((l) => buildScheduler(opt, l.scheduler, l.options) as lrs.EpochScheduler);
}

function sequentialOptions(o: Record<string, unknown> & { lr: number }): lrs.PureSequentialOptions {
  return { lr: o.lr, schedulers: innerSchedulers(o), milestones: o.milestones as number[] };
}

describe("pure curve() and schedule() forms equal the stateful schedulers' torch sequences", () => {
  type Curve = (options: Record<string, unknown> & { lr: number }, steps: number) => number[];
  type Schedule = (options: Record<string, unknown> & { lr: number }) => (count: number) => number;
  const pure: Record<string, { curve: Curve; schedule: Schedule }> = {
    StepLR: { curve: StepLR.curve as unknown as Curve, schedule: StepLR.schedule as unknown as Schedule },
    MultiStepLR: {
      curve: MultiStepLR.curve as unknown as Curve,
      schedule: MultiStepLR.schedule as unknown as Schedule,
    },
    ExponentialLR: {
      curve: ExponentialLR.curve as unknown as Curve,
      schedule: ExponentialLR.schedule as unknown as Schedule,
    },
    CosineAnnealingLR: {
      curve: CosineAnnealingLR.curve as unknown as Curve,
      schedule: CosineAnnealingLR.schedule as unknown as Schedule,
    },
    LinearLR: { curve: LinearLR.curve, schedule: LinearLR.schedule },
    OneCycleLR: { curve: OneCycleLR.curve as unknown as Curve, schedule: OneCycleLR.schedule as unknown as Schedule },
    LambdaLR: withLambdaOption(lrs.LambdaLR),
    MultiplicativeLR: withLambdaOption(lrs.MultiplicativeLR),
    ConstantLR: { curve: lrs.ConstantLR.curve, schedule: lrs.ConstantLR.schedule },
    PolynomialLR: { curve: lrs.PolynomialLR.curve, schedule: lrs.PolynomialLR.schedule },
    CosineAnnealingWarmRestarts: {
      curve: lrs.CosineAnnealingWarmRestarts.curve as unknown as Curve,
      schedule: lrs.CosineAnnealingWarmRestarts.schedule as unknown as Schedule,
    },
    CyclicLR: {
      curve: (o, steps) => lrs.CyclicLR.curve(o as unknown as lrs.CyclicLROptions & { baseLr: number }, steps),
      schedule: (o) => lrs.CyclicLR.schedule(o as unknown as lrs.CyclicLROptions & { baseLr: number }),
    },
    SequentialLR: {
      curve: (o, steps) => lrs.SequentialLR.curve(sequentialOptions(o), steps),
      schedule: (o) => lrs.SequentialLR.schedule(sequentialOptions(o)),
    },
    ChainedScheduler: {
      curve: (o, steps) => lrs.ChainedScheduler.curve({ lr: o.lr, schedulers: innerSchedulers(o) }, steps),
      schedule: (o) => lrs.ChainedScheduler.schedule({ lr: o.lr, schedulers: innerSchedulers(o) }),
    },
  };
  const singles = cases.filter((c) => c.chain.length === 1 && c.metrics === undefined && c.optimizer !== "adam");
  for (const c of singles) {
    const link = c.chain[0];
    it(`${c.name}: curve and schedule`, () => {
      const options = { ...link.options, lr: c.lr };
      const steps = c.steps + 1;
      assertSequenceClose(pure[link.scheduler].curve(options, steps), c.lrs, "curve");
      const schedule = pure[link.scheduler].schedule(options);
      // Ask out of order: the schedule must not depend on the order of the queries.
      const order = [...c.lrs.keys()].reverse();
      const values = new Array<number>(steps);
      for (const t of order) values[t] = schedule(t);
      assertSequenceClose(values, c.lrs, "schedule");
    });
  }

  it("ReduceLROnPlateau.curve replays a metric sequence", () => {
    for (const c of cases.filter((k) => k.metrics !== undefined)) {
      const options = { ...c.chain[0].options, lr: c.lr };
      assertSequenceClose(ReduceLROnPlateau.curve(options, c.metrics ?? []), c.lrs.slice(1), c.name);
    }
  });

  it("a OneCycleLR schedule is defined up to totalSteps and throws torch's error after", () => {
    const schedule = OneCycleLR.schedule({ maxLr: 0.1, totalSteps: 10 });
    assert.equal(typeof schedule(10), "number");
    assert.throws(() => schedule(11), { message: messages.steppedPastTotalStepsMessage(12, 10) });
    assert.equal(
      messages.steppedPastTotalStepsMessage(12, 10),
      "Tried to step 12 times. The specified number of total steps is 10",
    );
  });

  it("schedules reject step counts that are not non-negative integers", () => {
    const schedule = StepLR.schedule({ lr: 0.1, stepSize: 2 });
    for (const bad of [-1, 1.5, NaN]) {
      assert.throws(() => schedule(bad), {
        message: `A schedule's step count must be a non-negative integer, but got ${bad}`,
      });
    }
    assert.throws(() => StepLR.curve({ lr: 0.1, stepSize: 2 }, -3), {
      message: "A schedule's step count must be a non-negative integer, but got -3",
    });
  });
});
