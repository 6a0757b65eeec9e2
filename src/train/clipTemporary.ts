// TEMPORARY until src/regularize lands: same contract as regularize.clipGradNorm.
import * as tf from "@tensorflow/tfjs";
import { globalNorm } from "./norms";
export function clipGradNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; totalNorm: tf.Scalar } {
  const totalNorm = globalNorm(Object.values(grads));
  const coef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
  const out: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, coef);
  return { grads: out, totalNorm };
}
