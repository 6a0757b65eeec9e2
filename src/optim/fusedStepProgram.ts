/**
 * An optimizer step handed out as a traced element-wise program, for callers that run it
 * themselves (worker threads over a shared memory, each on its own segments) instead of the fused
 * kernel. Internal: `ChainOptimizer.fusedStepProgram` and `ParamGroup.fusedStepProgram` build it.
 */
import * as tf from "@tensorflow/tfjs";
import type { Program, TraceCache } from "../backend/fused";
import { Recorder, type Ew } from "../backend/fused/expression";
import { APPLIED, stepThenApply } from "../transforms/elementwiseStep";
import type { ElementwiseStep, TensorTree, TransformState } from "../transforms/types";

/**
 * What one program input reads, for each variable: its gradient, the variable itself, or one of
 * the optimizer's state variables (`name` is the state tree's name in the trace, e.g. `"0/m"`;
 * `tensors` maps each model variable to its state variable for that input).
 *
 * @internal
 */
export type FusedStepInput =
  | { readonly kind: "gradient" }
  | { readonly kind: "parameter" }
  | { readonly kind: "state"; readonly name: string; readonly tensors: ReadonlyMap<tf.Variable, tf.Variable> };

/**
 * One optimizer step as an element-wise program: run `program` over each variable's memory
 * (value by value, every instruction rounded to float32, as `backend/fused/loop.ts` does) with
 * `scalars`, write output o over input `writesOver[o]`, then call `commit()` once: the
 * parameters, the state and the counters are then the bits `applyGradients` gives.
 *
 * @internal
 */
export interface FusedStepProgram {
  /** The traced program (the same object across steps while its structure is unchanged). */
  readonly program: Program;
  /** This step's scalar values, Math.fround'ed, one per `program.scalars` slot. */
  readonly scalars: Float64Array;
  /** What each program input (in order) reads: the gradient, the parameter, or a state tensor per variable. */
  readonly inputs: readonly FusedStepInput[];
  /** For each program output (in order), the index of the program input it is written over (the parameter's output → the "parameter" input). */
  readonly writesOver: readonly number[];
  /**
   * Advances the counters exactly as the fused kernel's step would, writing no tensor: call once
   * after the program has run on every variable's memory. A second call, or one after the
   * optimizer stepped otherwise in between, throws (the handle is stale).
   */
  commit(): void;
}

/** The message of a stale `commit()`. */
export function staleFusedStepMessage(): string {
  return "fusedStepProgram: commit() of a stale step (already committed, or the optimizer stepped since): get a new fusedStepProgram";
}

const { gradient: GRADIENT, parameter: PARAMETER, parameterOutput: PARAM_OUTPUT } = APPLIED;

/**
 * Traces `step` followed by `p + out` (`stepThenApply`) — the program `runElementwiseStepAndApply` runs in place
 * for an optimizer: inputs `step.trees` in order, then `u` (the gradient), then `p` (the
 * parameter); outputs the new state trees in the body's order, then `param` — without running
 * any kernel. Undefined where the in-place path would not write every state output over its own
 * state input (`step.replaces` missing an output, naming no input of the step, or naming one
 * input twice), or where a state tree does not hold one variable per parameter.
 * `commit(next)` receives the next state, as the in-place kernel's results give it.
 */
export function traceFusedStep<S extends TransformState>(
  step: ElementwiseStep<S>,
  params: Readonly<Record<string, tf.Variable>>,
  cache: TraceCache,
  commit: (next: S) => void,
): FusedStepProgram | undefined {
  const treeNames = Object.keys(step.trees);
  const names = [...treeNames, GRADIENT, PARAMETER];
  const recorder = new Recorder(names.length);
  const symbols: Record<string, Ew> = {};
  names.forEach((name, i) => (symbols[name] = recorder.input(i)));
  const results = stepThenApply(step)(symbols);
  const outNames = Object.keys(results);

  const replaces = step.replaces ?? {};
  const writesOver: number[] = [];
  for (const name of outNames) {
    const slot = name === PARAM_OUTPUT ? names.indexOf(PARAMETER) : treeNames.indexOf(replaces[name]);
    if (slot < 0 || writesOver.includes(slot)) return undefined;
    writesOver.push(slot);
  }
  const inputs: FusedStepInput[] = [];
  for (const name of treeNames) {
    const tensors = stateTensors(step.trees[name], params);
    if (tensors === undefined) return undefined;
    inputs.push({ kind: "state", name, tensors });
  }
  inputs.push({ kind: "gradient" }, { kind: "parameter" });

  const program = recorder.finish(
    outNames.map((name) => results[name]),
    cache.program,
  );
  cache.program = program;
  const scalars = new Float64Array(recorder.scalarValues.length);
  recorder.scalarValues.forEach((v, i) => (scalars[i] = Math.fround(v)));

  // What the in-place kernel returns for each state output: the very tensors it was written over.
  const newTrees: Record<string, TensorTree> = {};
  for (const name of outNames) if (name !== PARAM_OUTPUT) newTrees[name] = step.trees[replaces[name]];
  return { program, scalars, inputs, writesOver, commit: () => commit(step.next(newTrees)) };
}

/** Each parameter's state variable in `tree`, or undefined when the tree is not one variable per parameter. */
function stateTensors(
  tree: TensorTree,
  params: Readonly<Record<string, tf.Variable>>,
): Map<tf.Variable, tf.Variable> | undefined {
  if (Array.isArray(tree)) return undefined;
  const record = tree as Readonly<Record<string, tf.Tensor>>;
  const tensors = new Map<tf.Variable, tf.Variable>();
  for (const [name, variable] of Object.entries(params)) {
    const state = record[name] as tf.Tensor | undefined;
    // A state tensor the caller writes into must be the optimizer's own float32 variable, shaped like its parameter.
    if (!(state instanceof tf.Variable)) return undefined;
    const own = state as tf.Variable;
    if (own.isDisposed || own.dtype !== "float32" || !tf.util.arraysEqual(own.shape, variable.shape)) return undefined;
    tensors.set(variable, own);
  }
  return tensors;
}
