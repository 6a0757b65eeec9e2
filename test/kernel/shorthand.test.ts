import { test } from "node:test";
import assert from "node:assert/strict";
import { expandShorthandProperties } from "../../kernel/shorthand";

test("shorthand properties become explicit so tslab can rewrite earlier-cell variables", () => {
  assert.equal(expandShorthandProperties("new optim.SGD({ lr });"), "new optim.SGD({ lr: lr });");
  assert.equal(expandShorthandProperties("const o = { a, b: 2, c };"), "const o = { a: a, b: 2, c: c };");
  assert.equal(expandShorthandProperties("f({ x, y: { z } });"), "f({ x: x, y: { z: z } });");
});

test("destructuring declarations, strings and comments are left alone", () => {
  const untouched = ["const { a, b } = obj;", 'const s = "{ lr }"; // { lr }', "function f({ a }: { a: number }) { return a; }"];
  for (const source of untouched) assert.equal(expandShorthandProperties(source), source);
});

test("destructuring assignment with a default stays equivalent and line numbers are kept", () => {
  assert.equal(expandShorthandProperties("({ a = 1 } = o);"), "({ a: a = 1 } = o);");
  const source = "const lr = 1;\nconst o = {\n  lr,\n};";
  assert.equal(expandShorthandProperties(source).split("\n").length, source.split("\n").length);
});
