import { runElementwiseStep } from "./elementwiseStep";
import { fullLike } from "./tree";
import type { ElementwiseStep, GradientTransformation, TensorTree } from "./types";

/** Options of `traceMomentum` (torch SGD's names). */
export interface TraceMomentumOptions {
  /** μ, the momentum factor. */
  readonly momentum: number;
  /** τ, dampening of the new gradient from the second step on (default 0). */
  readonly dampening?: number;
  /** Nesterov momentum: return `g + μ·b` instead of `b` (default false). */
  readonly nesterov?: boolean;
}

/** State of `traceMomentum`: momentum updates done, and the buffer `b`. */
export type TraceMomentumState = { readonly count: number; readonly momentumBuffer: TensorTree };

/**
 * Heavy-ball momentum exactly as torch's SGD: the buffer starts as the first gradient
 * (`b₁ = g₁`, no dampening), then `b_t = μ·b_{t-1} + (1-τ)·g_t`; the output is `b_t`, or
 * `g_t + μ·b_t` with Nesterov. With `momentum = 0` the updates pass through and the state is
 * unchanged (torch skips the buffer when momentum is 0).
 */
export function traceMomentum(options: TraceMomentumOptions): GradientTransformation<TraceMomentumState> {
  const { momentum, dampening = 0, nesterov = false } = options;
  const stepOf = (state: TraceMomentumState): ElementwiseStep<TraceMomentumState> => {
    // Momentum 0 (a kept link): updates pass through, the buffer stays as it is.
    if (momentum === 0) return { trees: {}, readsParams: false, body: ({ u }) => ({ out: u }), next: () => state };
    // The first buffer is the gradient itself (b is the zero state, ignored).
    const first = state.count === 0;
    return {
      trees: { b: state.momentumBuffer },
      readsParams: false,
      body: ({ u, b }) => {
        const buffer = first ? u : b.mul(momentum).add(dampening === 0 ? u : u.mul(1 - dampening));
        return { buffer, out: nesterov ? u.add(buffer.mul(momentum)) : buffer };
      },
      next: ({ buffer }) => ({ count: state.count + 1, momentumBuffer: buffer }),
      replaces: { buffer: "b" },
    };
  };
  return {
    name: "traceMomentum",
    init: (params) => ({ count: 0, momentumBuffer: fullLike(params) }),
    update<T extends TensorTree>(updates: T, state: TraceMomentumState): [T, TraceMomentumState] {
      if (momentum === 0) return [updates, state];
      return runElementwiseStep("traceMomentum", updates, stepOf(state));
    },
    elementwiseStep: stepOf,
  };
}
