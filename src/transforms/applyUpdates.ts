import * as tf from "@tensorflow/tfjs";
import { zipTrees } from "./tree";
import type { TensorTree } from "./types";

/**
 * `params + updates`, leaf by leaf: the last step of a hand-written training loop
 * (`optim.*` optimizers do this for you, assigning into their variables).
 */
export function applyUpdates<T extends TensorTree>(params: T, updates: T): T {
  return zipTrees("applyUpdates", [params, updates], ([p, u]) => tf.add(p, u));
}
