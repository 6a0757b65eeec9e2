/**
 * A kept trace (`TraceCache`, what an optimizer keeps between steps) is reused only for a body
 * that records exactly the same program: any other operation, operand, output or slot count gets
 * its own program, so a cached program never runs another formula. Scalars are read afresh.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { elementwiseGroups, registerCpuFusedKernels, type Ew, type TraceCache } from "../../src/backend/fused";
import { Recorder } from "../../src/backend/fused/expression";
import { setUpWasm } from "../wasmKernels/helpers";

type Body = (x: { a: Ew; b: Ew }) => Record<string, Ew>;

function record(body: Body, previous?: ReturnType<Recorder["finish"]>, inputs = 2) {
  const recorder = new Recorder(inputs);
  const outputs = body({ a: recorder.input(0), b: recorder.input(1) });
  return { program: recorder.finish(Object.values(outputs), previous), scalars: recorder.scalarValues };
}

const base: Body = ({ a, b }) => ({ y: a.mul(0.5).add(b.sqrt()) });

test("the previous program is reused for the same structure, whatever its scalars", () => {
  const first = record(base).program;
  const again = record(({ a, b }) => ({ y: a.mul(-3).add(b.sqrt()) }), first);
  assert.equal(again.program, first);
  assert.deepEqual(again.scalars, [-3]);
});

test("any structural difference gives a new program with its own key", () => {
  const first = record(base).program;
  const variants: [string, Body][] = [
    ["another operation", ({ a, b }) => ({ y: a.div(0.5).add(b.sqrt()) })],
    ["another operand", ({ b }) => ({ y: b.mul(0.5).add(b.sqrt()) })],
    ["a value where a scalar was", ({ a, b }) => ({ y: a.mul(b).add(b.sqrt()) })],
    ["one more scalar", ({ a, b }) => ({ y: a.mul(0.5).add(b.sqrt().add(1)) })],
    ["another output", ({ a, b }) => ({ y: a.mul(0.5).add(b.sqrt()), z: a })],
    [
      "another value as the output",
      ({ a, b }) => {
        const scaled = a.mul(0.5);
        scaled.add(b.sqrt());
        return { y: scaled };
      },
    ],
    ["an output in another order", ({ a, b }) => ({ z: a, y: a.mul(0.5).add(b.sqrt()) })],
    [
      "an extra instruction that no output uses",
      ({ a, b }) => {
        a.neg();
        return { y: a.mul(0.5).add(b.sqrt()) };
      },
    ],
  ];
  for (const [what, body] of variants) {
    const fresh = record(body).program;
    const cached = record(body, first).program;
    assert.notEqual(cached, first, `${what}: not the cached program`);
    assert.deepEqual(cached, fresh, `${what}: the program recorded without a cache`);
    assert.notEqual(cached.key, first.key, `${what}: its own key`);
  }
});

test("a program with fewer instructions than the kept one is another program", () => {
  const longer = record(({ a, b }) => {
    const y = a.mul(0.5).add(b.sqrt());
    y.neg();
    return { y };
  }).program;
  const cached = record(base, longer).program;
  assert.notEqual(cached, longer);
  assert.deepEqual(cached, record(base).program);
});

test("a program of another number of inputs is another program, even with the same instructions", () => {
  const first = record(({ a }) => ({ y: a })).program;
  const cached = record(({ a }) => ({ y: a }), first, 3).program;
  assert.notEqual(cached, first);
  assert.equal(cached.inputs, 3);
});

test("one kept trace across formulas, shapes and scalars gives each call its own results", async () => {
  await setUpWasm();
  registerCpuFusedKernels();
  for (const backend of ["cpu", "wasm"]) {
    assert.ok(await tf.setBackend(backend));
    const cache: TraceCache = {};
    const calls: [number[], number, (a: Ew, b: Ew, s: number) => Ew, (a: number, b: number, s: number) => number][] = [
      [[5], 2, (a, b, s) => a.mul(s).add(b), (a, b, s) => Math.fround(Math.fround(a * s) + b)],
      [[2, 3], 3, (a, b, s) => a.mul(s).add(b), (a, b, s) => Math.fround(Math.fround(a * s) + b)],
      [[2, 3], 3, (a, b, s) => a.mul(s).sub(b), (a, b, s) => Math.fround(Math.fround(a * s) - b)],
      [[4], 0.25, (a, b, s) => b.mul(s).add(a), (a, b, s) => Math.fround(Math.fround(b * s) + a)],
    ];
    for (const [shape, s, formula, expected] of calls) {
      const size = shape.reduce((x, y) => x * y, 1);
      const av = Float32Array.from({ length: size }, (_, i) => i + 1);
      const bv = Float32Array.from({ length: size }, (_, i) => 10 * (i + 1));
      const a = tf.tensor(av, shape);
      const b = tf.tensor(bv, shape);
      const [{ y }] = elementwiseGroups([{ a, b }], ({ a, b }) => ({ y: formula(a, b, s) }), { cache });
      assert.deepEqual(y.shape, shape);
      assert.deepEqual(
        Array.from(y.dataSync()),
        Array.from(av, (x, i) => expected(x, bv[i], s)),
        `${backend}: shape [${shape.join(",")}], scale ${s}`,
      );
      tf.dispose([a, b, y]);
    }
  }
});
