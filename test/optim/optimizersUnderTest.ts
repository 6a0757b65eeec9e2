/**
 * The optimizers under test: one row per optimizer drives the parity, convergence, round-trip,
 * serialization, leak and model.fit tests (like torch's OptimizerInfo / optax's
 * _OPTIMIZERS_UNDER_TEST).
 */
import * as optim from "../../src/optim";
import type { ChainOptimizer } from "../../src/optim";
import * as errors from "../../src/optim/errors";

type Options = Record<string, unknown>;

export interface OptimizerUnderTest {
  /** Class name in the fixtures and in `optim`. */
  readonly name: string;
  /** Builds the optimizer from an options object. */
  readonly create: (options: Options) => ChainOptimizer;
  /** torch's defaults (torch 1.13), checked against `hyperparameters`. */
  readonly torchDefaults: Options;
  /** Options for the convergence, round-trip and leak tests (every stateful option on). */
  readonly exercise: Options;
  /** Steps the convergence test allows. */
  readonly convergenceSteps: number;
  /** Invalid options and the exact torch message each must throw. */
  readonly badInputs: readonly { options: Options; message: string | RegExp }[];
}

const betaInputs = (base: Options) => [
  { options: { ...base, betas: [1.5, 0.999] }, message: errors.invalidBetaMessage(0, 1.5) },
  { options: { ...base, betas: [0.9, 1.5] }, message: errors.invalidBetaMessage(1, 1.5) },
  { options: { ...base, betas: [0.9, -0.1] }, message: errors.invalidBetaMessage(1, -0.1) },
  { options: { ...base, betas: [0.9] }, message: errors.invalidBetasMessage([0.9]) },
  { options: { ...base, betas: [0.9, "0.999"] }, message: errors.invalidBetasMessage([0.9, "0.999"]) },
];
const commonInputs = (base: Options) => [
  { options: { ...base, lr: -0.1 }, message: errors.invalidLearningRateMessage(-0.1) },
  { options: { ...base, lr: NaN }, message: errors.invalidLearningRateMessage(NaN) },
  { options: { ...base, weightDecay: -1 }, message: errors.invalidWeightDecayMessage(-1) },
  // Wrong types: torch's comparison raises a TypeError; so do we, naming the option.
  { options: { ...base, lr: null }, message: "Invalid learning rate: null (expected a number, got null)" },
  { options: { ...base, lr: "0.1" }, message: 'Invalid learning rate: "0.1" (expected a number, got a string)' },
  {
    options: { ...base, weightDecay: "0" },
    message: 'Invalid weight_decay value: "0" (expected a number, got a string)',
  },
  { options: { ...base, maximize: "yes" }, message: 'Invalid maximize: "yes" (expected true or false, got a string)' },
];

export const OPTIMIZERS_UNDER_TEST: readonly OptimizerUnderTest[] = [
  {
    name: "SGD",
    create: (o) => new optim.SGD(o as unknown as optim.SGDOptions),
    torchDefaults: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
    exercise: { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    convergenceSteps: 50,
    badInputs: [
      ...commonInputs({ lr: 0.1 }),
      { options: {}, message: errors.lrRequiredMessage() },
      { options: { lr: 0.1, momentum: -0.5 }, message: errors.invalidMomentumMessage(-0.5) },
      { options: { lr: 0.1, nesterov: true }, message: errors.nesterovRequiresMomentumMessage() },
      {
        options: { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true },
        message: errors.nesterovRequiresMomentumMessage(),
      },
    ],
  },
  {
    name: "Adam",
    create: (o) => new optim.Adam(o),
    torchDefaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
    exercise: { lr: 0.05, amsgrad: true, weightDecay: 1e-3 },
    convergenceSteps: 120,
    badInputs: [
      ...commonInputs({}),
      ...betaInputs({}),
      { options: { eps: -1e-8 }, message: errors.invalidEpsilonMessage(-1e-8) },
    ],
  },
  {
    name: "AdamW",
    create: (o) => new optim.AdamW(o),
    torchDefaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
    exercise: { lr: 0.05, amsgrad: true, weightDecay: 1e-3 },
    convergenceSteps: 120,
    badInputs: [
      ...commonInputs({}),
      ...betaInputs({}),
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
    ],
  },
  {
    name: "RMSprop",
    create: (o) => new optim.RMSprop(o),
    torchDefaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
    exercise: { lr: 0.01, centered: true, momentum: 0.5, weightDecay: 1e-3 },
    convergenceSteps: 150,
    badInputs: [
      ...commonInputs({}),
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
      { options: { momentum: -0.9 }, message: errors.invalidMomentumMessage(-0.9) },
      { options: { alpha: -0.99 }, message: errors.invalidAlphaMessage(-0.99) },
    ],
  },
  {
    name: "Adagrad",
    create: (o) => new optim.Adagrad(o),
    torchDefaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
    exercise: { lr: 0.3, lrDecay: 1e-3, initialAccumulatorValue: 0.1, weightDecay: 1e-3 },
    convergenceSteps: 120,
    badInputs: [
      ...commonInputs({}),
      { options: { lrDecay: -1 }, message: errors.invalidLrDecayMessage(-1) },
      { options: { initialAccumulatorValue: -1 }, message: errors.invalidInitialAccumulatorValueMessage(-1) },
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
    ],
  },
  {
    name: "Adadelta",
    create: (o) => new optim.Adadelta(o),
    torchDefaults: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
    // A larger ε than torch's 1e-6 makes the first steps bigger, so the test needs fewer steps.
    exercise: { lr: 1.0, rho: 0.9, eps: 1e-2, weightDecay: 1e-3 },
    convergenceSteps: 40,
    badInputs: [
      ...commonInputs({}),
      { options: { rho: 1.5 }, message: errors.invalidRhoMessage(1.5) },
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
    ],
  },
  {
    name: "NAdam",
    create: (o) => new optim.NAdam(o),
    torchDefaults: {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      momentumDecay: 4e-3,
      decoupledWeightDecay: false,
      maximize: false,
    },
    exercise: { lr: 0.05, weightDecay: 1e-3, decoupledWeightDecay: true },
    convergenceSteps: 150,
    badInputs: [
      ...commonInputs({}),
      ...betaInputs({}),
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
      { options: { momentumDecay: -1 }, message: errors.invalidMomentumDecayMessage(-1) },
    ],
  },
  {
    name: "RAdam",
    create: (o) => new optim.RAdam(o),
    torchDefaults: {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      decoupledWeightDecay: false,
      maximize: false,
    },
    exercise: { lr: 0.05, weightDecay: 1e-3 },
    convergenceSteps: 300,
    badInputs: [
      ...commonInputs({}),
      ...betaInputs({}),
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
    ],
  },
  {
    name: "Adamax",
    create: (o) => new optim.Adamax(o),
    torchDefaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
    exercise: { lr: 0.05, weightDecay: 1e-3 },
    convergenceSteps: 200,
    badInputs: [
      ...commonInputs({}),
      ...betaInputs({}),
      { options: { eps: -1 }, message: errors.invalidEpsilonMessage(-1) },
    ],
  },
  {
    name: "ASGD",
    create: (o) => new optim.ASGD(o),
    torchDefaults: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false },
    exercise: { lr: 0.1, lambd: 1e-3, t0: 5, weightDecay: 1e-3 },
    convergenceSteps: 60,
    badInputs: [...commonInputs({})],
  },
  {
    name: "Rprop",
    create: (o) => new optim.Rprop(o),
    torchDefaults: { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false },
    exercise: { lr: 0.1 },
    convergenceSteps: 80,
    badInputs: [
      ...commonInputs({}).filter((input) => !("weightDecay" in input.options)),
      { options: { etas: [1.5, 1.2] }, message: errors.invalidEtasMessage(1.5, 1.2) },
      { options: { etas: [0.5, 0.9] }, message: errors.invalidEtasMessage(0.5, 0.9) },
      { options: { etas: [0.5] }, message: "Invalid etas: [0.5] (expected two numbers, got an array)" },
      { options: { weightDecay: 0.1 }, message: /unexpected option 'weightDecay'/ },
    ],
  },
];

/** The row for `name`; throws for an optimizer missing from the table. */
export function optimizerUnderTest(name: string): OptimizerUnderTest {
  const row = OPTIMIZERS_UNDER_TEST.find((o) => o.name === name);
  if (row === undefined) throw new Error(`optimizer ${name} is not in OPTIMIZERS_UNDER_TEST`);
  return row;
}
