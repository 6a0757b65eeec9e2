/**
 * The one interface every gradient transformation implements (as in optax):
 *
 *   init(params) → state
 *   update(updates, state, params) → [newUpdates, newState]
 *
 * Transformations are pure: `update` never mutates its inputs, it returns new tensors and a new
 * state record. Optimizers (`optim.*`) own the tensors and dispose them; standalone users should
 * call `update` inside `tf.tidy` and keep what they need.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Ew } from "../backend/fused";

/** Tensors as a list (positional parameters). */
export type TensorList = readonly tf.Tensor[];
/** Tensors keyed by name, e.g. by `tf.Variable.name` (what the optimizers pass). */
export type TensorRecord = { readonly [name: string]: tf.Tensor };
/** A list or a name-keyed record of tensors: parameters, gradients, updates, per-parameter state. */
export type TensorTree = TensorList | TensorRecord;

/**
 * One field of a transformation's state: a host number (a step `count`, NAdam's `muProduct`), one
 * tensor per parameter (`mu`, `nu`, …), or, for `chain`, a link's whole state. `undefined` marks a
 * field that a configuration does not use (e.g. `nuMax` without amsgrad).
 */
export type StateValue = number | TensorTree | TransformState | undefined;

/** A transformation's state: a small record of named fields (`count`, `mu`, `nu`, …). */
export type TransformState = { readonly [field: string]: StateValue };

/** The state of a stateless transformation. */
export type EmptyState = { readonly [field: string]: never };

/** A pure, composable gradient transformation with its own state. */
export interface GradientTransformation<S extends TransformState = TransformState> {
  /** Short name; `chain` keys each link's state by it (e.g. `"scaleByAdam"`). */
  readonly name: string;
  /** Creates the initial state for `params` (zeros for moments, 0 for counts). */
  init(params: TensorTree): S;
  /**
   * Transforms `updates` (gradients at the start of a chain) and returns them with the next
   * state. `params` are the current parameters; transforms that read them (weight decay,
   * proximal steps) throw when they are missing.
   */
  update<T extends TensorTree>(updates: T, state: S, params?: T): [T, S];
  /**
   * This step as one per-element formula per leaf, when the link is one (its `update` then runs
   * exactly this formula). `chain` composes consecutive such links, and the `optim` presets add
   * the parameter update, into one fused kernel dispatch per step (elementwiseStep.ts).
   * Undefined where it is not (a chain with a link that is not).
   */
  elementwiseStep?(state: S): ElementwiseStep<S> | undefined;
}

/** Symbols of a link's per-element formula: `u` the incoming update, `p` the parameter, and its state trees. */
export type ElementwiseSymbols = { readonly [name: string]: Ew };

/** One step of a link as a per-element formula over leaves (see `GradientTransformation.elementwiseStep`). */
export interface ElementwiseStep<S extends TransformState = TransformState> {
  /** The state trees the formula reads (structured like the updates), by symbol name. */
  readonly trees: { readonly [name: string]: TensorTree };
  /** True when the formula reads the parameter `p`. */
  readonly readsParams: boolean;
  /** The formula: the outgoing update `out` and one value per new state tree. */
  readonly body: (x: ElementwiseSymbols) => { readonly out: Ew; readonly [name: string]: Ew };
  /** The next state, from the new state trees (every output of `body` but `out`). */
  readonly next: (trees: { readonly [name: string]: TensorTree }) => S;
  /**
   * Which state tree each new state tree replaces (`{ mu: "m", nu: "v" }`): an optimizer that
   * owns the state may then have the kernel write the new values over the old ones instead of
   * allocating new tensors and assigning them (the same bits either way).
   */
  readonly replaces?: { readonly [output: string]: string };
}

/** A learning rate: a constant, or a schedule of the 0-based update count (first update: 0). */
export type LearningRate = number | ((step: number) => number);

/**
 * Chooses leaves by key (the record key, e.g. a variable name, or the list index as a string).
 * Used to exclude parameters from weight decay, e.g. `(name) => !name.endsWith("bias")`.
 */
export type LeafFilter = (key: string) => boolean;
