import * as tf from "@tensorflow/tfjs";
import { chain as chainOf } from "../transforms/chain";
import type { Chain, ChainState } from "../transforms/chain";
import { isTensorTree, mapTree } from "../transforms/tree";
import type {
  GradientTransformation,
  LearningRate,
  LeafFilter,
  TensorRecord,
  TransformState,
} from "../transforms/types";
import {
  chainStructureChanged,
  incompleteWeights,
  unknownVariable,
  unknownWeight,
  weightShapeMismatch,
} from "./errors";
import { JUPYTER_DISPLAY } from "../display/protocol";
import type { MimeBundle } from "../display/protocol";
import { requireLr } from "./validate";
import { mapState, mergeState, restrictState, setAtPath, stateAt, stateSlots } from "./stateStore";

/** A tensor with its name, as `tf.Optimizer.getWeights` returns them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Options every preset accepts (torch's names, camelCase). */
export interface BaseOptimizerOptions {
  /** Learning rate. */
  readonly lr?: number;
  /** Weight decay λ (coupled L2 unless the optimizer says otherwise). */
  readonly weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  readonly maximize?: boolean;
  /**
   * Which variables get weight decay, by `tf.Variable.name` (true = decayed); all when omitted.
   * E.g. `(name) => !name.endsWith("/bias")`. Not serialized by `getConfig`.
   */
  readonly weightDecayFilter?: LeafFilter;
}

/** What every `ChainOptimizer` keeps: the current learning rate. */
export interface LrHyperparameters {
  readonly lr: number;
}

/** The resolved hyperparameters a preset keeps (defaults filled in). */
export interface BaseHyperparameters extends LrHyperparameters {
  readonly weightDecay: number;
  readonly maximize: boolean;
  readonly weightDecayFilter?: LeafFilter;
}

/** Builds a preset's chain from its hyperparameters and a live learning rate. */
export type ChainBuilder<H extends LrHyperparameters> = (hyper: H, lr: LearningRate) => GradientTransformation;

/**
 * A `tf.Optimizer` that runs a chain of gradient transformations: the shared base of every
 * `optim` preset.
 *
 * - Per-variable state lives in non-trainable `tf.Variable`s, named in `getWeights()` after the
 *   variable and the state field (`"dense/kernel/scaleByAdam/mu"`), created on the first step
 *   that sees a variable and freed by `dispose()`.
 * - Every step runs inside `tf.tidy`; host counters (`count`) stay numbers, so bias corrections
 *   are computed in doubles from an integer step, as in torch.
 * - `lr` is read by the chain at every step: schedulers set `opt.lr = x`.
 * - Step counts are per optimizer (as in optax), not per parameter as in torch: the two agree
 *   unless some variables skip steps.
 */
export abstract class ChainOptimizer<H extends LrHyperparameters = LrHyperparameters> extends tf.Optimizer {
  /** Registered class name, used by `getClassName()` and serialization. */
  static className = "optimlab.ChainOptimizer";

  /** The learning rate given at construction (schedulers compute from it). */
  readonly initialLr: number;
  private hyper_: H;
  // Method syntax keeps ChainOptimizer<Preset> assignable to ChainOptimizer (bivariant in H).
  private readonly builder: { build(hyper: H, lr: LearningRate): GradientTransformation };
  private chain_: Chain;
  private state_: TransformState | undefined;
  private readonly knownVariables = new Set<string>();

  protected constructor(hyper: H, buildChain: ChainBuilder<H>) {
    super();
    this.hyper_ = hyper;
    this.initialLr = hyper.lr;
    this.builder = { build: buildChain };
    this.chain_ = this.makeChain(hyper);
  }

  /** The learning rate the next step uses. Schedulers overwrite it. */
  get lr(): number {
    return this.hyper_.lr;
  }

  set lr(value: number) {
    requireLr(value);
    this.hyper_ = { ...this.hyper_, lr: value };
  }

  /** The resolved hyperparameters (defaults filled in). */
  get hyperparameters(): Readonly<H> {
    return this.hyper_;
  }

  /** The chain of transformations this optimizer runs; `links` names each link. */
  get transform(): Chain {
    return this.chain_;
  }

  /**
   * The current state: one record per chain link (e.g. `state.scaleByAdam.mu[variable.name]`),
   * or undefined before the first step. Tensors are this optimizer's variables: read, don't dispose.
   */
  get state(): TransformState | undefined {
    return this.state_;
  }

  /** The number of steps taken (tfjs's `iterations`). */
  get step(): number {
    return this.iterations;
  }

  /**
   * Changes one hyperparameter between steps (e.g. momentum or betas, from a scheduler) and
   * rebuilds the chain. The chain's links must stay the same, since the state belongs to them.
   */
  protected setHyperparameter<K extends keyof H & string>(option: K, value: H[K]): void {
    const next: H = { ...this.hyper_, [option]: value };
    const rebuilt = this.makeChain(next);
    const linkNames = (c: Chain) => c.links.map((l) => l.name).join(",");
    if (linkNames(rebuilt) !== linkNames(this.chain_)) {
      throw new Error(chainStructureChanged(this.getClassName(), option, this.hyper_[option], value));
    }
    this.hyper_ = next;
    this.chain_ = rebuilt;
  }

  /** E.g. `Adam(lr=0.001, betas=[0.9,0.999], …) = scaleByAdam → scaleByLearningRate, step 0`. */
  override toString(): string {
    const options = Object.entries(this.getConfig())
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(", ");
    const name = this.getClassName().replace(/^optimlab\./, "");
    return `${name}(${options}) = ${this.chain_.links.map((l) => l.name).join(" → ")}, step ${this.iterations}`;
  }

  /** Notebook display: the options, the chain and the step count. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.toString() };
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads = namedGradients(variableGradients);
    const names = Object.keys(grads);
    if (names.length > 0) {
      const params: Record<string, tf.Variable> = {};
      const registered = tf.engine().registeredVariables;
      for (const name of names) {
        const variable = registered[name];
        if (variable === undefined) throw new Error(unknownVariable(name));
        params[name] = variable;
      }
      this.ensureState(params);
      tf.tidy(() => {
        const known = this.state_ as TransformState;
        const current = names.length === this.knownVariables.size ? known : restrictState(known, names);
        const [updates, next] = this.chain_.update<TensorRecord>(grads, current as ChainState, params);
        for (const name of names) params[name].assign(tf.add(params[name], updates[name]));
        this.state_ = writeBack(known, next);
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    if (this.state_ !== undefined) disposeState(this.state_);
    this.state_ = undefined;
    this.knownVariables.clear();
    super.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    if (this.state_ === undefined) return weights;
    const { numbers, leaves } = stateSlots(this.state_);
    for (const { path, value } of numbers) weights.push({ name: path.join("/"), tensor: tf.scalar(value) });
    for (const { path, key, tensor } of leaves) weights.push({ name: `${key}/${path.join("/")}`, tensor });
    return weights;
  }

  /**
   * Restores what `getWeights()` returned (same optimizer class and options), matching weights
   * by name; unknown names, partial states and shape mismatches throw.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const className = this.getClassName();
    const { skeleton, numberPaths, treePaths } = this.stateSchema();
    const longestFirst = [...treePaths].sort((a, b) => b.length - a.length);
    const numbers = new Map<string, number>();
    const perVariable = new Map<string, Map<string, tf.Tensor>>();
    for (const { name, tensor } of weightValues) {
      if (name === "iter") {
        this.iterations_ = (await tensor.data())[0];
      } else if (numberPaths.includes(name)) {
        numbers.set(name, (await tensor.data())[0]);
      } else {
        const path = longestFirst.find((p) => name.endsWith(`/${p}`));
        if (path === undefined) throw new Error(unknownWeight(className, name, treePaths));
        const variable = name.slice(0, -(path.length + 1));
        const target = tf.engine().registeredVariables[variable];
        if (target !== undefined && !tf.util.arraysEqual(target.shape, tensor.shape)) {
          throw new Error(weightShapeMismatch(className, name, target.shape, tensor.shape));
        }
        if (!perVariable.has(variable)) perVariable.set(variable, new Map());
        perVariable.get(variable)?.set(path, tensor);
      }
    }
    const missingNumbers = numberPaths.filter((p) => !numbers.has(p));
    if (missingNumbers.length > 0 && perVariable.size > 0) {
      throw new Error(incompleteWeights(className, "(step counters)", missingNumbers));
    }
    for (const [variable, byPath] of perVariable) {
      const missing = treePaths.filter((p) => !byPath.has(p));
      if (missing.length > 0) throw new Error(incompleteWeights(className, variable, missing));
    }

    if (this.state_ !== undefined) disposeState(this.state_);
    this.knownVariables.clear();
    this.state_ = undefined;
    if (perVariable.size === 0) return;
    for (const [path, value] of numbers) setAtPath(skeleton, path.split("/"), value);
    for (const [variable, byPath] of perVariable) {
      this.knownVariables.add(variable);
      for (const [path, tensor] of byPath)
        setAtPath(skeleton, [...path.split("/"), variable], tf.variable(tensor, false));
    }
    this.state_ = skeleton as TransformState;
  }

  /** The constructor options (constructor learning rate), as JSON; `weightDecayFilter` is left out. */
  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {};
    for (const [key, value] of Object.entries({ ...this.hyper_, lr: this.initialLr })) {
      if (typeof value === "number" || typeof value === "boolean") config[key] = value;
      else if (Array.isArray(value)) config[key] = [...(value as number[])];
    }
    return config;
  }

  private makeChain(hyper: H): Chain {
    const built = this.builder.build(hyper, () => this.hyper_.lr);
    return "links" in built ? (built as Chain) : chainOf(built);
  }

  /** Creates the state of variables seen for the first time, as non-trainable variables. */
  private ensureState(params: Record<string, tf.Variable>): void {
    const fresh = Object.keys(params).filter((name) => !this.knownVariables.has(name));
    if (fresh.length === 0) return;
    const freshParams: Record<string, tf.Tensor> = {};
    for (const name of fresh) freshParams[name] = params[name];
    let created: TransformState = {};
    tf.tidy(() => {
      created = mapState(this.chain_.init(freshParams), (tree) => mapTree(tree, (t) => tf.variable(t, false)));
    });
    this.state_ = mergeState(this.state_, created);
    for (const name of fresh) this.knownVariables.add(name);
  }

  /**
   * The shape of this chain's state, found by initialising it for one probe tensor: the paths of
   * its numbers and trees, and a skeleton (every link present, trees empty) to fill.
   */
  private stateSchema(): { skeleton: Record<string, unknown>; numberPaths: string[]; treePaths: string[] } {
    let schema = { skeleton: {} as Record<string, unknown>, numberPaths: [] as string[], treePaths: [] as string[] };
    tf.tidy(() => {
      const probe = this.chain_.init({ probe: tf.zeros([1]) });
      const { numbers, leaves } = stateSlots(probe);
      schema = {
        skeleton: mapState(probe, () => ({})) as Record<string, unknown>,
        numberPaths: numbers.map((n) => n.path.join("/")),
        treePaths: leaves.map((l) => l.path.join("/")),
      };
    });
    return schema;
  }
}

/** Gradients keyed by variable name, from either form `applyGradients` accepts; null gradients are skipped. */
function namedGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): TensorRecord {
  const out: Record<string, tf.Tensor> = {};
  if (Array.isArray(variableGradients)) {
    for (const { name, tensor } of variableGradients) if (tensor != null) out[name] = tensor;
  } else {
    for (const [name, tensor] of Object.entries(variableGradients)) if (tensor != null) out[name] = tensor;
  }
  return out;
}

/** Assigns the chain's new state into the kept variables; returns the state with new counters. */
function writeBack(known: TransformState, next: TransformState): TransformState {
  return mapState(
    known,
    (tree, path) => {
      const updated = stateAt(next, path);
      if (isTensorTree(updated)) {
        for (const [name, value] of Object.entries(updated as TensorRecord)) {
          const variable = tree[name] as tf.Variable;
          if (value !== variable) variable.assign(value);
        }
      }
      return tree;
    },
    (value, path) => {
      const updated = stateAt(next, path);
      return typeof updated === "number" ? updated : value;
    },
  );
}

function disposeState(state: TransformState): void {
  for (const { tensor } of stateSlots(state).leaves) tensor.dispose();
}
