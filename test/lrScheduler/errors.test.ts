import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  LrControlled,
  MultiStepLR,
  OneCycleLR,
  OneCycleLROptions,
  ReduceLROnPlateau,
  ReduceLROnPlateauOptions,
  StepLR,
} from "../../src/optim/lrScheduler";
import * as lrs from "../../src/optim/lrScheduler";
import { FakeSGD } from "./schedulerTable";

/** Bad inputs and torch's (camelCased) message for each. */
const BAD: { what: string; make: () => unknown; message: string }[] = [
  {
    what: "an object without lr",
    make: () => new StepLR({} as LrControlled, { stepSize: 1 }),
    message:
      'object without a numeric lr is not an Optimizer: a learning-rate scheduler needs an object with a finite, writable numeric "lr" property (optim.SGD, optim.Adam, … or { lr: 0.1 })',
  },
  {
    what: "null optimizer",
    make: () => new ExponentialLR(null as unknown as LrControlled, { gamma: 0.9 }),
    message:
      'null is not an Optimizer: a learning-rate scheduler needs an object with a finite, writable numeric "lr" property (optim.SGD, optim.Adam, … or { lr: 0.1 })',
  },
  {
    what: "stepSize 0",
    make: () => new StepLR(new FakeSGD(0.1), { stepSize: 0 }),
    message: "Expected positive integer stepSize, but got 0",
  },
  {
    what: "fractional tMax",
    make: () => new CosineAnnealingLR(new FakeSGD(0.1), { tMax: 2.5 }),
    message: "Expected positive integer tMax, but got 2.5",
  },
  {
    what: "NaN gamma",
    make: () => new ExponentialLR(new FakeSGD(0.1), { gamma: NaN }),
    message: "Expected a finite number for gamma, but got NaN",
  },
  {
    what: "negative milestone",
    make: () => new MultiStepLR(new FakeSGD(0.1), { milestones: [3, -1] }),
    message: "Expected milestones to be an array of non-negative integers, but got [3,-1]",
  },
  {
    what: "startFactor 0",
    make: () => new LinearLR(new FakeSGD(0.1), { startFactor: 0 }),
    message: "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
  },
  {
    what: "endFactor 2",
    make: () => new LinearLR(new FakeSGD(0.1), { endFactor: 2 }),
    message: "Ending multiplicative factor expected to be between 0 and 1.",
  },
  {
    what: "lastEpoch on a fresh optimizer",
    make: () => new StepLR(new FakeSGD(0.1), { stepSize: 2, lastEpoch: 4 }),
    message:
      "param 'initial_lr' is not specified for this optimizer when resuming (lastEpoch=4): attach a scheduler with lastEpoch -1 first, or construct with lastEpoch -1 and restore with loadStateDict()",
  },
  {
    what: "lastEpoch -2",
    make: () => new StepLR(new FakeSGD(0.1), { stepSize: 2, lastEpoch: -2 }),
    message: "Expected lastEpoch to be -1 or a non-negative integer, but got -2",
  },
  {
    what: "OneCycleLR without a length",
    make: () => new OneCycleLR(new FakeSGD(0.1), { maxLr: 1 }),
    message: "You must define either totalSteps OR (epochs AND stepsPerEpoch)",
  },
  {
    what: "OneCycleLR totalSteps 0",
    make: () => new OneCycleLR(new FakeSGD(0.1), { maxLr: 1, totalSteps: 0 }),
    message: "Expected positive integer totalSteps, but got 0",
  },
  {
    what: "OneCycleLR epochs without stepsPerEpoch",
    make: () => new OneCycleLR(new FakeSGD(0.1), { maxLr: 1, epochs: 3 }),
    message: "Expected positive integer stepsPerEpoch, but got undefined",
  },
  {
    what: "OneCycleLR pctStart 1.2",
    make: () => new OneCycleLR(new FakeSGD(0.1), { maxLr: 1, totalSteps: 10, pctStart: 1.2 }),
    message: "Expected float between 0 and 1 pctStart, but got 1.2",
  },
  {
    what: "OneCycleLR annealStrategy",
    make: () =>
      new OneCycleLR(new FakeSGD(0.1), {
        maxLr: 1,
        totalSteps: 10,
        annealStrategy: "exp",
      } as unknown as OneCycleLROptions),
    message: "annealStrategy must be one of 'cos' or 'linear', instead got exp",
  },
  {
    what: "OneCycleLR momentum cycling on an optimizer without momentum",
    make: () => new OneCycleLR({ lr: 0.1 }, { maxLr: 1, totalSteps: 10 }),
    message:
      "optimizer must support momentum with `cycleMomentum` option enabled (it needs a numeric `momentum` or `betas` property; pass cycleMomentum: false otherwise)",
  },
  {
    what: "plateau factor 1",
    make: () => new ReduceLROnPlateau(new FakeSGD(0.1), { factor: 1 }),
    message: "Factor should be < 1.0.",
  },
  {
    what: "plateau mode",
    make: () => new ReduceLROnPlateau(new FakeSGD(0.1), { mode: "up" } as unknown as ReduceLROnPlateauOptions),
    message: "mode up is unknown!",
  },
  {
    what: "plateau threshold mode",
    make: () =>
      new ReduceLROnPlateau(new FakeSGD(0.1), { thresholdMode: "pct" } as unknown as ReduceLROnPlateauOptions),
    message: "threshold mode pct is unknown!",
  },
];

const { messages } = lrs;
BAD.push(
  {
    what: "LambdaLR without a function",
    make: () => new lrs.LambdaLR(new FakeSGD(0.1), { lrLambda: 0.9 as unknown as lrs.LrLambda }),
    message: messages.notAFunctionMessage("lrLambda", 0.9),
  },
  {
    what: "LambdaLR with a list of the wrong length (torch's message)",
    make: () => new lrs.MultiplicativeLR(new FakeSGD(0.1), { lrLambda: [() => 1, () => 1] }),
    message: "Expected 1 lr_lambdas, but got 2",
  },
  {
    what: "ConstantLR factor 1.5 (torch's message)",
    make: () => new lrs.ConstantLR(new FakeSGD(0.1), { factor: 1.5 }),
    message: "Constant multiplicative factor expected to be between 0 and 1.",
  },
  {
    what: "PolynomialLR totalIters 0",
    make: () => new lrs.PolynomialLR(new FakeSGD(0.1), { totalIters: 0 }),
    message: "Expected positive integer totalIters, but got 0",
  },
  {
    what: "CosineAnnealingWarmRestarts t0 0 (torch's message)",
    make: () => new lrs.CosineAnnealingWarmRestarts(new FakeSGD(0.1), { t0: 0 }),
    message: "Expected positive integer t0, but got 0",
  },
  {
    what: "CosineAnnealingWarmRestarts tMult 1.5 (torch's message)",
    make: () => new lrs.CosineAnnealingWarmRestarts(new FakeSGD(0.1), { t0: 2, tMult: 1.5 }),
    message: "Expected integer tMult >= 1, but got 1.5",
  },
  {
    what: "CyclicLR unknown mode",
    make: () => new lrs.CyclicLR(new FakeSGD(0.1), { baseLr: 0.01, maxLr: 0.1, mode: "sine" as "triangular" }),
    message: messages.invalidCyclicModeMessage("sine"),
  },
  {
    what: "CyclicLR per-group list of the wrong length (torch's message)",
    make: () => new lrs.CyclicLR(new FakeSGD(0.1), { baseLr: [0.01, 0.02], maxLr: 0.1 }),
    message: "expected 1 values for baseLr, got 2",
  },
  {
    what: "CyclicLR momentum cycling on an lr-only optimizer",
    make: () => new lrs.CyclicLR({ lr: 0.1 }, { baseLr: 0.01, maxLr: 0.1 }),
    message: messages.cycleMomentumUnsupportedMessage(),
  },
  {
    what: "SequentialLR milestones (torch's message)",
    make: () => {
      const opt = new FakeSGD(0.1);
      return new lrs.SequentialLR(opt, { schedulers: [new StepLR(opt, { stepSize: 2 }) as never], milestones: [3] });
    },
    message:
      "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 1 and the number of milestones to be equal to 1",
  },
  {
    what: "SequentialLR with a scheduler of another optimizer",
    make: () =>
      new lrs.SequentialLR(new FakeSGD(0.1), {
        schedulers: [new StepLR(new FakeSGD(0.1), { stepSize: 2 }) as never],
        milestones: [],
      }),
    message: messages.differentOptimizerMessage("SequentialLR", 0),
  },
  {
    what: "ChainedScheduler with schedulers of two optimizers",
    make: () =>
      new lrs.ChainedScheduler([
        new StepLR(new FakeSGD(0.1), { stepSize: 2 }),
        new StepLR(new FakeSGD(0.1), { stepSize: 2 }),
      ] as never[]),
    message: messages.differentOptimizerMessage("ChainedScheduler", 1),
  },
  {
    what: "ChainedScheduler of nothing",
    make: () => new lrs.ChainedScheduler([]),
    message: messages.noSchedulersMessage("ChainedScheduler"),
  },
  {
    what: "step(epoch) with a bad epoch",
    make: () => new StepLR(new FakeSGD(0.1), { stepSize: 2 }).step(NaN),
    message: messages.invalidEpochMessage(NaN),
  },
);

describe("schedulers reject bad inputs with torch's messages", () => {
  for (const bad of BAD) {
    it(bad.what, () => assert.throws(bad.make, { message: bad.message }));
  }

  it("OneCycleLR stepped past its cycle throws torch's message", () => {
    const sched = new OneCycleLR(new FakeSGD(0.1), { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) sched.step();
    assert.throws(() => sched.step(), { message: "Tried to step 5 times. The specified number of total steps is 3" });
  });

  it("ReduceLROnPlateau.step needs a number", () => {
    const plateau = new ReduceLROnPlateau(new FakeSGD(0.1));
    assert.throws(() => plateau.step("0.5" as unknown as number), {
      message: 'ReduceLROnPlateau.step(metric) needs the monitored value as a number, but got "0.5"',
    });
  });

  it("OneCycleLR without momentum cycling works on an lr-only optimizer", () => {
    const opt = { lr: 0.1 };
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, cycleMomentum: false });
    // torch's cos anneal at pct 0 gives 0.040000000000000036, not exactly maxLr / divFactor.
    assert.ok(Math.abs(opt.lr - 1 / 25) < 1e-15);
    sched.step();
    assert.ok(opt.lr > 1 / 25);
  });

  it("getLastLr and lastEpoch track the steps", () => {
    const opt = new FakeSGD(1);
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    assert.equal(sched.lastEpoch, 0);
    sched.step();
    sched.step();
    assert.equal(sched.lastEpoch, 2);
    assert.equal(sched.getLastLr(), 0.25);
    assert.equal(opt.lr, 0.25);
    assert.equal(sched.baseLr, 1);
  });
});

describe("schedulers reject unknown options (torch: __init__() got an unexpected keyword argument)", () => {
  it("StepLR with torch's step_size: a TypeError naming it, its camelCase name and the valid options", () => {
    const opt = { lr: 0.1 };
    assert.throws(() => new StepLR(opt, { step_size: 2, stepSize: 1 } as never), {
      name: "TypeError",
      message:
        "StepLR got an unexpected option 'step_size' (did you mean 'stepSize'?); its options are stepSize, gamma, lastEpoch",
    });
    assert.equal(opt.lr, 0.1, "nothing recorded on the optimizer");
  });
  const cases: [string, () => unknown, string][] = [
    ["ExponentialLR", () => new ExponentialLR({ lr: 0.1 }, { gamma: 0.9, last_epoch: 2 } as never), "last_epoch"],
    [
      "OneCycleLR",
      () => new OneCycleLR({ lr: 0.1 }, { maxLr: 1, totalSteps: 10, pct_start: 0.1 } as never),
      "pct_start",
    ],
    ["CosineAnnealingLR", () => new CosineAnnealingLR({ lr: 0.1 }, { tMax: 10, eta_min: 0 } as never), "eta_min"],
    ["ReduceLROnPlateau", () => new ReduceLROnPlateau({ lr: 0.1 }, { patiance: 3 } as never), "patiance"],
    [
      "CyclicLR",
      () => new lrs.CyclicLR({ lr: 0.1 }, { baseLr: 0.1, maxLr: 1, step_size_up: 5 } as never),
      "step_size_up",
    ],
  ];
  for (const [name, make, option] of cases)
    it(`${name}: '${option}'`, () => {
      assert.throws(make, (error: Error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, new RegExp(`^${name} got an unexpected option '${option}'`));
        return true;
      });
    });
  it("the pure curves still take their starting lr", () => {
    assert.deepEqual(StepLR.curve({ lr: 1, stepSize: 2, gamma: 0.5 }, 4), [1, 1, 0.5, 0.5]);
    assert.deepEqual(ReduceLROnPlateau.curve({ lr: 1, patience: 0 }, [1, 1]), [1, 0.1]);
  });
});
