/**
 * Generated WebAssembly functions, compiled once per key (a program structure, a matrix shape)
 * and instantiated once per memory they work on. Shapes vary (the last, smaller batch of an epoch,
 * evaluation batches), so only the `limit` most recently compiled keys are kept. A shared memory
 * (tfjs's threaded build) needs modules that import it as shared, compiled under their own key.
 */
export class BoundFunctions<F> {
  private readonly modules = new Map<string, WebAssembly.Module>();
  private readonly bound = new WeakMap<WebAssembly.Memory, Map<string, F>>();

  constructor(
    /** The name the generated modules export their function under. */
    private readonly exportName: string,
    private readonly limit = 256,
  ) {}

  /** The function for `key` on `memory`; `bytes` builds the module (for a shared memory or not) the first time. */
  get(memory: WebAssembly.Memory, key: string, bytes: (sharedMemory: boolean) => Uint8Array): F {
    let byKey = this.bound.get(memory);
    if (byKey === undefined) this.bound.set(memory, (byKey = new Map<string, F>()));
    let fn = byKey.get(key);
    if (fn === undefined) {
      const module = this.module(memory, key, bytes);
      fn = new WebAssembly.Instance(module, { env: { memory } }).exports[this.exportName] as F;
      byKey.set(key, fn);
      if (byKey.size > this.limit) byKey.delete(byKey.keys().next().value as string);
    }
    return fn;
  }

  /** The compiled module for `key` (for a shared memory or not, as `memory` is). */
  module(memory: WebAssembly.Memory, key: string, bytes: (sharedMemory: boolean) => Uint8Array): WebAssembly.Module {
    const shared = isShared(memory);
    const moduleKey = shared ? `shared/${key}` : key;
    let module = this.modules.get(moduleKey);
    if (module === undefined) {
      module = new WebAssembly.Module(bytes(shared));
      this.modules.set(moduleKey, module);
      if (this.modules.size > this.limit) this.modules.delete(this.modules.keys().next().value as string);
    }
    return module;
  }
}

/** Whether `memory` is shared between threads (its buffer is a SharedArrayBuffer). */
export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
}
