/**
 * Losses with torch.nn.functional's definitions, defaults and `reduction` option. Each returns a
 * scalar for "mean" (default) and "sum", or per-element losses for "none", and can be used inside
 * `tf.variableGrads` / `optimizer.minimize` closures.
 */
export { mse } from "./mse";
export { l1 } from "./l1";
export { huber } from "./huber";
export type { HuberOptions } from "./huber";
export { crossEntropy } from "./crossEntropy";
export type { CrossEntropyOptions } from "./crossEntropy";
export { bce } from "./bce";
export type { BceOptions } from "./bce";
export { bceWithLogits } from "./bceWithLogits";
export type { BceWithLogitsOptions } from "./bceWithLogits";
export type { Reduction, ReductionOption, ScalarReduction, NoReduction } from "./reduction";
export * as messages from "./messages";
