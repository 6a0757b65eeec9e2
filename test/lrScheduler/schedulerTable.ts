import {
  CosineAnnealingLR,
  CosineAnnealingLROptions,
  ExponentialLR,
  ExponentialLROptions,
  LinearLR,
  LinearLROptions,
  LrControlled,
  MultiStepLR,
  MultiStepLROptions,
  OneCycleLR,
  OneCycleLROptions,
  ReduceLROnPlateau,
  ReduceLROnPlateauOptions,
  StepLR,
  StepLROptions,
} from "../../src/optim/lrScheduler";

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
}

type Options = Record<string, unknown>;

/** Scheduler name in the fixtures → how to build ours. */
export const SCHEDULERS: Record<string, (opt: LrControlled, options: Options) => Stepper> = {
  StepLR: (opt, o) => new StepLR(opt, o as unknown as StepLROptions),
  MultiStepLR: (opt, o) => new MultiStepLR(opt, o as unknown as MultiStepLROptions),
  ExponentialLR: (opt, o) => new ExponentialLR(opt, o as unknown as ExponentialLROptions),
  CosineAnnealingLR: (opt, o) => new CosineAnnealingLR(opt, o as unknown as CosineAnnealingLROptions),
  LinearLR: (opt, o) => new LinearLR(opt, o as unknown as LinearLROptions),
  OneCycleLR: (opt, o) => new OneCycleLR(opt, o as unknown as OneCycleLROptions),
  ReduceLROnPlateau: (opt, o) => new ReduceLROnPlateau(opt, o as ReduceLROnPlateauOptions),
};
