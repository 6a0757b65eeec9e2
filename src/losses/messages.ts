/**
 * Error messages of the losses, kept in one place so tests match them exactly. Where torch has a
 * message for the same mistake, the text follows torch's (option names in camelCase).
 */
import { shown } from "../messages/values";
import { closestOption, unexpectedOptionOf, checkOptionNames } from "../messages/options";
export { shown, closestOption, unexpectedOptionOf, checkOptionNames };

const fmt = (shape: readonly number[]): string => `[${shape.join(",")}]`;

export function invalidReduction(reduction: unknown): string {
  return `${String(reduction)} is not a valid value for reduction (use "mean", "sum" or "none")`;
}

/** optimlab never broadcasts a target against the input (torch only warns, then broadcasts). */
export function shapeMismatch(loss: string, inputShape: readonly number[], targetShape: readonly number[]): string {
  return `${loss}: target shape ${fmt(targetShape)} must equal input shape ${fmt(inputShape)}`;
}

export function notFloatInput(loss: string, argument: string, dtype: string): string {
  return `${loss}: ${argument} must be a float32 tensor, got ${dtype}`;
}

export function weightDoesNotBroadcast(
  loss: string,
  option: string,
  weightShape: readonly number[],
  inputShape: readonly number[],
): string {
  return `${loss}: ${option} of shape ${fmt(weightShape)} does not broadcast to input shape ${fmt(inputShape)}`;
}

export function nonPositiveDelta(delta: unknown): string {
  return `huber does not support non-positive values for delta (got ${shown(delta)})`;
}

export function logitsRank(shape: readonly number[]): string {
  return `crossEntropy: logits must have shape [N, C] (batch, classes) or [C], got ${fmt(shape)}`;
}

export function labelsShape(expected: readonly number[], got: readonly number[]): string {
  return `crossEntropy: class-index labels must have shape ${fmt(expected)} (one per row of logits), got ${fmt(got)}`;
}

export function probabilityTargetShape(expected: readonly number[], got: readonly number[]): string {
  return `crossEntropy: probability targets must have the logits' shape ${fmt(expected)}, got ${fmt(got)}`;
}

export function floatLabels(shape: readonly number[]): string {
  return `crossEntropy: labels of shape ${fmt(shape)} must be int32 class indices, got float32; create them with tf.tensor1d(labels, "int32")`;
}

export function targetOutOfBounds(target: number, classes: number, ignoreIndex: number): string {
  return `crossEntropy: Target ${target} is out of bounds (class indices must be in [0, ${classes}) or equal ignoreIndex ${ignoreIndex})`;
}

export function classWeightLength(classes: number, shape: readonly number[]): string {
  return `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${fmt(shape)}`;
}

export function labelSmoothingRange(value: unknown): string {
  return `labelSmoothing must be between 0.0 and 1.0. Got: ${shown(value)}`;
}

export const ignoreIndexWithProbabilitiesMessage = (): string =>
  "crossEntropy: ignoreIndex is not supported for probability targets";

export const bceInputRangeMessage = (): string =>
  "bce: all elements of input should be between 0 and 1 (pass probabilities; for logits use bceWithLogits)";
