import * as tf from "@tensorflow/tfjs";
import type { Chain } from "../transforms/chain";
import type {
  GradientTransformation,
  LearningRate,
  LeafFilter,
  TensorRecord,
  TransformState,
} from "../transforms/types";
import {
  duplicateParamInGroupMessage,
  duplicateParamsMessage,
  gradientShapeMismatchMessage,
  incompleteWeightsMessage,
  invalidParamGroupMessage,
  notAnOptionsObjectMessage,
  unknownVariableMessage,
  unknownWeightMessage,
  unregisteredVariableMessage,
  weightShapeMismatchMessage,
} from "./errors";
import { JUPYTER_DISPLAY } from "../display/protocol";
import type { MimeBundle } from "../display/protocol";
import type { FusedStepProgram } from "./fusedStepProgram";
import { ParamGroup } from "./paramGroup";
import type { ParamGroupOptions, ResolveOptions } from "./paramGroup";
import { setAtPath, stateSlots } from "./stateStore";

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
  /**
   * torch's parameter groups: each entry picks variables with `params` (a predicate on the
   * variable's name, or the variables) and overrides any option for them; variables no group
   * picks use the top-level options. The first group that picks a variable gets it.
   * E.g. `[{ params: (name) => name.endsWith("bias"), weightDecay: 0, lr: 0.01 }]`.
   * Not serialized by `getConfig`.
   */
  readonly paramGroups?: readonly ParamGroupOptions[];
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

/**
 * Builds a preset's chain from its hyperparameters and a live learning rate; `keep` names the
 * links with state that must stay although their option is off (see `ParamGroup.set`).
 */
export type ChainBuilder<H extends LrHyperparameters> = (
  hyper: H,
  lr: LearningRate,
  keep: ReadonlySet<string>,
) => GradientTransformation;

/**
 * A `tf.Optimizer` that runs a chain of gradient transformations: the shared base of every
 * `optim` preset.
 *
 * - Parameter groups as in torch: `opt.paramGroups` lists the groups of the `paramGroups` option
 *   in order, then the group of every other variable (the top-level options). Each group has its
 *   own options, chain and state; `opt.lr`, `opt.hyperparameters`, `opt.transform` and `opt.state`
 *   are those of that last, default group.
 * - Per-variable state lives in non-trainable `tf.Variable`s, named in `getWeights()` after the
 *   variable and the state field (`"dense/kernel/scaleByAdam/mu"`), created on the first step
 *   that sees a variable and freed by `dispose()`.
 * - Every step runs inside `tf.tidy`; host counters (`count`) stay numbers, so bias corrections
 *   are computed in doubles from an integer step, as in torch.
 * - `lr` is read by the chain at every step: schedulers set each `paramGroups[i].lr`.
 * - Step counts are per group (as in optax, per chain), not per parameter as in torch: the two
 *   agree unless some variables skip steps.
 */
export abstract class ChainOptimizer<H extends LrHyperparameters = LrHyperparameters> extends tf.Optimizer {
  /** Registered class name, used by `getClassName()` and serialization. */
  static className = "optimlab.ChainOptimizer";

  /**
   * `x instanceof ChainOptimizer` (or a preset) by the prototype chain. tf.Optimizer's own test,
   * inherited otherwise, accepts any object with `minimize`, `computeGradients` and
   * `applyGradients`: `tf.train.adam()` would pass for one of ours.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return (
      typeof instance === "object" && instance !== null && Object.prototype.isPrototypeOf.call(this.prototype, instance)
    );
  }

  /** The top-level learning rate given at construction. */
  readonly initialLr: number;
  /** Replaced, never mutated, by `addParamGroup`: schedulers keep the list they were built with. */
  private groups: readonly ParamGroup<H>[];
  private readonly groupOfVariable = new Map<string, ParamGroup<H>>();
  /** What `addParamGroup` builds a group from: the top-level options and the preset's functions. */
  private readonly makeGroup: (group: unknown, index: number) => ParamGroup<H>;

  /**
   * @param options the preset's options, `paramGroups` included
   * @param resolve fills in defaults and runs torch's checks (called for the top-level options and
   *   for each group's options over them)
   */
  protected constructor(options: object, resolve: (options: never) => H, buildChain: ChainBuilder<H>) {
    super();
    const resolveOptions = resolve as unknown as ResolveOptions<H>;
    const owner = (this.constructor as typeof ChainOptimizer).className;
    // No argument reads as {} (SGD then says lr is required, as torch); a number (tfjs's sgd(0.1)) is named.
    if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options)))
      throw new TypeError(notAnOptionsObjectMessage(owner.replace(/^optimlab\./, ""), options));
    const { paramGroups, ...top } = (options ?? {}) as { paramGroups?: readonly ParamGroupOptions[] } & Record<
      string,
      unknown
    >;
    const topHyper = resolveOptions(top);
    if (paramGroups !== undefined && !Array.isArray(paramGroups)) resolveOptions({ ...top, paramGroups }); // its TypeError
    this.makeGroup = (group, index) => {
      const params = (group as Partial<ParamGroupOptions> | null)?.params;
      if (typeof params !== "function" && !Array.isArray(params))
        throw new TypeError(invalidParamGroupMessage(index, params));
      if (Array.isArray(params)) {
        const names = (params as readonly (tf.Variable | string)[]).map((p) => (typeof p === "string" ? p : p?.name));
        const repeated = names.find((name, i) => names.indexOf(name) !== i);
        if (repeated !== undefined) throw new Error(duplicateParamInGroupMessage(index, repeated));
      }
      const overrides: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group as Record<string, unknown>))
        if (key !== "params") overrides[key] = value;
      return new ParamGroup(params, resolveOptions({ ...top, ...overrides }), resolveOptions, buildChain, owner);
    };
    const groups = (paramGroups ?? []).map((group, index) => this.makeGroup(group, index));
    groups.forEach((group, index) => checkDisjoint(groups.slice(0, index), group));
    groups.push(new ParamGroup<H>(undefined, topHyper, resolveOptions, buildChain, owner));
    this.groups = groups;
    this.initialLr = topHyper.lr;
  }

  /** torch's `param_groups`: the groups of the `paramGroups` option in order, then the default group. */
  get paramGroups(): readonly ParamGroup<H>[] {
    return this.groups;
  }

  /**
   * torch's `add_param_group`: a new group (`params` plus the options it overrides over the
   * top-level ones), placed before the default group, e.g. layers unfrozen while fine-tuning.
   * Variables that already belong to a group (listed by another group, or already stepped, which
   * puts them in a group) throw torch's "some parameters appear in more than one parameter group".
   * Schedulers built before keep driving the groups they were built with, as torch's keep their
   * `base_lrs`.
   */
  addParamGroup(group: ParamGroupOptions): ParamGroup<H> {
    const explicit = this.groups.slice(0, -1);
    const added = this.makeGroup(group, explicit.length);
    checkDisjoint(explicit, added);
    for (const variable of this.groupOfVariable.keys())
      if (added.selects(variable)) throw new Error(duplicateParamsMessage());
    this.groups = [...explicit, added, this.defaultGroup];
    return added;
  }

  /** The default group (variables no `paramGroups` entry picks: the top-level options). */
  private get defaultGroup(): ParamGroup<H> {
    return this.groups[this.groups.length - 1];
  }

  /** The learning rate the next step uses for the default group. Schedulers overwrite it. */
  get lr(): number {
    return this.defaultGroup.lr;
  }

  set lr(value: number) {
    this.defaultGroup.lr = value;
  }

  /** The resolved hyperparameters of the default group (defaults filled in). */
  get hyperparameters(): Readonly<H> {
    return this.defaultGroup.hyperparameters;
  }

  /** The chain of transformations the default group runs; `links` names each link. */
  get transform(): Chain {
    return this.defaultGroup.transform;
  }

  /**
   * The default group's state: one record per chain link (e.g. `state.scaleByAdam.mu[variable.name]`),
   * or undefined before the first step. Tensors are this optimizer's variables: read, don't dispose.
   * Other groups: `paramGroups[i].state`.
   */
  get state(): TransformState | undefined {
    return this.defaultGroup.state;
  }

  /** The number of steps taken (tfjs's `iterations`). */
  get step(): number {
    return this.iterations;
  }

  /**
   * Changes one hyperparameter of the default group between steps (e.g. momentum or betas) and
   * rebuilds its chain. Links may be added (their state starts fresh), not removed.
   */
  protected setHyperparameter<K extends keyof H & string>(option: K, value: H[K]): void {
    this.defaultGroup.set(option, value);
  }

  /** E.g. `Adam(lr=0.001, betas=[0.9,0.999], …) = scaleByAdam → scaleByLearningRate, step 0`. */
  override toString(): string {
    const options = Object.entries(this.getConfig())
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(", ");
    const name = this.getClassName().replace(/^optimlab\./, "");
    const links = this.transform.links.map((l) => l.name).join(" → ");
    const groups = this.groups.length > 1 ? `, ${this.groups.length - 1} more parameter group(s)` : "";
    return `${name}(${options}) = ${links}${groups}, step ${this.iterations}`;
  }

  /** Notebook display: the options, the chain and the step count. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.toString() };
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads = namedGradients(variableGradients);
    const byGroup = new Map<ParamGroup<H>, { grads: Record<string, tf.Tensor>; params: Record<string, tf.Variable> }>();
    const registered = tf.engine().registeredVariables;
    for (const [name, grad] of Object.entries(grads)) {
      const variable = registered[name];
      if (variable === undefined) throw new Error(unknownVariableMessage(name));
      if (!tf.util.arraysEqual(grad.shape, variable.shape))
        throw new Error(gradientShapeMismatchMessage(name, grad.shape, variable.shape));
      const group = this.groupOf(name);
      const entry = byGroup.get(group) ?? { grads: {}, params: {} };
      entry.grads[name] = grad;
      entry.params[name] = variable;
      byGroup.set(group, entry);
    }
    for (const group of this.groups) {
      const entry = byGroup.get(group);
      if (entry !== undefined) group.apply(entry.grads, entry.params);
    }
    this.incrementIterations();
  }

  /**
   * The next `applyGradients` of `variables` as a traced element-wise program and this step's
   * scalars, for a caller that runs the update itself (worker threads on a shared memory); no
   * tfjs kernel runs. Running `program` over each variable's gradient, parameter and state
   * (writing each output over the input `writesOver` names) and then calling `commit()` gives the
   * bits `applyGradients` would: `commit()` advances the group's counters and `iterations`, and
   * writes no tensor. Without `commit()` nothing advances (the state of variables seen for the
   * first time is created, as a step would).
   *
   * Undefined, never an error, unless the variables are distinct registered float32 variables of
   * ONE parameter group whose chain runs, for its current state, as one element-wise step that
   * writes every new state tensor over its own old one (`ElementwiseStep.replaces`): e.g. a
   * `weightDecayFilter`, or a link with no per-element formula (Rprop, ASGD), give undefined.
   *
   * @internal
   */
  fusedStepProgram(variables: readonly tf.Variable[]): FusedStepProgram | undefined {
    if (variables.length === 0) return undefined;
    const registered = tf.engine().registeredVariables;
    const params: Record<string, tf.Variable> = {};
    let group: ParamGroup<H> | undefined;
    for (const variable of variables) {
      if (!(variable instanceof tf.Variable) || variable.isDisposed || variable.dtype !== "float32") return undefined;
      if (registered[variable.name] !== variable || variable.name in params) return undefined;
      let owner: ParamGroup<H>;
      try {
        owner = this.groupOf(variable.name);
      } catch {
        return undefined; // two groups' predicates pick it: applyGradients throws torch's message
      }
      if (group !== undefined && owner !== group) return undefined;
      group = owner;
      params[variable.name] = variable;
    }
    const step = group?.fusedStepProgram(params);
    if (step === undefined) return undefined;
    return {
      program: step.program,
      scalars: step.scalars,
      inputs: step.inputs,
      writesOver: step.writesOver,
      commit: () => {
        step.commit();
        this.incrementIterations();
      },
    };
  }

  override dispose(): void {
    for (const group of this.groups) group.dispose();
    super.dispose();
  }

  /**
   * `iter`, then each group's step counters (the default group's under their path, e.g.
   * `scaleByAdam/count`; group i's under `paramGroups/i/…`), then every state tensor as
   * `<variable>/<path>`.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const weights: NamedTensor[] = [await this.saveIterations()];
    this.groups.forEach((group, index) => {
      if (group.state === undefined) return;
      const { numbers, leaves } = stateSlots(group.state);
      const prefix = this.counterPrefix(index);
      for (const { path, value } of numbers) weights.push({ name: prefix + path.join("/"), tensor: tf.scalar(value) });
      for (const { path, key, tensor } of leaves) weights.push({ name: `${key}/${path.join("/")}`, tensor });
    });
    return weights;
  }

  /**
   * Restores what `getWeights()` returned (same optimizer class, options and groups), matching
   * weights by name; unknown names, partial states and shape mismatches throw.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const className = this.getClassName();
    const schemas = this.groups.map((group) => group.schema());
    const counters = new Map<string, { group: number; path: string }>();
    schemas.forEach((schema, group) => {
      for (const path of schema.numberPaths) counters.set(this.counterPrefix(group) + path, { group, path });
    });
    const allTreePaths = [...new Set(schemas.flatMap((s) => s.treePaths))].sort((a, b) => b.length - a.length);
    const numbers = schemas.map(() => new Map<string, number>());
    const perVariable = schemas.map(() => new Map<string, Map<string, tf.Tensor>>());
    for (const { name, tensor } of weightValues) {
      const counter = counters.get(name);
      if (name === "iter") {
        this.iterations_ = (await tensor.data())[0];
      } else if (counter !== undefined) {
        numbers[counter.group].set(counter.path, (await tensor.data())[0]);
      } else {
        const path = allTreePaths.find((p) => name.endsWith(`/${p}`));
        const variable = path === undefined ? "" : name.slice(0, -(path.length + 1));
        const group = this.groups.indexOf(this.groupOf(variable));
        if (path === undefined || !schemas[group].treePaths.includes(path)) {
          throw new Error(unknownWeightMessage(className, name, allTreePaths));
        }
        const target = tf.engine().registeredVariables[variable];
        // Kept under a name no variable has, the state would be silently lost (fresh moments, old step count).
        if (target === undefined) throw new Error(unregisteredVariableMessage(className, name, variable));
        if (!tf.util.arraysEqual(target.shape, tensor.shape)) {
          throw new Error(weightShapeMismatchMessage(className, name, target.shape, tensor.shape));
        }
        if (!perVariable[group].has(variable)) perVariable[group].set(variable, new Map());
        perVariable[group].get(variable)?.set(path, tensor);
      }
    }
    schemas.forEach((schema, group) => {
      const missingNumbers = schema.numberPaths.filter((p) => !numbers[group].has(p));
      if (missingNumbers.length > 0 && perVariable[group].size > 0) {
        throw new Error(
          incompleteWeightsMessage(
            className,
            "(step counters)",
            missingNumbers.map((p) => this.counterPrefix(group) + p),
          ),
        );
      }
      for (const [variable, byPath] of perVariable[group]) {
        const missing = schema.treePaths.filter((p) => !byPath.has(p));
        if (missing.length > 0) throw new Error(incompleteWeightsMessage(className, variable, missing));
      }
    });

    this.groups.forEach((group, index) => {
      const { skeleton } = schemas[index];
      if (perVariable[index].size === 0) {
        group.restore(undefined, []);
        return;
      }
      for (const [path, value] of numbers[index]) setAtPath(skeleton, path.split("/"), value);
      for (const [variable, byPath] of perVariable[index]) {
        for (const [path, tensor] of byPath)
          setAtPath(skeleton, [...path.split("/"), variable], tf.variable(tensor, false));
      }
      group.restore(skeleton as TransformState, [...perVariable[index].keys()]);
    });
  }

  /**
   * Rebuilds an optimizer from `getConfig()`'s options. tfjs's deserializer (`tf.loadLayersModel`
   * with a saved optimizer) adds a `customObjects` entry to the config, which the options check
   * would refuse as an unknown option: it is not one.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const options = { ...config };
    delete options.customObjects;
    return new cls(options);
  }

  /** The top-level options (constructor learning rate), as JSON; `weightDecayFilter` and `paramGroups` are left out. */
  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {};
    for (const [key, value] of Object.entries({ ...this.hyperparameters, lr: this.initialLr })) {
      if (typeof value === "number" || typeof value === "boolean") config[key] = value;
      else if (Array.isArray(value)) config[key] = [...(value as number[])];
    }
    return config;
  }

  /**
   * The group that owns `variable`: the one whose selector picks it, else the default group. Two
   * groups picking it throw torch's message (predicates are only known to overlap here).
   */
  private groupOf(variable: string): ParamGroup<H> {
    let group = this.groupOfVariable.get(variable);
    if (group === undefined) {
      const picking = this.groups.slice(0, -1).filter((g) => g.selects(variable));
      if (picking.length > 1) throw new Error(duplicateParamsMessage());
      group = picking[0] ?? this.defaultGroup;
      this.groupOfVariable.set(variable, group);
    }
    return group;
  }

  /** Counter names: the default group's keep their bare path (one-group files stay as they were). */
  private counterPrefix(index: number): string {
    return index === this.groups.length - 1 ? "" : `paramGroups/${index}/`;
  }
}

/** torch's check that a new group shares no parameter with the earlier ones (lists of variables; predicates are checked per variable in `groupOf`). */
function checkDisjoint(earlier: readonly ParamGroup[], group: ParamGroup): void {
  if (!Array.isArray(group.params)) return;
  const names = (group.params as readonly (tf.Variable | string)[]).map((p) => (typeof p === "string" ? p : p.name));
  for (const other of earlier) if (names.some((name) => other.selects(name))) throw new Error(duplicateParamsMessage());
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
