import * as tf from "@tensorflow/tfjs";
import * as messages from "./messages";

/** Gradients as tf returns them: `tf.variableGrads(...).grads`, or an array (e.g. from `tf.grads`). */
export type Gradients = tf.NamedTensorMap | tf.Tensor[];

/** The tensors of a gradients container, checked. */
export function gradientList(fn: string, grads: Gradients): tf.Tensor[] {
  const list = Array.isArray(grads) ? grads : Object.values(grads);
  list.forEach((g, i) => {
    if (!(g instanceof tf.Tensor)) throw new TypeError(messages.notATensor(fn, `gradient ${i}`));
  });
  return list;
}

/** Applies `f` to every gradient, keeping the container's kind (map keys or array order). */
export function mapGradients<G extends Gradients>(grads: G, f: (g: tf.Tensor) => tf.Tensor): G {
  if (Array.isArray(grads)) return grads.map(f) as G;
  const out: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) out[name] = f(g);
  return out as G;
}
