/**
 * Helpers to map functions over trees (lists or name-keyed records) of tensors, keeping the
 * structure: a list maps to a list, a record to a record with the same keys.
 */
import * as tf from "@tensorflow/tfjs";
import { treeMismatchMessage } from "./messages";
import type { TensorTree } from "./types";

/** The keys of a tree: record keys, or list indices as strings. */
export function treeKeys(tree: TensorTree): string[] {
  return isTensorList(tree) ? tree.map((_, i) => String(i)) : Object.keys(tree);
}

/** The leaves of a tree, in key order. */
export function treeLeaves(tree: TensorTree): tf.Tensor[] {
  return isTensorList(tree) ? [...tree] : Object.values(tree);
}

/** Applies `fn` to every leaf; `key` is the record key or the list index as a string. */
export function mapTree<T extends TensorTree>(tree: T, fn: (leaf: tf.Tensor, key: string) => tf.Tensor): T {
  if (isTensorList(tree)) return tree.map((leaf, i) => fn(leaf, String(i))) as unknown as T;
  const out: Record<string, tf.Tensor> = {};
  for (const [key, leaf] of Object.entries(tree)) out[key] = fn(leaf, key);
  return out as unknown as T;
}

/**
 * Applies `fn` leaf by leaf to several trees of the same structure (same keys); `what` names the
 * caller in the error thrown when the structures differ.
 */
export function zipTrees<T extends TensorTree>(
  what: string,
  trees: readonly [T, ...TensorTree[]],
  fn: (leaves: tf.Tensor[], key: string) => tf.Tensor,
): T {
  const [first, ...others] = trees;
  const keys = treeKeys(first);
  for (const other of others) {
    const otherKeys = treeKeys(other);
    if (otherKeys.length !== keys.length || otherKeys.some((k) => !hasKey(first, k))) {
      throw new Error(treeMismatchMessage(what, keys, otherKeys));
    }
  }
  return mapTree(first, (leaf, key) => fn([leaf, ...others.map((t) => leafAt(t, key))], key));
}

/** The leaf stored under `key` (a record key or a list index as a string). */
export function leafAt(tree: TensorTree, key: string): tf.Tensor {
  const leaf = isTensorList(tree) ? tree[Number(key)] : tree[key];
  if (leaf === undefined) throw new Error(treeMismatchMessage("leafAt", treeKeys(tree), [key]));
  return leaf;
}

/** A tree of the same structure filled with `value` (zeros by default). */
export function fullLike<T extends TensorTree>(tree: T, value = 0): T {
  return mapTree(tree, (leaf) => tf.fill(leaf.shape, value, "float32"));
}

/** True for the list form of a tree. */
export function isTensorList(tree: TensorTree): tree is readonly tf.Tensor[] {
  return Array.isArray(tree);
}

/** tfjs's Tensor class, looked up once (optimizer steps test every state field against it). */
const Tensor = tf.Tensor;

/** True when `value` is a tree: a list of tensors or a non-empty record whose values are tensors. */
export function isTensorTree(value: unknown): value is TensorTree {
  if (Array.isArray(value)) return value.every((v) => v instanceof Tensor);
  if (value === null || typeof value !== "object") return false;
  const keys = Object.keys(value);
  for (const key of keys) if (!((value as Record<string, unknown>)[key] instanceof Tensor)) return false;
  return keys.length > 0;
}

function hasKey(tree: TensorTree, key: string): boolean {
  return isTensorList(tree) ? Number(key) < tree.length : Object.prototype.hasOwnProperty.call(tree, key);
}
