import { composeElementwiseSteps, runElementwiseStep } from "./elementwiseStep";
import { chainStateMismatchMessage } from "./messages";
import type { ElementwiseStep, GradientTransformation, TensorTree, TransformState } from "./types";

/** A chain's state: one sub-state per link, keyed by the link's name. */
export type ChainState = { readonly [link: string]: TransformState };

/** A named link of a chain. */
export interface ChainLink {
  readonly name: string;
  readonly transform: GradientTransformation;
}

/** A chain of transformations; `links` lists them with the names that key their states. */
export interface Chain extends GradientTransformation<ChainState> {
  readonly links: readonly ChainLink[];
}

/**
 * Composes transformations: each link's output updates are the next link's input.
 *
 * The state holds one sub-state per link, keyed by the link's `name` (`"scaleByAdam"`; a repeated
 * name gets `#2`, `#3`, … in order), so a notebook can inspect `state.scaleByAdam.mu`. Entries that
 * are `false`, `null` or `undefined` are skipped, so presets can write `weightDecay !== 0 &&
 * addWeightDecay(weightDecay)` like the "if λ ≠ 0" line of torch's algorithm box.
 *
 * When every link is a per-element formula (`elementwiseStep`, e.g. `scaleByAdam →
 * scaleByLearningRate`), the chain runs them as one formula: one fused kernel dispatch per step
 * for all leaves, the same bits as link by link.
 *
 * @example
 * // SGD with momentum and gradient clipping
 * const sgd = chain(clipByGlobalNorm(1.0), traceMomentum({ momentum: 0.9 }), scaleByLearningRate(0.1));
 */
export function chain(...transforms: (GradientTransformation | false | null | undefined)[]): Chain {
  const links = nameLinks(transforms.filter((t): t is GradientTransformation => Boolean(t)));
  const names = links.map((l) => l.name);
  const checkState = (state: ChainState) => {
    const got = Object.keys(state);
    if (got.length !== names.length || names.some((n) => !(n in state))) {
      throw new Error(chainStateMismatchMessage(names, got));
    }
  };
  const elementwiseStep = (state: ChainState): ElementwiseStep<ChainState> | undefined => {
    if (links.length === 0) return undefined;
    const steps: ElementwiseStep[] = [];
    for (const { name, transform } of links) {
      const step = transform.elementwiseStep?.(state[name]);
      if (step === undefined) return undefined;
      steps.push(step);
    }
    return composeElementwiseSteps(names, steps);
  };
  return {
    name: "chain",
    links,
    init(params: TensorTree): ChainState {
      const state: Record<string, TransformState> = {};
      for (const { name, transform } of links) state[name] = transform.init(params);
      return state;
    },
    update<T extends TensorTree>(updates: T, state: ChainState, params?: T): [T, ChainState] {
      checkState(state);
      const fused = elementwiseStep(state);
      if (fused !== undefined && (!fused.readsParams || params !== undefined))
        return runElementwiseStep("chain", updates, fused, params);
      const next: Record<string, TransformState> = {};
      let current = updates;
      for (const { name, transform } of links) {
        const [out, linkState] = transform.update(current, state[name], params);
        current = out;
        next[name] = linkState;
      }
      return [current, next];
    },
    elementwiseStep(state: ChainState): ElementwiseStep<ChainState> | undefined {
      checkState(state);
      return elementwiseStep(state);
    },
  };
}

function nameLinks(transforms: readonly GradientTransformation[]): ChainLink[] {
  const seen = new Map<string, number>();
  return transforms.map((transform) => {
    const n = (seen.get(transform.name) ?? 0) + 1;
    seen.set(transform.name, n);
    return { name: n === 1 ? transform.name : `${transform.name}#${n}`, transform };
  });
}
