import * as tf from "@tensorflow/tfjs";
import { gradientList, tidyGradients, type Gradients } from "./gradients";
import { mapTree } from "../transforms/tree";
import * as messages from "./messages";

/**
 * Clamps every gradient element into [−clipValue, clipValue] (torch.nn.utils.clip_grad_value_).
 * Returns new tensors in the same container kind; the inputs are left untouched.
 */
export function clipGradValue<G extends Gradients>(grads: G, clipValue: number): G {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new RangeError(messages.invalidCoefficient("clipGradValue", "clipValue", clipValue));
  }
  gradientList("clipGradValue", grads);
  return tidyGradients(() => mapTree(grads, (g) => tf.clipByValue(g, -clipValue, clipValue)));
}
