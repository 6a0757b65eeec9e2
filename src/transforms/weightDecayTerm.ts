import { elementwise } from "../backend/fused";
import { paramsRequiredMessage } from "./messages";
import { leafAt, zipTrees } from "./tree";
import type { LeafFilter, TensorTree } from "./types";

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
