/**
 * Error messages of the losses, kept in one place so tests match them exactly. Where torch has a
 * message for the same mistake, the text follows torch's (option names in camelCase).
 */

/**
 * A value as the messages echo it: numbers as JS prints them, anything else as JSON (strings
 * quoted, so "0.1" does not read as the number 0.1). The same as src/optim/errors.ts's `shown`.
 */
export function shown(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `a ${typeof value} that JSON cannot show`;
  }
}

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

/**
 * The same as src/optim/errors.ts's `closestOption` (src/losses may import only src/backend).
 * The option a misspelling or torch's snake_case name stands for (`label_smoothing` → `labelSmoothing`), if any. */
export function closestOption(option: string, allowed: readonly string[]): string | undefined {
  const key = (name: string): string => name.toLowerCase().replace(/_/g, "");
  const wanted = key(option);
  return (
    allowed.find((name) => key(name) === wanted) ??
    allowed.find((name) => wanted.length >= 4 && (key(name).startsWith(wanted) || wanted.startsWith(key(name))))
  );
}

/** An option `owner` does not have (torch: "got an unexpected keyword argument"), with the valid ones. */
export function unexpectedOptionOf(owner: string, option: string, allowed: readonly string[]): string {
  const guess = closestOption(option, allowed);
  return `${owner} got an unexpected option '${option}'${guess === undefined ? "" : ` (did you mean '${guess}'?)`}; its options are ${allowed.join(", ")}`;
}

/** Throws a TypeError (as torch's for an unknown keyword argument) naming the first option of `options` not in `allowed`. */
export function checkOptionNames(owner: string, options: object | undefined, allowed: readonly string[]): void {
  if (typeof options !== "object" || options === null) return;
  for (const option of Object.keys(options))
    if (!allowed.includes(option)) throw new TypeError(unexpectedOptionOf(owner, option, allowed));
}
