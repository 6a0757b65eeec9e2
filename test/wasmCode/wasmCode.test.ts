import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundFunctions } from "../../src/backend/wasmCode/boundFunctions";
import { moduleBytes, OP } from "../../src/backend/wasmCode/encoding";
import { gemmModuleBytes } from "../../src/backend/wasmCode/gemm";
import { wasmSimdSupported } from "../../src/backend/wasmCode/simd";

/** A module exporting f() → i32 constant `value`. */
function constant(value: number): Uint8Array {
  return moduleBytes({ params: [], results: [0x7f], locals: [], body: [OP.i32Const, value, OP.end], exportName: "f" });
}

test("BoundFunctions compiles once per key and memory, and keeps only the most recent keys", () => {
  const cache = new BoundFunctions<() => number>("f", 2);
  const memory = new WebAssembly.Memory({ initial: 1 });
  let builds = 0;
  const get = (key: string, value: number) =>
    cache.get(memory, key, () => {
      builds++;
      return constant(value);
    });
  assert.equal(get("a", 1)(), 1);
  assert.equal(get("a", 1)(), 1);
  assert.equal(builds, 1, "the same key is compiled once");
  assert.equal(get("b", 2)(), 2);
  assert.equal(get("c", 3)(), 3);
  assert.equal(builds, 3);
  assert.equal(get("a", 1)(), 1);
  assert.equal(builds, 4, "with a limit of 2, the oldest key was dropped and is rebuilt");
  const other = new WebAssembly.Memory({ initial: 1 });
  assert.equal(
    cache.get(other, "c", () => constant(99))(),
    3,
    "a kept module is re-instantiated for another memory, not rebuilt",
  );
});

test("generated products are valid WebAssembly, and unsupported shapes are refused clearly", () => {
  assert.ok(wasmSimdSupported(), "Node ≥ 20 runs WebAssembly SIMD");
  for (const [m, k, n] of [
    [1, 1, 8],
    [7, 0, 16],
    [64, 784, 128],
    [5, 3, 1],
    [6, 9, 13],
    [64, 128, 10],
  ]) {
    for (const layout of ["rows", "columns"] as const)
      assert.ok(WebAssembly.validate(gemmModuleBytes(m, k, n, layout)), `${m}×${k}×${n} ${layout}`);
  }
  assert.throws(() => gemmModuleBytes(4, 4, 0, "rows"), /m and n must be positive and k ≥ 0 \(got m=4, k=4, n=0\)/);
});

test("WasmFunction: named locals are numbered after the parameters and grouped by type; the module runs", async () => {
  const { WasmFunction } = await import("../../src/backend/wasmCode/assembler");
  const { F32, I32, OP: ops } = await import("../../src/backend/wasmCode/encoding");
  const f = new WasmFunction();
  const x = f.param(I32);
  const y = f.param(I32);
  const [t, u] = f.localArray(I32, 2);
  const z = f.local(F32);
  assert.deepEqual([x, y, t, u, z], [0, 1, 2, 3, 4]);
  assert.throws(() => f.param(I32), /parameters must be declared before locals/);
  // (x + y) · 3, through two locals and a block/loop that runs once.
  f.get(x).get(y).op(ops.i32Add).set(t);
  f.block(() => f.loop(() => f.get(t).i32(3).op(ops.i32Mul).set(u)));
  f.get(u);
  const bytes = f.moduleBytes("run", [I32]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const run = instance.exports.run as (a: number, b: number) => number;
  assert.equal(run(4, 5), 27);
});
