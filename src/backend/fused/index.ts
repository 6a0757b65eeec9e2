/**
 * Fused kernels: an optimizer step or a norm as one loop over memory instead of a dozen tfjs
 * kernels. Registered for "cpu" on import; on "wasm" they are part of optimlab's wasm kernels
 * (`installWasmKernels`), so stock-tfjs comparisons leave them out too.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelConfig } from "@tensorflow/tfjs";
import type { KernelOverride } from "../wasmKernels/registry";
import { ELEMENTWISE_KERNEL, elementwiseKernel, elementwiseKernelConfig } from "./elementwise";
import { COLUMN_SUM_KERNEL, columnSumKernel, columnSumKernelConfig } from "./columnSum";
import { GLOBAL_NORM_KERNEL, globalNormKernel, globalNormKernelConfig } from "./globalNorm";
import { PACK_VALUES_KERNEL, packValuesKernel, packValuesKernelConfig } from "./packValues";
import {
  SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL,
  SOFTMAX_CROSS_ENTROPY_KERNEL,
  softmaxCrossEntropyGradKernel,
  softmaxCrossEntropyKernel,
  softmaxCrossEntropyKernelConfigs,
} from "./softmaxCrossEntropy";

export {
  elementwise,
  elementwiseGroups,
  elementwiseOutputNames,
  elementwiseInputMessage,
  ELEMENTWISE_KERNEL,
  type ElementwiseOptions,
  type TraceCache,
} from "./elementwise";
export { fusedGlobalNorm, GLOBAL_NORM_KERNEL } from "./globalNorm";
export { fusedColumnSum, COLUMN_SUM_KERNEL } from "./columnSum";
export { fusedPackValues, PACK_VALUES_KERNEL, type PackSlot } from "./packValues";
export {
  fusedSoftmaxCrossEntropy,
  fusedSoftmaxCrossEntropyAvailable,
  SOFTMAX_CROSS_ENTROPY_KERNEL,
  SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL,
  type SoftmaxCrossEntropyReduction,
} from "./softmaxCrossEntropy";
export { Ew } from "./expression";
export { loopSource } from "./loop";
export type { Program } from "./program";

/** Registers the fused kernels for the cpu backend (idempotent). */
export function registerCpuFusedKernels(): void {
  for (const config of [
    elementwiseKernelConfig("cpu"),
    globalNormKernelConfig("cpu"),
    packValuesKernelConfig("cpu"),
    columnSumKernelConfig("cpu"),
    ...softmaxCrossEntropyKernelConfigs("cpu"),
  ] as KernelConfig[]) {
    if (tf.getKernel(config.kernelName, "cpu") === undefined) tf.registerKernel(config);
  }
}

/** The fused kernels as wasm additions, installed and uninstalled with the other wasm kernels. */
export const fusedWasmKernels: readonly KernelOverride[] = [
  { kernelName: ELEMENTWISE_KERNEL, make: () => elementwiseKernel("wasm") },
  { kernelName: GLOBAL_NORM_KERNEL, make: () => globalNormKernel("wasm") },
  { kernelName: PACK_VALUES_KERNEL, make: () => packValuesKernel("wasm") },
  { kernelName: COLUMN_SUM_KERNEL, make: () => columnSumKernel("wasm") },
  { kernelName: SOFTMAX_CROSS_ENTROPY_KERNEL, make: () => softmaxCrossEntropyKernel("wasm") },
  { kernelName: SOFTMAX_CROSS_ENTROPY_GRAD_KERNEL, make: () => softmaxCrossEntropyGradKernel("wasm") },
];
