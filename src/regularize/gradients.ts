/**
 * Gradients as the regularize functions accept them: a {@link TensorTree}, the same container the
 * gradient transforms use (`tf.variableGrads(...).grads`, a name-keyed record, or a list from
 * `tf.grads`). Mapping keeps the container's kind (`mapTree`).
 */
import * as tf from "@tensorflow/tfjs";
import { treeLeaves } from "../transforms/tree";
import type { TensorTree } from "../transforms/types";
import * as messages from "./messages";

export type Gradients = TensorTree;

/** The tensors of a gradients container, checked. */
export function gradientList(fn: string, grads: Gradients): tf.Tensor[] {
  const list = treeLeaves(grads);
  list.forEach((g, i) => {
    if (!(g instanceof tf.Tensor)) throw new TypeError(messages.notATensor(fn, `gradient ${i}`));
  });
  return list;
}

/** `tf.tidy` around a function that returns gradients (tfjs types tidy's result as a mutable container). */
export function tidyGradients<G extends Gradients>(fn: () => G): G {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as G;
}
