import type * as tf from "@tensorflow/tfjs";
import { elementwiseGroups, elementwiseOutputNames, type ElementwiseOptions, type Ew } from "../backend/fused";
import { treeMismatchMessage } from "./messages";
import { isTensorList, leafAt, treeKeys } from "./tree";
import type { TensorTree } from "./types";

/**
 * Runs a per-element formula leaf by leaf over trees of the same structure, as one fused kernel
 * dispatch for all leaves (see `backend/fused/elementwise.ts`), and returns each output as a tree shaped
 * like `like`. `what` names the caller in the error thrown when the structures differ; `options`
 * are `elementwiseGroups`'s (outputs written over inputs, a kept trace).
 *
 * ```ts
 * const { mu, nu } = elementwiseTrees("scaleByAdam", updates, { g: updates, m: state.mu, v: state.nu },
 *   ({ g, m, v }) => ({ mu: m.mul(beta1).add(g.mul(1 - beta1)), nu: … }));
 * ```
 */
export function elementwiseTrees<T extends TensorTree, I extends string, O extends string>(
  what: string,
  like: T,
  trees: { readonly [K in I]: TensorTree },
  body: (x: { readonly [K in I]: Ew }) => { readonly [K in O]: Ew },
  options?: ElementwiseOptions<I, O>,
): { [K in O]: T } {
  const keys = treeKeys(like);
  const names = Object.keys(trees) as I[];
  for (const name of names) {
    if (trees[name] === like) continue;
    const otherKeys = treeKeys(trees[name]);
    if (!sameKeys(keys, otherKeys)) throw new Error(treeMismatchMessage(what, keys, otherKeys));
  }
  const perKey = elementwiseGroups(
    keys.map((key) => {
      const leaves = {} as Record<I, tf.Tensor>;
      for (const name of names) leaves[name] = leafAt(trees[name], key);
      return leaves;
    }),
    body,
    options,
  );
  const out = {} as Record<O, T>;
  const outNames = perKey.length > 0 ? (Object.keys(perKey[0]) as O[]) : elementwiseOutputNames(names, body);
  for (const name of outNames) {
    if (isTensorList(like)) {
      out[name] = perKey.map((r) => r[name]) as unknown as T;
    } else {
      const record: Record<string, tf.Tensor> = {};
      keys.forEach((key, i) => (record[key] = perKey[i][name]));
      out[name] = record as unknown as T;
    }
  }
  return out;
}

/** The same keys, in any order (the usual case, the same order, is checked without a search). */
function sameKeys(keys: readonly string[], otherKeys: readonly string[]): boolean {
  if (otherKeys.length !== keys.length) return false;
  let i = 0;
  while (i < keys.length && keys[i] === otherKeys[i]) i++;
  return i === keys.length || keys.every((k) => otherKeys.includes(k));
}
