/**
 * Widget state on the wire (Jupyter widget message protocol 2): snake_case keys, JSON values, and
 * binary values sent as separate buffers named by their path in the state (`buffer_paths`).
 *
 * A binary value under an object key is removed from the JSON; one in a list is replaced by null
 * (protocol 2, "Instantiating a widget object"). `splitBuffers` and `joinBuffers` are inverses.
 */
import type { CommJson } from "./commProtocol";

/** A state value: JSON, or bytes anywhere inside it. */
export type WireValue = CommJson | Uint8Array | WireValue[] | { [key: string]: WireValue };
export type WireState = { [key: string]: WireValue };
export type BufferPath = Array<string | number>;

/** `continuousUpdate` → `continuous_update` (the protocol's attribute names). */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `continuous_update` → `continuousUpdate` (leading underscores kept: `_options_labels` → `_optionsLabels`). */
export function camelCase(name: string): string {
  return name.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** Splits binary values out of `state`: JSON state, the buffers, and each buffer's path. */
export function splitBuffers(state: WireState): {
  state: { [key: string]: CommJson };
  buffers: Uint8Array[];
  bufferPaths: BufferPath[];
} {
  const buffers: Uint8Array[] = [];
  const bufferPaths: BufferPath[] = [];
  const walk = (value: WireValue, path: BufferPath): CommJson | undefined => {
    if (isBytes(value)) {
      buffers.push(value);
      bufferPaths.push(path);
      return undefined;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]) ?? null);
    if (typeof value === "object" && value !== null) {
      const out: { [key: string]: CommJson } = {};
      for (const [key, item] of Object.entries(value)) {
        const json = walk(item, [...path, key]);
        if (json !== undefined) out[key] = json;
      }
      return out;
    }
    return value;
  };
  return { state: walk(state, []) as { [key: string]: CommJson }, buffers, bufferPaths };
}

/** Puts `buffers` back into `state` at `bufferPaths` (the received form of `splitBuffers`' output). */
export function joinBuffers(
  state: { [key: string]: CommJson },
  bufferPaths: readonly BufferPath[],
  buffers: readonly Uint8Array[],
): WireState {
  const joined = structuredClone(state) as WireState;
  bufferPaths.forEach((path, i) => {
    if (path.length === 0 || i >= buffers.length) return;
    let node: WireValue = joined;
    for (const step of path.slice(0, -1)) node = (node as { [key: string]: WireValue })[step];
    if (typeof node !== "object" || node === null) return; // a path into nothing: ignore that buffer
    (node as { [key: string]: WireValue })[path[path.length - 1]] = buffers[i];
  });
  return joined;
}

/** Structural equality for state values (bytes compared by content). */
export function sameValue(a: WireValue | undefined, b: WireValue | undefined): boolean {
  if (a === b) return true;
  if (isBytes(a) || isBytes(b))
    return isBytes(a) && isBytes(b) && a.length === b.length && a.every((byte, i) => byte === b[i]);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => sameValue((a as { [k: string]: WireValue })[key], (b as { [k: string]: WireValue })[key]))
  );
}
