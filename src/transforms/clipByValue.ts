import * as tf from "@tensorflow/tfjs";
import { invalidClipValueMessage } from "./messages";
import { mapTree } from "./tree";
import type { EmptyState, GradientTransformation, TensorTree } from "./types";

/** Clamps every update element to [-clipValue, clipValue] (torch's `clip_grad_value_`). */
export function clipByValue(clipValue: number): GradientTransformation<EmptyState> {
  if (!(clipValue > 0)) throw new Error(invalidClipValueMessage("clipByValue", clipValue));
  return {
    name: "clipByValue",
    init: () => ({}),
    update: <T extends TensorTree>(updates: T, state: EmptyState): [T, EmptyState] => [
      mapTree(updates, (u) => tf.clipByValue(u, -clipValue, clipValue)),
      state,
    ],
  };
}
