/**
 * Swaps kernels of the "wasm" backend in tfjs's global kernel registry and can put the originals
 * back (the benchmark times raw tfjs and the overrides in one process, interleaved).
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig, KernelFunc } from "@tensorflow/tfjs";

export const WASM_BACKEND_NAME = "wasm";

/** One override: the kernel it replaces and the replacement, given the original (if any) for fallbacks. */
export interface KernelOverride {
  kernelName: string;
  /** Builds the replacement; `original` is the wasm kernel it replaces, undefined where wasm has none. */
  make(original: KernelConfig | undefined): KernelFunc;
}

const saved = new Map<string, KernelConfig | undefined>();

/** Registers each override for "wasm", remembering what it replaced. Idempotent. */
export function applyOverrides(overrides: readonly KernelOverride[]): void {
  for (const override of overrides) {
    if (saved.has(override.kernelName)) continue;
    const original = tf.getKernel(override.kernelName, WASM_BACKEND_NAME);
    const config: KernelConfig = {
      kernelName: override.kernelName,
      backendName: WASM_BACKEND_NAME,
      kernelFunc: override.make(original),
    };
    // The original's setup (cwrap of its C++ function) must still run if the backend initialises
    // after installation, because overrides fall back to the original for unsupported cases.
    if (original?.setupFunc !== undefined) config.setupFunc = original.setupFunc;
    if (original !== undefined) tf.unregisterKernel(override.kernelName, WASM_BACKEND_NAME);
    tf.registerKernel(config);
    saved.set(override.kernelName, original);
  }
}

/** Puts back every kernel replaced by {@link applyOverrides} (and removes added ones). */
export function restoreOriginals(): void {
  for (const [kernelName, original] of saved) {
    tf.unregisterKernel(kernelName, WASM_BACKEND_NAME);
    if (original !== undefined) tf.registerKernel(original);
  }
  saved.clear();
}

/** Names of the kernels currently replaced or added. */
export function overriddenKernelNames(): string[] {
  return [...saved.keys()];
}
