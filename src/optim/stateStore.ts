/**
 * Walking a chain's state (nested records whose leaves are host numbers or trees of tensors keyed
 * by variable name) so that the optimizer can keep it in non-trainable variables, save it and
 * load it. Internal to `ChainOptimizer`.
 */
import * as tf from "@tensorflow/tfjs";
import { isTensorTree } from "../transforms/tree";
import type { StateValue, TensorRecord, TransformState } from "../transforms/types";

/** A host number of the state (a step count), at `path` (e.g. ["scaleByAdam", "count"]). */
export interface NumberSlot {
  readonly path: readonly string[];
  readonly value: number;
}

/** A per-parameter tensor of the state, at `path`, for the parameter named `key`. */
export interface LeafSlot {
  readonly path: readonly string[];
  readonly key: string;
  readonly tensor: tf.Tensor;
}

/** Every number and every tensor of `state`, depth first. */
export function stateSlots(state: TransformState): { numbers: NumberSlot[]; leaves: LeafSlot[] } {
  const numbers: NumberSlot[] = [];
  const leaves: LeafSlot[] = [];
  const visit = (value: StateValue, path: string[]): void => {
    if (value === undefined) return;
    if (typeof value === "number") numbers.push({ path, value });
    else if (isTensorTree(value)) {
      for (const [key, tensor] of Object.entries(value)) leaves.push({ path, key, tensor });
    } else for (const [field, inner] of Object.entries(value)) visit(inner, [...path, field]);
  };
  visit(state, []);
  return { numbers, leaves };
}

/**
 * Rebuilds `state` with every tree replaced by `onTree(tree, path)` and every number by
 * `onNumber(value, path)`.
 */
export function mapState(
  state: TransformState,
  onTree: (tree: TensorRecord, path: readonly string[]) => TensorRecord,
  onNumber: (value: number, path: readonly string[]) => number = (value) => value,
): TransformState {
  const visit = (value: StateValue, path: string[]): StateValue => {
    if (value === undefined) return undefined;
    if (typeof value === "number") return onNumber(value, path);
    if (isTensorTree(value)) return onTree(value as TensorRecord, path);
    const out: Record<string, StateValue> = {};
    for (const [field, inner] of Object.entries(value)) out[field] = visit(inner, [...path, field]);
    return out;
  };
  return visit(state, []) as TransformState;
}

/** The value at `path` in `state`, or undefined. */
export function stateAt(state: TransformState, path: readonly string[]): StateValue {
  let value: StateValue = state;
  for (const field of path) {
    if (value === undefined || typeof value === "number" || isTensorTree(value)) return undefined;
    value = value[field];
  }
  return value;
}

/**
 * Merges the state of newly seen parameters into `known`: trees gain the new keys, numbers keep
 * their known values (the step count is per optimizer, as in optax).
 */
export function mergeState(known: TransformState | undefined, fresh: TransformState): TransformState {
  if (known === undefined) return fresh;
  return mapState(
    fresh,
    (tree, path) => {
      const old = stateAt(known, path);
      return isTensorTree(old) ? { ...(old as TensorRecord), ...tree } : tree;
    },
    (value, path) => {
      const old = stateAt(known, path);
      return typeof old === "number" ? old : value;
    },
  );
}

/** `state` with every tree narrowed to the given parameter names. */
export function restrictState(state: TransformState, names: readonly string[]): TransformState {
  return mapState(state, (tree) => {
    const out: Record<string, tf.Tensor> = {};
    for (const name of names) out[name] = tree[name];
    return out;
  });
}

/** Builds a nested record from slots: `set(root, ["a", "b"], v)` gives `{ a: { b: v } }`. */
export function setAtPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  path.slice(0, -1).forEach((field) => {
    node[field] ??= {};
    node = node[field] as Record<string, unknown>;
  });
  node[path[path.length - 1]] = value;
}
