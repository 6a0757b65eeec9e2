/**
 * Error messages of the regularizers, kept in one place so tests match them exactly. Where torch
 * has a message for the same mistake, the text follows torch's.
 */
import { shown } from "../messages/values";
import { closestOption, unexpectedOptionOf, checkOptionNames } from "../messages/options";
export { shown, closestOption, unexpectedOptionOf, checkOptionNames };

/** torch's F.dropout message. */
export function dropoutProbability(p: unknown): string {
  return `dropout probability has to be between 0 and 1, but got ${shown(p)}`;
}

export function invalidCoefficient(fn: string, option: string, value: unknown): string {
  return `${fn}: ${option} must be a finite number >= 0, got ${shown(value)}`;
}

export function invalidNormType(fn: string, value: unknown): string {
  return `${fn}: normType must be a positive number or Infinity, got ${shown(value)}`;
}

/** Python prints norm types as floats: 2.0, inf. */
function pythonFloat(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** torch's clip_grad_norm_ error with `error_if_nonfinite=True`, option name in camelCase. */
export function nonFiniteTotalNorm(normType: number): string {
  return (
    `The total norm of order ${pythonFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
    "To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`"
  );
}

export function notATensor(fn: string, where: string): string {
  return `${fn}: ${where} is not a tf.Tensor (pass a {name: tensor} map, as tf.variableGrads returns, or an array of tensors)`;
}

export function notAVariable(fn: string, name: string): string {
  return `${fn}: "${name}" is not a tf.Variable; pruning and max-norm rewrite weights in place, so pass variables`;
}

export function axisOutOfRange(axis: number, rank: number): string {
  return `maxNorm: axis ${axis} is out of range for a weight of rank ${rank}`;
}

export function pruneAmount(value: unknown): string {
  return `Pruner.prune: amount must be a fraction in [0, 1], got ${shown(value)}`;
}

export function invalidPruneScope(value: unknown): string {
  return `Pruner: scope must be "global" or "layer", got ${shown(value)}`;
}

export function unknownPrunedWeight(name: string, known: string[]): string {
  return `Pruner: no pruned weight named "${name}" (pruned weights: ${known.join(", ") || "none"})`;
}

export const prunerDisposedMessage = (): string => "Pruner: this pruner was disposed; create a new one";
