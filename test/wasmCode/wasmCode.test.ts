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
