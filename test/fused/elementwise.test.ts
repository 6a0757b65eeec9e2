/**
 * The fused element-wise kernel must give exactly the floats of the same tfjs ops run one by one,
 * on every path: the JavaScript loop (cpu, and wasm on an engine without SIMD), the generated SIMD
 * module (wasm) and the op-by-op fallback (wasm without optimlab's kernels, as on tfjs-node or WebGL).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { elementwise, elementwiseInputMessage, loopSource, type Ew } from "../../src/backend/fused";
import { installWasmKernels, uninstallWasmKernels } from "../../src/backend/wasmKernels";
import { withoutWasmSimd } from "../../src/backend/wasmCode/simd";
import { setUpWasm, uniform } from "../wasmKernels/helpers";

type Path = "cpu" | "wasm" | "wasm without SIMD" | "wasm without optimlab kernels";
const PATHS: Path[] = ["cpu", "wasm", "wasm without SIMD", "wasm without optimlab kernels"];

async function onPath<T>(path: Path, fn: () => T): Promise<T> {
  await setUpWasm();
  assert.ok(await tf.setBackend(path === "cpu" ? "cpu" : "wasm"));
  if (path === "wasm without optimlab kernels") uninstallWasmKernels();
  try {
    return path === "wasm without SIMD" ? withoutWasmSimd(fn) : fn();
  } finally {
    installWasmKernels();
  }
}

/** Equal as float32 bit patterns, except that any NaN equals any NaN. */
function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    assert.equal(a[i], e[i], `${what}: element ${i} is ${actual[i]}, the tfjs ops give ${expected[i]}`);
  }
}

/** A small deterministic generator for random programs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

type Binary = "add" | "sub" | "mul" | "div" | "maximum" | "minimum";
type Unary = "sqrt" | "square" | "neg" | "abs";
const BINARY: Binary[] = ["add", "sub", "mul", "div", "maximum", "minimum"];
const UNARY: Unary[] = ["sqrt", "square", "neg", "abs"];

/** One random formula over `inputs` values, built the same way as Ew and as tfjs ops. */
interface Recipe {
  steps: Array<{ op: Binary | Unary; a: number; b: number | { scalar: number } | undefined }>;
  outputs: number[];
}

function randomRecipe(inputs: number, seed: number): Recipe {
  const rand = lcg(seed);
  const steps: Recipe["steps"] = [];
  const count = 3 + Math.floor(rand() * 12);
  for (let i = 0; i < count; i++) {
    const values = inputs + i;
    const a = Math.floor(rand() * values);
    if (rand() < 0.3) {
      steps.push({ op: UNARY[Math.floor(rand() * UNARY.length)], a, b: undefined });
    } else {
      const b =
        rand() < 0.4 ? { scalar: Math.fround((rand() - 0.5) * 4) + 1e-3 * rand() } : Math.floor(rand() * values);
      steps.push({ op: BINARY[Math.floor(rand() * BINARY.length)], a, b });
    }
  }
  const last = inputs + count - 1;
  const outputs = [last, Math.floor(rand() * (last + 1))];
  return { steps, outputs };
}

function runRecipeWithOps(recipe: Recipe, inputs: tf.Tensor[]): tf.Tensor[] {
  const values: tf.Tensor[] = [...inputs];
  for (const { op, a, b } of recipe.steps) {
    const x = values[a];
    const y = b === undefined ? undefined : typeof b === "number" ? values[b] : b.scalar;
    const ops: Record<Binary | Unary, () => tf.Tensor> = {
      add: () => tf.add(x, y as tf.Tensor),
      sub: () => tf.sub(x, y as tf.Tensor),
      mul: () => tf.mul(x, y as tf.Tensor),
      div: () => tf.div(x, y as tf.Tensor),
      maximum: () => tf.maximum(x, y as tf.Tensor),
      minimum: () => tf.minimum(x, y as tf.Tensor),
      sqrt: () => tf.sqrt(x),
      square: () => tf.square(x),
      neg: () => tf.neg(x),
      abs: () => tf.abs(x),
    };
    values.push(ops[op]());
  }
  return recipe.outputs.map((v) => values[v]);
}

function runRecipeFused(recipe: Recipe, inputs: tf.Tensor[]): tf.Tensor[] {
  const named: Record<string, tf.Tensor> = {};
  inputs.forEach((t, i) => (named[`in${i}`] = t));
  const out = elementwise(named, (x) => {
    const values: Ew[] = inputs.map((_, i) => x[`in${i}`]);
    for (const { op, a, b } of recipe.steps) {
      const v = values[a];
      const w = b === undefined ? undefined : typeof b === "number" ? values[b] : b.scalar;
      values.push(w === undefined ? v[op as Unary]() : v[op as Binary](w));
    }
    const result: Record<string, Ew> = {};
    recipe.outputs.forEach((v, o) => (result[`out${o}`] = values[v]));
    return result;
  });
  return recipe.outputs.map((_, o) => out[`out${o}`]);
}

const SHAPES: number[][] = [[], [1], [3], [4], [5], [7, 5], [4, 33], [128, 10], [300, 7]];

test("random programs give the floats of the same tfjs ops, bit for bit, on every path", async () => {
  let seed = 1;
  for (const shape of SHAPES) {
    for (let trial = 0; trial < 6; trial++, seed++) {
      const inputCount = 1 + (seed % 3);
      const recipe = randomRecipe(inputCount, seed);
      const size = tf.util.sizeFromShape(shape);
      const data = Array.from({ length: inputCount }, (_, i) => uniform(size, seed * 10 + i, -3, 3));
      for (const path of PATHS) {
        await onPath(path, () => {
          const inputs = data.map((d) => tf.tensor(d, shape));
          const expected = tf.tidy(() => runRecipeWithOps(recipe, inputs).map((t) => t.dataSync() as Float32Array));
          const fused = runRecipeFused(recipe, inputs);
          fused.forEach((t, o) => {
            assert.deepEqual(t.shape, shape);
            assertSameFloats(
              t.dataSync() as Float32Array,
              expected[o],
              `${path}, shape [${shape}], program ${seed}, output ${o}`,
            );
          });
          tf.dispose([...inputs, ...fused]);
        });
      }
    }
  }
});

test("Adam's moment update on a 784×128 weight matches the tfjs ops exactly (SIMD body and tail)", async () => {
  const [b1, b2] = [0.9, 0.999];
  for (const shape of [[784, 128], [1001]]) {
    const size = tf.util.sizeFromShape(shape);
    const [g, m, v] = [uniform(size, 1), uniform(size, 2), uniform(size, 3, 0, 1)];
    for (const path of PATHS) {
      await onPath(path, () => {
        const [tg, tm, tv] = [tf.tensor(g, shape), tf.tensor(m, shape), tf.tensor(v, shape)];
        const expected = tf.tidy(() => {
          const mu = tf.add(tf.mul(tm, b1), tf.mul(tg, 1 - b1));
          const nu = tf.add(tf.mul(tv, b2), tf.mul(tf.square(tg), 1 - b2));
          const u = tf.mul(tf.div(mu, tf.add(tf.div(tf.sqrt(nu), Math.sqrt(1 - b2 ** 3)), 1e-8)), 1 / (1 - b1 ** 3));
          return [mu, nu, u].map((t) => t.dataSync() as Float32Array);
        });
        const out = elementwise({ g: tg, m: tm, v: tv }, ({ g, m, v }) => {
          const mu = m.mul(b1).add(g.mul(1 - b1));
          const nu = v.mul(b2).add(g.square().mul(1 - b2));
          return {
            mu,
            nu,
            u: mu
              .div(
                nu
                  .sqrt()
                  .div(Math.sqrt(1 - b2 ** 3))
                  .add(1e-8),
              )
              .mul(1 / (1 - b1 ** 3)),
          };
        });
        [out.mu, out.nu, out.u].forEach((t, i) =>
          assertSameFloats(t.dataSync() as Float32Array, expected[i], `${path} [${shape}] output ${i}`),
        );
        tf.dispose([tg, tm, tv, out.mu, out.nu, out.u]);
      });
    }
  }
});

test("an output may be an input (a copy the caller owns), and empty tensors work", async () => {
  for (const path of PATHS) {
    await onPath(path, () => {
      const x = tf.tensor1d([1, 2, 3]);
      const { same, twice } = elementwise({ x }, ({ x }) => ({ same: x, twice: x.mul(2) }));
      assert.deepEqual(Array.from(same.dataSync()), [1, 2, 3]);
      assert.deepEqual(Array.from(twice.dataSync()), [2, 4, 6]);
      same.dispose();
      assert.deepEqual(Array.from(x.dataSync()), [1, 2, 3], `${path}: disposing the output must leave the input`);
      const empty = elementwise({ e: tf.zeros([0, 3]) }, ({ e }) => ({ y: e.add(1) })).y;
      assert.deepEqual(empty.shape, [0, 3]);
      tf.dispose([x, twice, empty]);
    });
  }
});

test("no tensors leak: only the outputs are new", async () => {
  for (const path of PATHS) {
    await onPath(path, () => {
      const a = tf.ones([64, 10]);
      const b = tf.ones([64, 10]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) {
        const out = elementwise({ a, b }, ({ a, b }) => ({ s: a.add(b).mul(0.5), d: a.sub(b).abs().sqrt() }));
        assert.equal(tf.memory().numTensors, before + 2, `${path}: two outputs, nothing else`);
        tf.dispose([out.s, out.d]);
      }
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([a, b]);
    });
  }
});

test("the SIMD module keeps working after the wasm heap grows", async () => {
  await onPath("wasm", () => {
    const x = tf.tensor1d(uniform(1003, 7));
    const first = elementwise({ x }, ({ x }) => ({ y: x.mul(3).add(1) }))
      .y.dataSync()
      .slice();
    const big = tf.zeros([64 * 1024 * 1024]); // 256 MB: the heap must grow
    const y = tf.tensor1d(uniform(1003, 7));
    const second = elementwise({ y }, ({ y }) => ({ z: y.mul(3).add(1) })).z;
    assertSameFloats(second.dataSync() as Float32Array, first as Float32Array, "after growth");
    tf.dispose([x, big, y, second]);
  });
});

test("inside a gradient computation it is differentiable, with the gradients of the tfjs ops", async () => {
  for (const path of PATHS) {
    await onPath(path, () => {
      const x = tf.tensor1d([0.5, 1, 2, 3]);
      const viaFused = tf.grad((t: tf.Tensor) =>
        tf.sum(elementwise({ t }, ({ t }) => ({ y: t.square().mul(3).add(t.sqrt()) })).y),
      )(x);
      const viaOps = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.mul(tf.square(t), 3), tf.sqrt(t))))(x);
      assertSameFloats(viaFused.dataSync() as Float32Array, viaOps.dataSync() as Float32Array, `${path}: gradient`);
      tf.dispose([x, viaFused, viaOps]);
    });
  }
});

test("bad input is refused with what was wrong and what to do", async () => {
  await onPath("cpu", () => {
    const a = tf.ones([2, 3]);
    const b = tf.ones([3, 2]);
    const i = tf.ones([2, 3], "int32");
    assert.throws(() => elementwise({ a, b }, ({ a, b }) => ({ y: a.add(b) })), {
      message: elementwiseInputMessage(
        "b",
        `has shape [3,2], but "a" has [2,3] (no broadcasting: pass same-shaped tensors)`,
      ),
    });
    assert.throws(() => elementwise({ a, i }, ({ a, i }) => ({ y: a.add(i) })), {
      message: elementwiseInputMessage("i", "has dtype int32 (expected float32; cast it first)"),
    });
    assert.throws(() => elementwise({}, () => ({})), /no inputs/);
    assert.throws(() => elementwise({ a }, () => ({})), /returned no outputs/);
    assert.throws(
      () => elementwise({ a }, ({ a }) => ({ y: a.add(b as unknown as Ew) })),
      /tensors cannot be used inside the body: pass them in the inputs record/,
    );
    const d = tf.ones([2, 3]);
    d.dispose();
    assert.throws(() => elementwise({ a, d }, ({ a, d }) => ({ y: a.add(d) })), {
      message: elementwiseInputMessage("d", "is disposed"),
    });
    tf.dispose([a, b, i]);
  });
});

test("the generated JavaScript loop rounds every operation to float32", () => {
  const source = loopSource({
    inputs: 2,
    instructions: [
      {
        op: "mul",
        args: [
          { kind: "value", index: 0 },
          { kind: "scalar", index: 0 },
        ],
      },
      { op: "sqrt", args: [{ kind: "value", index: 2 }] },
    ],
    outputs: [3],
    scalars: 1,
    key: "test",
  });
  assert.match(source, /const v2 = f\(v0 \* s0\);/);
  assert.match(source, /const v3 = f\(Math\.sqrt\(v2\)\);/);
  assert.match(source, /y0\[j\] = v3;/);
});
