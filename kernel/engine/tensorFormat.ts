/**
 * How a tfjs tensor looks as a cell's value and in `console.log`: its dtype, shape and values,
 * abbreviated as `tensor.print()` abbreviates them — not the object's internals
 * (`Tensor { kept: false, isDisposedInternal: … }`).
 *
 * Both paths format through `util.inspect`, so one `util.inspect.custom` method on the Tensor
 * prototype serves both. It is installed when a cell loads a module exporting tfjs's `Tensor`
 * (`@tensorflow/tfjs`, `-core`, `-node`), whichever copy the notebook's folder resolves.
 */
import { inspect } from "node:util";

interface TensorLike {
  readonly isDisposed: boolean;
  readonly dtype: string;
  readonly shape: number[];
  toString(verbose?: boolean): string;
}

export function tensorText(tensor: TensorLike): string {
  if (tensor.isDisposed) return `Tensor (disposed)  dtype ${tensor.dtype}, shape [${tensor.shape.join(", ")}]`;
  // tfjs's own printer: "Tensor\n  dtype: float32\n  rank: 2\n  shape: [2,2]\n  values:\n    [[1, 2], …"
  return tensor.toString(true);
}

/** Gives `namespace.Tensor` (if it is tfjs's Tensor class) the inspect method; idempotent. */
export function installTensorFormatter(namespace: unknown): void {
  const Tensor = (namespace as { Tensor?: unknown } | null | undefined)?.Tensor;
  if (typeof Tensor !== "function") return;
  const prototype = (Tensor as { prototype?: object }).prototype;
  if (!prototype || !("dataSync" in prototype) || Object.prototype.hasOwnProperty.call(prototype, inspect.custom))
    return;
  Object.defineProperty(prototype, inspect.custom, {
    value(this: TensorLike): string {
      return tensorText(this);
    },
    configurable: true,
    writable: true,
  });
}
