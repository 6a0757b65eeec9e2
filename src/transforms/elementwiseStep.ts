/**
 * Running and composing links' per-element formulas (`GradientTransformation.elementwiseStep`):
 * a chain of such links — Adam's `scaleByAdam → scaleByLearningRate`, and the optimizer's
 * `p + u` after it — becomes one traced program run over every parameter in one kernel dispatch,
 * where each link used to run one kernel per parameter and the update one `tf.add` per parameter.
 * Every float32 operation is the same, in the same order, so the results are the same bits.
 */
import type { Ew, TraceCache } from "../backend/fused";
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
  const results = elementwiseTrees(what, updates, trees, step.body);
  return [results.out, step.next(without(results, "out"))];
}

/** How an owner of the state runs a step (see `runElementwiseStepAndApply`). */
export interface ApplyOptions {
  /** Keeps the traced program between steps (the owner runs the same chain every step). */
  readonly cache?: TraceCache;
  /**
   * The state trees and `params` belong to the caller (an optimizer's variables): the kernel may
   * write the new state over the old (`ElementwiseStep.replaces`) and the new parameters over
   * `params`, returning those same tensors, where no one else holds their data.
   */
  readonly inPlace?: boolean;
}

/** The symbols of the gradient and parameter inputs, and the new parameter's output, in `stepThenApply`. */
export const APPLIED = { gradient: "u", parameter: "p", parameterOutput: "param" } as const;

/**
 * `step`'s formula followed by `p + out` (as `tf.add(p, u)`): the new state trees and the new
 * parameter as output `param`; it reads `step.trees`, the gradient `u` and the parameter `p`.
 */
export function stepThenApply(step: ElementwiseStep): (x: ElementwiseSymbols) => Record<string, Ew> {
  return (x) => {
    const outputs = step.body(x);
    const results = without(outputs, "out");
    results[APPLIED.parameterOutput] = (x[APPLIED.parameter] as Ew).add(outputs.out);
    return results;
  };
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
  options: ApplyOptions = {},
): [T, S] {
  const trees: Record<string, TensorTree> = {};
  for (const name of Object.keys(step.trees)) trees[name] = step.trees[name];
  trees[APPLIED.gradient] = updates;
  trees[APPLIED.parameter] = params;
  const body = stepThenApply(step);
  let overwrite: Record<string, string> | undefined;
  if (options.inPlace === true) {
    overwrite = step.replaces === undefined ? {} : without(step.replaces, "param");
    overwrite.param = "p";
  }
  const results = elementwiseTrees(what, updates, trees, body, { cache: options.cache, overwrite });
  return [results.param, step.next(without(results, "param"))];
}

/** `record` without `key` (what a rest spread gives, built directly: this runs at every step). */
function without<V>(record: { readonly [name: string]: V }, key: string): Record<string, V> {
  const out: Record<string, V> = {};
  for (const name of Object.keys(record)) if (name !== key) out[name] = record[name];
  return out;
}

/**
 * `i/name`, the name of link i's tree `name` in a composed step, made once: the same string
 * object every step keeps the per-step property lookups on it fast.
 */
const linkKeys: Map<string, string>[] = [];
function linkKey(i: number, name: string): string {
  while (linkKeys.length <= i) linkKeys.push(new Map());
  let key = linkKeys[i].get(name);
  if (key === undefined) linkKeys[i].set(name, (key = `${i}/${name}`));
  return key;
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
  const replaces: Record<string, string> = {};
  const treeNames = steps.map((step) => Object.keys(step.trees));
  steps.forEach((step, i) => {
    for (const name of treeNames[i]) trees[linkKey(i, name)] = step.trees[name];
    const own = step.replaces;
    if (own !== undefined)
      for (const output of Object.keys(own)) replaces[linkKey(i, output)] = linkKey(i, own[output]);
  });
  // Each link's output names, as the body last returned them (next() runs after the body is traced).
  let outputNames: string[][] | undefined;
  return {
    trees,
    replaces,
    readsParams: steps.some((s) => s.readsParams),
    body(x) {
      let u = x.u;
      const outputs: Record<string, Ew> = {};
      const found: string[][] = [];
      for (let i = 0; i < steps.length; i++) {
        const symbols: Record<string, Ew> = { u };
        if (x.p !== undefined) symbols.p = x.p;
        for (const name of treeNames[i]) symbols[name] = x[linkKey(i, name)];
        const results = steps[i].body(symbols);
        const own: string[] = [];
        for (const name of Object.keys(results)) {
          if (name === "out") continue;
          own.push(name);
          outputs[linkKey(i, name)] = results[name];
        }
        found.push(own);
        u = results.out;
      }
      outputNames = found;
      return { ...outputs, out: u };
    },
    next(newTrees) {
      const state: Record<string, TransformState> = {};
      for (let i = 0; i < steps.length; i++) {
        const own: Record<string, TensorTree> = {};
        if (outputNames !== undefined) {
          for (const name of outputNames[i]) own[name] = newTrees[linkKey(i, name)];
        } else {
          for (const name of Object.keys(newTrees)) {
            const slash = name.indexOf("/");
            if (name.slice(0, slash) === String(i)) own[name.slice(slash + 1)] = newTrees[name];
          }
        }
        state[names[i]] = steps[i].next(own);
      }
      return state;
    },
  };
}
