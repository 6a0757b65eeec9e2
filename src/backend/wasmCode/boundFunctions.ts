/**
 * Generated WebAssembly functions, compiled once per key (a program structure, a matrix shape)
 * and instantiated once per memory they work on. Shapes vary (the last, smaller batch of an epoch,
 * evaluation batches), so only the `limit` most recently compiled keys are kept.
 */
export class BoundFunctions<F> {
  private readonly modules = new Map<string, WebAssembly.Module>();
  private readonly bound = new WeakMap<WebAssembly.Memory, Map<string, F>>();

  constructor(
    /** The name the generated modules export their function under. */
    private readonly exportName: string,
    private readonly limit = 256,
  ) {}

  /** The function for `key` on `memory`; `bytes` builds the module the first time. */
  get(memory: WebAssembly.Memory, key: string, bytes: () => Uint8Array): F {
    let byKey = this.bound.get(memory);
    if (byKey === undefined) this.bound.set(memory, (byKey = new Map<string, F>()));
    let fn = byKey.get(key);
    if (fn === undefined) {
      let module = this.modules.get(key);
      if (module === undefined) {
        module = new WebAssembly.Module(bytes());
        this.modules.set(key, module);
        if (this.modules.size > this.limit) this.modules.delete(this.modules.keys().next().value as string);
      }
      fn = new WebAssembly.Instance(module, { env: { memory } }).exports[this.exportName] as F;
      byKey.set(key, fn);
      if (byKey.size > this.limit) byKey.delete(byKey.keys().next().value as string);
    }
    return fn;
  }
}
