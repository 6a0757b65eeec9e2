import { elementwise } from "../backend/fused";
import { paramsRequiredMessage } from "./messages";
import { leafAt, zipTrees } from "./tree";
import type { ElementwiseStep, EmptyState, LeafFilter, TensorTree } from "./types";

/**
 * `updates + λ·params`, leaf by leaf, for the leaves that `filter` accepts (all by default).
 * Shared by `addWeightDecay` and `decoupledWeightDecay`, which differ only in where a chain puts it.
 */
export function addWeightDecayTerm<T extends TensorTree>(
  transform: string,
  updates: T,
  params: T | undefined,
  weightDecay: number,
  filter: LeafFilter | undefined,
): T {
  if (params === undefined) throw new Error(paramsRequiredMessage(transform));
  if (weightDecay === 0) return updates;
  return zipTrees(transform, [updates, params], ([u], key) =>
    filter === undefined || filter(key)
      ? elementwise({ u, p: leafAt(params, key) }, ({ u, p }) => ({ out: u.add(p.mul(weightDecay)) })).out
      : u,
  );
}

/**
 * The same term as one per-element formula for a fused optimizer step, when it is the same for
 * every leaf: without a filter. A filter chooses leaves by key, which one formula cannot express
 * without changing bits (`u + 0·p` is not `u` for u = -0 or p = ±∞): the chain then runs link by link.
 */
export function weightDecayStep(
  weightDecay: number,
  filter: LeafFilter | undefined,
  state: EmptyState,
): ElementwiseStep<EmptyState> | undefined {
  if (filter !== undefined) return undefined;
  if (weightDecay === 0) return { trees: {}, readsParams: true, body: ({ u }) => ({ out: u }), next: () => state };
  return {
    trees: {},
    readsParams: true,
    body: ({ u, p }) => ({ out: u.add(p.mul(weightDecay)) }),
    next: () => state,
  };
}
