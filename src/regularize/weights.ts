import * as tf from "@tensorflow/tfjs";
import * as messages from "./messages";

/** A named weight that reads its current tensor, as tfjs layers' `LayerVariable` (model.trainableWeights). */
export interface ReadableWeight {
  readonly name: string;
  read(): tf.Tensor;
}

/**
 * Weights or gradients as accepted by the regularizers: a `{name: tensor}` map (what
 * `tf.variableGrads` returns, or `{w, b}` built by hand), an array of tensors / variables, or a
 * model's `trainableWeights`.
 */
export type WeightsInput = tf.NamedTensorMap | readonly tf.Tensor[] | readonly ReadableWeight[];

/** Which weights a penalty or pruner acts on. */
export interface WeightSelection {
  /** Also include bias-like weights (see {@link isBiasLike}). Default false. */
  includeBiases?: boolean;
  /** Custom choice; when given it replaces the bias rule entirely. */
  filter?: (name: string, weight: tf.Tensor) => boolean;
}

/**
 * The default exclusion rule: a weight is bias-like when it has rank ≤ 1 and the last segment
 * (after the last "/") of its name — the map key, or the variable's own name — contains "bias"
 * (any case) or is exactly "b": `dense_Dense1/bias`, `b_bias`, `{ w, b }`. A rank-1 weight vector
 * called `w` is kept, and so is any weight of rank ≥ 2.
 */
export function isBiasLike(name: string, weight: tf.Tensor): boolean {
  if (weight.rank > 1) return false;
  const names = weight instanceof tf.Variable ? [name, weight.name] : [name];
  return names.some((n) => {
    const last = n.slice(n.lastIndexOf("/") + 1);
    return last === "b" || /bias/i.test(last);
  });
}

function isReadable(x: unknown): x is ReadableWeight {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as ReadableWeight).read === "function" &&
    typeof (x as ReadableWeight).name === "string"
  );
}

/**
 * Names and tensors of a weights input, in order. Array entries are named by their variable name
 * when they have one, else by their index ("0", "1", …).
 */
export function namedTensors(fn: string, weights: WeightsInput): [string, tf.Tensor][] {
  const entries: [string, unknown][] = Array.isArray(weights)
    ? (weights as readonly unknown[]).map((w, i) => {
        if (isReadable(w) && !(w instanceof tf.Tensor)) return [w.name, w.read()];
        return [w instanceof tf.Variable ? w.name : String(i), w];
      })
    : Object.entries(weights as tf.NamedTensorMap);
  for (const [name, t] of entries) {
    if (!(t instanceof tf.Tensor)) throw new TypeError(messages.notATensor(fn, `"${name}"`));
  }
  return entries as [string, tf.Tensor][];
}

/** The weights a penalty or pruner acts on, after the bias rule or the custom filter. */
export function selectWeights(
  fn: string,
  weights: WeightsInput,
  selection: WeightSelection = {},
): [string, tf.Tensor][] {
  const keep =
    selection.filter ?? ((name: string, w: tf.Tensor) => selection.includeBiases === true || !isBiasLike(name, w));
  return namedTensors(fn, weights).filter(([name, w]) => keep(name, w));
}
