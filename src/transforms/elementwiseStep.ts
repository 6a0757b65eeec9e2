/**
 * Running and composing links' per-element formulas (`GradientTransformation.elementwiseStep`):
 * a chain of such links — Adam's `scaleByAdam → scaleByLearningRate`, and the optimizer's
 * `p + u` after it — becomes one traced program run over every parameter in one kernel dispatch,
 * where each link used to run one kernel per parameter and the update one `tf.add` per parameter.
 * Every float32 operation is the same, in the same order, so the results are the same bits.
 */
import type { Ew } from "../backend/fused";
import { elementwiseTrees } from "./elementwiseTrees";
import { paramsRequiredMessage } from "./messages";
import type { ElementwiseStep, ElementwiseSymbols, TensorTree, TransformState } from "./types";

/** Runs `step` on `updates` (and `params` where it reads them): the link's update and next state. */
export function runElementwiseStep<T extends TensorTree, S extends TransformState>(
  what: string,
  updates: T,
  step: ElementwiseStep<S>,
  params?: T,
): [T, S] {
  const trees: Record<string, TensorTree> = { ...step.trees, u: updates };
  if (step.readsParams) {
    if (params === undefined) throw new Error(paramsRequiredMessage(what));
    trees.p = params;
  }
  const { out, ...next } = elementwiseTrees(what, updates, trees, step.body);
  return [out, step.next(next)];
}

/**
 * Runs `step` and adds its update to `params` (`p + u`, as `tf.add(p, u)`) in the same kernel:
 * the new parameters and the next state. The update itself is not written out.
 */
export function runElementwiseStepAndApply<T extends TensorTree, S extends TransformState>(
  what: string,
  updates: T,
  step: ElementwiseStep<S>,
  params: T,
): [T, S] {
  const trees: Record<string, TensorTree> = { ...step.trees, u: updates, p: params };
  const body = (x: ElementwiseSymbols) => {
    const { out, ...rest } = step.body(x);
    return { ...rest, param: (x.p as Ew).add(out) };
  };
  const { param, ...next } = elementwiseTrees(what, updates, trees, body);
  return [param, step.next(next)];
}

/**
 * The steps of consecutive links as one: link i's `out` is link i+1's `u`; their trees and new
 * states are kept apart under `i/name`. `names` key the links' states in the chain's state.
 */
export function composeElementwiseSteps(
  names: readonly string[],
  steps: readonly ElementwiseStep[],
): ElementwiseStep<{ readonly [link: string]: TransformState }> {
  const trees: Record<string, TensorTree> = {};
  steps.forEach((step, i) => {
    for (const [name, tree] of Object.entries(step.trees)) trees[`${i}/${name}`] = tree;
  });
  return {
    trees,
    readsParams: steps.some((s) => s.readsParams),
    body(x) {
      let u = x.u;
      const outputs: Record<string, Ew> = {};
      steps.forEach((step, i) => {
        const symbols: Record<string, Ew> = { u };
        if (x.p !== undefined) symbols.p = x.p;
        for (const name of Object.keys(step.trees)) symbols[name] = x[`${i}/${name}`];
        const { out, ...rest } = step.body(symbols);
        for (const [name, value] of Object.entries(rest)) outputs[`${i}/${name}`] = value;
        u = out;
      });
      return { ...outputs, out: u };
    },
    next(newTrees) {
      const state: Record<string, TransformState> = {};
      steps.forEach((step, i) => {
        const own: Record<string, TensorTree> = {};
        for (const [name, tree] of Object.entries(newTrees)) {
          const slash = name.indexOf("/");
          if (name.slice(0, slash) === String(i)) own[name.slice(slash + 1)] = tree;
        }
        state[names[i]] = step.next(own);
      });
      return state;
    },
  };
}
