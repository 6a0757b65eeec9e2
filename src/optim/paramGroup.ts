/**
 * One parameter group of a `ChainOptimizer`: torch's `param_groups[i]`. It owns the variables its
 * selector picks, their hyperparameters (the top-level options overridden by the group's), its
 * own chain and that chain's state. Internal to `ChainOptimizer`; users see it as
 * `opt.paramGroups[i]` and read or write `lr`, `momentum`, `betas` and the other options on it.
 */
import * as tf from "@tensorflow/tfjs";
import { chain as chainOf } from "../transforms/chain";
import type { Chain, ChainState } from "../transforms/chain";
import { isTensorTree, mapTree } from "../transforms/tree";
import { runElementwiseStepAndApply } from "../transforms/elementwiseStep";
import type { TraceCache } from "../backend/fused";
import type {
  GradientTransformation,
  LearningRate,
  StateValue,
  TensorRecord,
  TransformState,
} from "../transforms/types";
import { chainLinkRemovedMessage, optionNotInGroupMessage } from "./errors";
import { staleFusedStepMessage, traceFusedStep, type FusedStepProgram } from "./fusedStepProgram";
import { mapState, mergeState, restrictState, stateSlots } from "./stateStore";

/** Which variables a group holds: a predicate on `tf.Variable.name`, or the variables (or names) themselves. */
export type ParamSelector = ((name: string) => boolean) | readonly (tf.Variable | string)[];

/** A group as written in the `paramGroups` option: `params` plus any options it overrides. */
export interface ParamGroupOptions {
  readonly params: ParamSelector;
  readonly [option: string]: unknown;
}

/** What every group's hyperparameters have. */
export interface GroupHyperparameters {
  readonly lr: number;
}

/**
 * Turns options into checked hyperparameters (the preset's own resolve, torch's checks). `updating` is
 * true when one option of an existing group is written: checks torch makes only in the constructor
 * (SGD's Nesterov needs momentum > 0) are then skipped, as torch never re-checks a written group.
 */
export type ResolveOptions<H> = (options: Record<string, unknown>, updating?: boolean) => H;

/**
 * Builds a chain from hyperparameters and the group's live learning rate. `keep` names links that
 * hold state and must stay even when their option is now off (SGD's `traceMomentum` at momentum 0,
 * which then passes updates through and keeps its buffer, as torch does).
 */
export type BuildChain<H> = (hyper: H, lr: LearningRate, keep: ReadonlySet<string>) => GradientTransformation;

/**
 * A parameter group: readable and writable options (`group.lr = 0.01`), its chain and its state.
 * Setting an option runs the optimizer's checks again and rebuilds the chain; links may be added
 * (their state starts fresh, as torch creates SGD's momentum buffer at the first nonzero
 * momentum). A link that holds state stays when its option goes off (momentum back to 0 keeps
 * the buffer, skipped until momentum is nonzero again, as torch keeps `momentum_buffer`); a
 * preset that cannot keep it throws rather than drop the state.
 */
export class ParamGroup<H extends GroupHyperparameters = GroupHyperparameters> {
  private hyper_: H;
  private chain_: Chain;
  private state_: TransformState | undefined;
  private readonly known = new Set<string>();
  /** The fused step's traced program, reused while the chain traces to the same one. */
  private readonly trace: TraceCache = {};
  // Method syntax keeps ParamGroup<Preset> assignable to ParamGroup (bivariant in H).
  private readonly preset: {
    resolve(options: Record<string, unknown>, updating?: boolean): H;
    build(hyper: H, lr: LearningRate, keep: ReadonlySet<string>): GradientTransformation;
  };

  /** @internal */
  constructor(
    /** The selector, or undefined for the group of every variable no other group selects. */
    readonly params: ParamSelector | undefined,
    hyper: H,
    resolve: ResolveOptions<H>,
    build: BuildChain<H>,
    private readonly owner: string,
  ) {
    this.preset = { resolve, build };
    this.hyper_ = hyper;
    this.chain_ = this.makeChain(hyper);
  }

  /** The group's learning rate; schedulers write it. */
  get lr(): number {
    return this.hyper_.lr;
  }

  set lr(value: number) {
    this.set("lr", value);
  }

  /** μ, for optimizers with momentum (SGD, RMSprop); undefined otherwise. */
  get momentum(): number | undefined {
    const value = (this.hyper_ as Record<string, unknown>).momentum;
    return typeof value === "number" ? value : undefined;
  }

  set momentum(value: number | undefined) {
    this.set("momentum" as keyof H & string, value as H[keyof H & string]);
  }

  /** (β1, β2), for the Adam family; undefined otherwise. */
  get betas(): [number, number] | undefined {
    const value = (this.hyper_ as Record<string, unknown>).betas;
    return Array.isArray(value) ? [value[0] as number, value[1] as number] : undefined;
  }

  set betas(value: [number, number] | undefined) {
    this.set("betas" as keyof H & string, (value ? [value[0], value[1]] : value) as H[keyof H & string]);
  }

  /** The resolved options of this group (defaults filled in). */
  get hyperparameters(): Readonly<H> {
    return this.hyper_;
  }

  /** This group's chain. */
  get transform(): Chain {
    return this.chain_;
  }

  /** This group's chain state (see `ChainOptimizer.state`), undefined before its first step. */
  get state(): TransformState | undefined {
    return this.state_;
  }

  /** The names of the variables this group has state for. */
  get variables(): string[] {
    return [...this.known];
  }

  /** True when this group's selector picks `variable` (the default group picks everything). */
  selects(variable: string): boolean {
    const params = this.params;
    if (params === undefined) return true;
    if (typeof params === "function") return params(variable);
    return params.some((p) => (typeof p === "string" ? p : p.name) === variable);
  }

  /** Sets one option, with the optimizer's checks; rebuilds the chain (links may only be added). */
  set<K extends keyof H & string>(option: K, value: H[K]): void {
    if (!(option in this.hyper_))
      throw new TypeError(optionNotInGroupMessage(this.owner, option, Object.keys(this.hyper_)));
    const next = this.preset.resolve({ ...(this.hyper_ as Record<string, unknown>), [option]: value }, true);
    if (option === "lr") {
      // The chain reads the lr live (schedulers set it every step): no rebuild needed.
      this.hyper_ = next;
      return;
    }
    const current = this.chain_.links.map((l) => l.name);
    const removedFrom = (chain: Chain) => current.filter((name) => !chain.links.some((l) => l.name === name));
    // Links whose option went off: those with state are rebuilt as kept; stateless ones just go.
    const stateful = new Set(removedFrom(this.makeChain(next)).filter((name) => this.holdsState(name)));
    const rebuilt = this.makeChain(next, stateful);
    const lost = removedFrom(rebuilt).filter((name) => stateful.has(name));
    if (lost.length > 0) throw new Error(chainLinkRemovedMessage(this.owner, option, this.hyper_[option], value, lost));
    const dropped = removedFrom(rebuilt);
    const added = rebuilt.links.filter((l) => !(l.name in (this.state_ ?? {})));
    this.hyper_ = next;
    this.chain_ = rebuilt;
    if (this.state_ !== undefined && dropped.length > 0) {
      const kept: Record<string, TransformState> = { ...(this.state_ as Record<string, TransformState>) };
      for (const name of dropped) delete kept[name];
      this.state_ = kept;
    }
    if (this.state_ !== undefined && added.length > 0) this.addLinkStates(added.map((l) => l.name));
  }

  /** Runs one step of the chain on `grads` (all of this group's variables or some), assigning the variables. */
  apply(grads: TensorRecord, params: Record<string, tf.Variable>): void {
    const names = Object.keys(grads);
    if (names.length === 0) return;
    this.ensureState(params);
    tf.tidy(() => {
      const known = this.state_ as TransformState;
      const current = names.length === this.known.size ? known : restrictState(known, names);
      // A chain of per-element formulas (Adam, …) and p + u run as one kernel for all variables.
      const fused = this.chain_.elementwiseStep?.(current as ChainState);
      if (fused !== undefined) {
        // The state and the parameters are this group's to overwrite (where no one else holds their data).
        const [updated, next] = runElementwiseStepAndApply("optimizer step", grads, fused, params as TensorRecord, {
          cache: this.trace,
          inPlace: true,
        });
        for (const name of names) if (updated[name] !== params[name]) params[name].assign(updated[name]);
        this.state_ = writeBack(known, next);
        return;
      }
      const [updates, next] = this.chain_.update<TensorRecord>(grads, current as ChainState, params);
      for (const name of names) params[name].assign(tf.add(params[name], updates[name]));
      this.state_ = writeBack(known, next);
    });
  }

  /**
   * `apply`'s fused step for `params` (some or all of this group's variables) as a traced program
   * that the caller runs itself (see `FusedStepProgram`), or undefined where `apply` would not
   * run it in place as one element-wise step. Creates the state of new variables as `apply` does;
   * advances nothing until `commit()`, which moves the counters on as `apply` would and writes no
   * tensor (the caller has written the new state over the old).
   *
   * @internal
   */
  fusedStepProgram(params: Record<string, tf.Variable>): FusedStepProgram | undefined {
    const names = Object.keys(params);
    if (names.length === 0 || this.chain_.elementwiseStep === undefined) return undefined;
    this.ensureState(params);
    const known = this.state_ as TransformState;
    const current = names.length === this.known.size ? known : restrictState(known, names);
    const fused = this.chain_.elementwiseStep(current as ChainState);
    if (fused === undefined) return undefined;
    return traceFusedStep(fused, params, this.trace, (next) => {
      if (this.state_ !== known) throw new Error(staleFusedStepMessage());
      this.state_ = writeBack(known, next);
    });
  }

  /** Replaces the state (from `setWeights`); the old one is freed. */
  restore(state: TransformState | undefined, variables: readonly string[]): void {
    this.dispose();
    this.state_ = state;
    for (const name of variables) this.known.add(name);
  }

  /** The paths of the numbers and trees this group's state has, and an empty skeleton to fill. */
  schema(): { skeleton: Record<string, unknown>; numberPaths: string[]; treePaths: string[] } {
    let schema = { skeleton: {} as Record<string, unknown>, numberPaths: [] as string[], treePaths: [] as string[] };
    tf.tidy(() => {
      const probe = this.chain_.init({ probe: tf.zeros([1]) });
      const { numbers, leaves } = stateSlots(probe);
      schema = {
        skeleton: mapState(probe, () => ({})),
        numberPaths: numbers.map((n) => n.path.join("/")),
        treePaths: leaves.map((l) => l.path.join("/")),
      };
    });
    return schema;
  }

  /** Frees the state. */
  dispose(): void {
    if (this.state_ !== undefined) for (const { tensor } of stateSlots(this.state_).leaves) tensor.dispose();
    this.state_ = undefined;
    this.known.clear();
  }

  private makeChain(hyper: H, keep: ReadonlySet<string> = new Set()): Chain {
    const built = this.preset.build(hyper, () => this.hyper_.lr, keep);
    return "links" in built ? (built as Chain) : chainOf(built);
  }

  /** True when link `name` keeps tensors or counters in this group's state. */
  private holdsState(name: string): boolean {
    const linkState = (this.state_ as Record<string, TransformState> | undefined)?.[name];
    if (linkState === undefined) return false;
    const { numbers, leaves } = stateSlots(linkState);
    return numbers.length > 0 || leaves.length > 0;
  }

  /** Creates the state of variables seen for the first time, as non-trainable variables. */
  private ensureState(params: Record<string, tf.Variable>): void {
    const fresh = Object.keys(params).filter((name) => !this.known.has(name));
    if (fresh.length === 0) return;
    const freshParams: Record<string, tf.Tensor> = {};
    for (const name of fresh) freshParams[name] = params[name];
    this.state_ = mergeState(this.state_, this.initState(this.chain_, freshParams));
    for (const name of fresh) this.known.add(name);
  }

  /** Initial state of new links for the variables already known (e.g. a momentum buffer). */
  private addLinkStates(links: readonly string[]): void {
    const registered = tf.engine().registeredVariables;
    const params: Record<string, tf.Tensor> = {};
    for (const name of this.known) params[name] = registered[name];
    const partial = chainOf(...this.chain_.links.filter((l) => links.includes(l.name)).map((l) => l.transform));
    const created = this.initState(partial, params) as Record<string, TransformState>;
    this.state_ = { ...(this.state_ as TransformState), ...created };
  }

  private initState(chain: Chain, params: Record<string, tf.Tensor>): TransformState {
    let created: TransformState = {};
    tf.tidy(() => {
      created = mapState(chain.init(params), (tree) => mapTree(tree, (t) => tf.variable(t, false)));
    });
    return created;
  }
}

/**
 * Assigns the chain's new state into the kept variables (a tree the kernel wrote in place holds
 * those same variables: nothing to assign); returns the state with new counters. One walk over
 * both states together: this runs at every step.
 */
function writeBack(known: TransformState, next: TransformState): TransformState {
  return writeBackValue(known, next) as TransformState;
}

function writeBackValue(known: StateValue, next: StateValue): StateValue {
  if (known === undefined) return undefined;
  if (typeof known === "number") return typeof next === "number" ? next : known;
  const nextIsRecord = next !== undefined && typeof next !== "number";
  if (isTensorTree(known)) {
    if (nextIsRecord && next !== known && isTensorTree(next)) {
      const variables = known as Record<string, tf.Variable>;
      const values = next as TensorRecord;
      for (const name of Object.keys(values))
        if (values[name] !== variables[name]) variables[name].assign(values[name]);
    }
    return known;
  }
  const inner = nextIsRecord && !isTensorTree(next) ? (next as TransformState) : undefined;
  const out: Record<string, StateValue> = {};
  for (const field of Object.keys(known)) out[field] = writeBackValue(known[field], inner?.[field]);
  return out;
}
