/**
 * Error messages of the optimizers. Hyperparameter messages keep torch.optim's exact text (same
 * wording, torch's snake_case names), so a message can be searched for in torch's docs and
 * forums. Exported so tests can match them exactly.
 */
import { shown } from "../messages/values";
import { closestOption, unexpectedOptionOf } from "../messages/options";
export { shown, closestOption, unexpectedOptionOf };

export const invalidLearningRateMessage = (lr: unknown): string => `Invalid learning rate: ${shown(lr)}`;
export const invalidEpsilonMessage = (eps: number): string => `Invalid epsilon value: ${eps}`;
export const invalidBetaMessage = (index: 0 | 1, beta: number): string =>
  `Invalid beta parameter at index ${index}: ${beta}`;
export const invalidMomentumMessage = (momentum: number): string => `Invalid momentum value: ${momentum}`;
export const invalidWeightDecayMessage = (weightDecay: number): string => `Invalid weight_decay value: ${weightDecay}`;
export const invalidAlphaMessage = (alpha: number): string => `Invalid alpha value: ${alpha}`;
export const invalidLrDecayMessage = (lrDecay: number): string => `Invalid lr_decay value: ${lrDecay}`;
export const invalidInitialAccumulatorValueMessage = (value: number): string =>
  `Invalid initial_accumulator_value value: ${value}`;
export const invalidRhoMessage = (rho: number): string => `Invalid rho value: ${rho}`;
export const invalidMomentumDecayMessage = (momentumDecay: number): string =>
  `Invalid momentum_decay value: ${momentumDecay}`;

/**
 * An option of the wrong type. torch compares it and Python raises a TypeError ("'<' not supported
 * between instances of 'NoneType' and 'float'"); we throw a TypeError that names the option.
 */
export function wrongOptionTypeMessage(option: string, value: unknown, expected: string): string {
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  return `Invalid ${option}: ${shown(value)} (expected ${expected}, got ${got})`;
}

/** torch indexes `betas[1]` and raises IndexError for a list of one; we say what a betas value is. */
export const invalidBetasMessage = (betas: unknown): string =>
  `Invalid betas: ${shown(betas)} (expected two numbers [beta1, beta2], each in [0, 1))`;

/** An option the optimizer does not have (torch: "__init__() got an unexpected keyword argument"). */
export function unexpectedOptionMessage(option: string, allowed: readonly string[]): string {
  // tfjs's optimizers call it learningRate.
  const guess = /^learning_?rate$/i.test(option) && allowed.includes("lr") ? "lr" : closestOption(option, allowed);
  const meant = guess === undefined ? "" : ` (did you mean '${guess}'?)`;
  return `got an unexpected option '${option}'${meant}; this optimizer's options are ${allowed.join(", ")}`;
}

export const invalidEtasMessage = (etaMinus: number, etaPlus: number): string =>
  `Invalid eta values: ${etaMinus}, ${etaPlus}`;

/** LBFGS re-evaluates the loss: it cannot step from one gradient. */
export const lbfgsNeedsClosureMessage = (): string =>
  "LBFGS needs the loss function: call opt.step(() => loss) or opt.minimize(() => loss), not applyGradients";

/** LBFGS.setWeights got a weight it does not keep. */
export const unknownLbfgsWeightMessage = (name: string): string =>
  `LBFGS.setWeights: unknown weight '${name}'; pass the list that getWeights() of an LBFGS returned`;

/** torch: "only 'strong_wolfe' is supported". */
export const unknownLineSearchMessage = (name: unknown): string =>
  `only 'strong_wolfe' is supported as lineSearchFn, got ${shown(name)}`;

/** torch's SGD check: Nesterov needs momentum > 0 and dampening = 0. */
export const nesterovRequiresMomentumMessage = (): string => "Nesterov momentum requires a momentum and zero dampening";

/** The constructor got something other than an options object (e.g. tfjs's `sgd(0.1)` habit). */
export function notAnOptionsObjectMessage(optimizer: string, value: unknown): string {
  return `${optimizer} takes an options object, e.g. new optim.${optimizer}({ lr: 0.1 }), got ${shown(value)}`;
}

/** torch 1.13's SGD has no default learning rate (`lr=required`). */
export const lrRequiredMessage = (): string =>
  "parameter group didn't specify a value of required optimization parameter lr";

/** `applyGradients` got a gradient for a name that is not a registered variable. */
export function unknownVariableMessage(name: string): string {
  return `applyGradients: no tf.Variable named '${name}' is registered; pass gradients keyed by variable.name`;
}

/** A gradient whose shape is not its variable's (torch: "assigned grad has data of a different size"). */
export function gradientShapeMismatchMessage(
  name: string,
  gradient: readonly number[],
  variable: readonly number[],
): string {
  return `applyGradients: the gradient for '${name}' has shape [${gradient.join(",")}] but the variable has shape [${variable.join(",")}]; a gradient must have its variable's shape`;
}

/** `setWeights` got a weight whose name matches no state slot of this optimizer. */
export function unregisteredVariableMessage(optimizer: string, name: string, variable: string): string {
  return (
    `${optimizer}.setWeights: '${name}' is state for a variable '${variable}' that does not exist. ` +
    `Create the model first; a model loaded again in the process that saved it gets new variable names ` +
    `(tfjs adds '_1', …), so load a saved model with its optimizer in a fresh process.`
  );
}

export function unknownWeightMessage(optimizer: string, name: string, expected: readonly string[]): string {
  return (
    `${optimizer}.setWeights: unknown weight '${name}'; this optimizer's weights are 'iter', ` +
    `[${expected.map((p) => `'<variable>/${p}'`).join(", ")}] and its counters. ` +
    `Pass the list that getWeights() of the same optimizer class and options returned.`
  );
}

/** `setWeights` got a partial state for one variable. */
export function incompleteWeightsMessage(optimizer: string, variable: string, missing: readonly string[]): string {
  return `${optimizer}.setWeights: variable '${variable}' is missing state [${missing.join(", ")}]`;
}

/** `setWeights` got a state tensor whose shape differs from its variable's. */
export function weightShapeMismatchMessage(
  optimizer: string,
  name: string,
  expected: readonly number[],
  got: readonly number[],
): string {
  return `${optimizer}.setWeights: '${name}' has shape [${got.join(",")}] but its variable has shape [${expected.join(",")}]`;
}

/** A hyperparameter change that would remove a link of the optimizer's chain (and the state it holds). */
export function chainLinkRemovedMessage(
  optimizer: string,
  option: string,
  from: unknown,
  to: unknown,
  links: readonly string[],
): string {
  return (
    `${optimizer}: changing ${option} from ${shown(from)} to ${shown(to)} would remove the link ${links.join(", ")} ` +
    `of its chain and the state it keeps (e.g. momentum buffers); keep it nonzero, or create a new optimizer`
  );
}

/** `group.set(option, …)` for an option this optimizer does not have. */
export function optionNotInGroupMessage(optimizer: string, option: string, options: readonly string[]): string {
  return `${optimizer} has no option '${option}' to set; its parameter groups have ${options.join(", ")}`;
}

/** A variable picked by two parameter groups (torch's text, from `add_param_group`). */
export const duplicateParamsMessage = (): string => "some parameters appear in more than one parameter group";

/**
 * One group listing a variable twice. torch 1.13 warns ("optimizer contains a parameter group with
 * duplicate parameters; in future, this will cause an error") and then steps it twice; we refuse it.
 */
export function duplicateParamInGroupMessage(index: number, name: string): string {
  return (
    `paramGroups[${index}] lists the parameter '${name}' twice; list each parameter once ` +
    `(torch warns "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error")`
  );
}

/** A `paramGroups` entry without a usable `params`. */
export function invalidParamGroupMessage(index: number, params: unknown): string {
  return (
    `paramGroups[${index}].params must be a function (name) => boolean or an array of tf.Variables or ` +
    `variable names, got ${shown(params)}`
  );
}
