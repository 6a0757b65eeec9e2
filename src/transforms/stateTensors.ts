import type * as tf from "@tensorflow/tfjs";
import { isTensorTree, treeLeaves } from "./tree";
import type { StateValue, TransformState } from "./types";

/**
 * Every tensor held by a state (any nesting, e.g. a chain's). For standalone loops:
 * `for (const t of stateTensors(next)) tf.keep(t)` inside `tf.tidy` (tf.keep takes one tensor),
 * then `tf.dispose(stateTensors(previous))`.
 */
export function stateTensors(state: TransformState): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const visit = (value: StateValue): void => {
    if (value === undefined || typeof value === "number") return;
    if (isTensorTree(value)) out.push(...treeLeaves(value));
    else Object.values(value).forEach(visit);
  };
  visit(state);
  return out;
}
