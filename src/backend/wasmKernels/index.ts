/**
 * Faster and missing kernels for TensorFlow.js's WebAssembly backend, registered over the
 * originals when the wasm backend is chosen (see docs/performance.md for what each one fixes
 * and what it gains).
 *
 * ```ts
 * await tf.setBackend("wasm");
 * installWasmKernels();   // idempotent; optimlab's backend.ready() does this for you
 * uninstallWasmKernels(); // back to stock tfjs (the benchmark compares both)
 * ```
 */
import { avgPoolGradOverride } from "./avgPoolGrad";
import { conv2dBackpropFilterOverride } from "./conv2dBackpropFilter";
import { conv2dBackpropInputOverride } from "./conv2dBackpropInput";
import { conv2dOverride, fusedConv2dOverride } from "./conv2dForward";
import { gatherOverride } from "./gather";
import { identityOverride } from "./identity";
import { batchMatMulOverride, fusedMatMulOverride } from "./matMul";
import { maxPoolOverride } from "./maxPool";
import { maxPoolGradOverride } from "./maxPoolGrad";
import { applyOverrides, overriddenKernelNames, restoreOriginals, type KernelOverride } from "./registry";
import { reluBiasGradOverride } from "./reluBiasGrad";
import { sliceOverride } from "./slice";
import { fusedWasmKernels } from "../fused";

export { unsupportedMatMulMessage } from "./matMul";
export { gatherIndexMessage } from "./gather";
export type { KernelOverride } from "./registry";

/** Every override, in registration order. */
export const WASM_KERNEL_OVERRIDES: readonly KernelOverride[] = [
  batchMatMulOverride,
  fusedMatMulOverride,
  sliceOverride,
  gatherOverride,
  identityOverride,
  conv2dOverride,
  fusedConv2dOverride,
  conv2dBackpropFilterOverride,
  conv2dBackpropInputOverride,
  maxPoolOverride,
  maxPoolGradOverride,
  avgPoolGradOverride,
  reluBiasGradOverride,
  ...fusedWasmKernels,
];

/**
 * Registers optimlab's kernels for the "wasm" backend in place of (or in addition to) tfjs's own.
 * Safe to call before or after the backend initialises, and more than once.
 */
export function installWasmKernels(): void {
  applyOverrides(WASM_KERNEL_OVERRIDES);
}

/** Restores tfjs's own wasm kernels (and removes the ones tfjs lacks). */
export function uninstallWasmKernels(): void {
  restoreOriginals();
}

/** Whether {@link installWasmKernels} is in effect. */
export function wasmKernelsInstalled(): boolean {
  return overriddenKernelNames().length > 0;
}

/** Names of the kernels currently replaced or added on "wasm". */
export function installedWasmKernelNames(): string[] {
  return overriddenKernelNames();
}
