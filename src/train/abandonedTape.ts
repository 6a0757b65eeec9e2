/**
 * When a `tf.variableGrads` closure throws, tfjs leaves that gradient tape in the engine with the
 * tensors it saved for the backward pass (kept, so no tidy frees them). Free them as tfjs itself
 * does after a successful backward pass: `fit`'s step and `tune.lrRangeTest` call this on a throw.
 */
import * as tf from "@tensorflow/tfjs";

export function freeAbandonedTape(): void {
  const state = tf.engine().state as { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}
