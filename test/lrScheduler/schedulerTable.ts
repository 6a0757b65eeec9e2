import * as lrs from "../../src/optim/lrScheduler";
import type { LrControlled } from "../../src/optim/lrScheduler";

/** A stand-in for optim.SGD: lr and momentum, both writable. */
export class FakeSGD implements LrControlled {
  constructor(
    public lr: number,
    public momentum = 0.9,
  ) {}
}

/** A stand-in for optim.Adam: lr and betas, both writable. */
export class FakeAdam implements LrControlled {
  betas: [number, number] = [0.9, 0.999];
  constructor(public lr: number) {}
}

/** Anything stepped in a fixture: epoch schedulers take no argument, the plateau one a metric. */
export interface Stepper {
  step(metric: number): void;
  getLastLr(): number;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

type Options = Record<string, unknown>;

/** The named functions of the epoch used by the fixtures (scripts/fixtures/schedulers.py has the same). */
export const LAMBDAS: Record<string, lrs.LrLambda> = {
  pow95: (e) => 0.95 ** e,
  warmup5: (e) => Math.min(1.0, (e + 1) / 5),
  const09: () => 0.9,
  halfEvery3: (e) => (e % 3 === 0 ? 0.5 : 1.0),
};

interface EpochScheduler {
  step(): void;
  getLastLr(): number;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** An epoch scheduler seen as a Stepper: the fixtures' metric argument is dropped (step() takes an epoch). */
function epochwise(s: EpochScheduler): Stepper {
  return {
    step: () => s.step(),
    getLastLr: () => s.getLastLr(),
    stateDict: () => s.stateDict(),
    loadStateDict: (state: never) => s.loadStateDict(state),
  };
}

/** Options with `lrLambda` named as in the fixtures replaced by the function. */
function withLambda(o: Options): Options {
  return typeof o.lrLambda === "string" ? { ...o, lrLambda: LAMBDAS[o.lrLambda] } : o;
}

interface Link {
  scheduler: string;
  options: Options;
}

/** Builds a scheduler of the fixtures (inner schedulers of SequentialLR/ChainedScheduler included). */
export function buildScheduler(opt: LrControlled, name: string, o: Options): EpochScheduler {
  const make = lrs as unknown as Record<string, new (opt: LrControlled, options: Options) => EpochScheduler>;
  if (name === "ChainedScheduler") {
    return new lrs.ChainedScheduler(
      (o.schedulers as Link[]).map((l) => buildScheduler(opt, l.scheduler, l.options) as lrs.EpochScheduler),
    );
  }
  if (name === "SequentialLR") {
    const schedulers = (o.schedulers as Link[]).map(
      (l) => buildScheduler(opt, l.scheduler, l.options) as lrs.EpochScheduler,
    );
    return new lrs.SequentialLR(opt, { schedulers, milestones: o.milestones as number[] });
  }
  return new make[name](opt, withLambda(o));
}

const epochSchedulers = [
  "StepLR",
  "MultiStepLR",
  "ExponentialLR",
  "CosineAnnealingLR",
  "LinearLR",
  "OneCycleLR",
  "LambdaLR",
  "MultiplicativeLR",
  "ConstantLR",
  "PolynomialLR",
  "CosineAnnealingWarmRestarts",
  "CyclicLR",
  "SequentialLR",
  "ChainedScheduler",
];

/** Scheduler name in the fixtures → how to build ours. */
export const SCHEDULERS: Record<string, (opt: LrControlled, options: Options) => Stepper> = {
  ...Object.fromEntries(
    epochSchedulers.map((name) => [name, (opt: LrControlled, o: Options) => epochwise(buildScheduler(opt, name, o))]),
  ),
  ReduceLROnPlateau: (opt, o) => new lrs.ReduceLROnPlateau(opt, o) as unknown as Stepper,
};
