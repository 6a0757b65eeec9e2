import * as tf from "@tensorflow/tfjs";
import { paramsRequiredMessage } from "./messages";
import { fullLike, leafAt, mapTree } from "./tree";
import type { GradientTransformation, LearningRate, TensorTree } from "./types";

/** Options of `averagedStep` (torch ASGD's names). */
export interface AveragedStepOptions {
  /** λ, decay term (default 1e-4). */
  readonly lambd?: number;
  /** α, power of the step-size decay (default 0.75). */
  readonly alpha?: number;
  /** t₀, the step at which averaging starts (default 1e6). */
  readonly t0?: number;
}

/**
 * State of `averagedStep`: the step count, the step size η and averaging weight μ (float32
 * values, as torch's 0-d tensors) and the running average `ax` of the parameters.
 */
export type AveragedStepState = {
  readonly count: number;
  readonly eta: number;
  readonly mu: number;
  readonly ax: TensorTree;
};

/**
 * torch's ASGD step, which sets its own step size: `θ ← θ·(1 − λη) − η·g`, then
 * `η ← lr / (1 + λ·lr·t)^α` and `μ ← 1 / max(1, t − t₀)`, and the average
 * `ax ← ax + μ(θ − ax)` (a copy of θ while μ = 1). It returns the step to add to θ, so it ends a
 * chain in place of `scaleByLearningRate`. η starts at the learning rate when the state is created.
 */
export function averagedStep(
  lr: LearningRate,
  options: AveragedStepOptions = {},
): GradientTransformation<AveragedStepState> {
  const { lambd = 1e-4, alpha = 0.75, t0 = 1e6 } = options;
  const lrAt = typeof lr === "number" ? () => lr : lr;
  return {
    name: "averagedStep",
    init: (params) => ({ count: 0, eta: Math.fround(lrAt(0)), mu: 1, ax: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: AveragedStepState, params?: T): [T, AveragedStepState] {
      if (params === undefined) throw new Error(paramsRequiredMessage("averagedStep"));
      const step = state.count + 1;
      const { eta, mu } = state;
      const next = mapTree(params, (p, key) => tf.add(tf.mul(p, 1 - lambd * eta), tf.mul(leafAt(updates, key), -eta)));
      const out = mapTree(params, (p, key) => tf.sub(leafAt(next, key), p)) as T;
      const ax = mapTree(state.ax, (a, key) =>
        mu !== 1 ? tf.add(a, tf.mul(tf.sub(leafAt(next, key), a), mu)) : leafAt(next, key),
      );
      const lrNow = lrAt(state.count);
      return [
        out,
        {
          count: step,
          eta: Math.fround(lrNow / Math.pow(1 + lambd * lrNow * step, alpha)),
          mu: Math.fround(1 / Math.max(1, step - t0)),
          ax,
        },
      ];
    },
  };
}
