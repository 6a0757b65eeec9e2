/**
 * The cell engine without a kernel around it: the type checker (with its fast path for tiny cells)
 * agrees with TypeScript, the newest declaration of a name wins, and module syntax becomes REPL code.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as os from "node:os";
import { CellChecker } from "../../kernel/engine/checker";
import { parseCell } from "../../kernel/engine/cellSyntax";
import { fastCheck } from "../../kernel/engine/fastCheck";
import { toJavaScript } from "../../kernel/engine/transpile";

const errorsOf = (checker: CellChecker, code: string): string[] =>
  checker.check(code).diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);

describe("cell type checking", { timeout: 120_000 }, () => {
  const checker = new CellChecker({
    rootDir: os.tmpdir(),
    prelude: "declare const display: (value: unknown) => void;",
  });

  it("lets the newest declaration of a name win, with a new type, across the fast and the full path", () => {
    assert.deepEqual(errorsOf(checker, "let qi = 3; qi"), []);
    assert.equal(checker.check("qi + 1").fast, true, "a tiny cell takes the fast path");
    assert.deepEqual(errorsOf(checker, "qi.toFixed(1)"), [], "the full path sees the fast path's declaration");
    assert.deepEqual(errorsOf(checker, "const qi: string = 'now a string'"), []);
    assert.match(errorsOf(checker, "qi - 1").join(), /arithmetic operation/);
    assert.deepEqual(errorsOf(checker, "function qi() { return 1 }\nqi() + 1"), []);
    assert.deepEqual(errorsOf(checker, "class Point { x = 1 }\ninterface Shape { sides: number }"), []);
    assert.deepEqual(errorsOf(checker, "const p: Point = new Point(); const s: Shape = { sides: p.x }"), []);
    assert.deepEqual(
      errorsOf(checker, "interface Shape { corners: string }\nconst t: Shape = { corners: 'four' }"),
      [],
    );
  });

  it("reports line:col of the cell (not of the hidden header of earlier imports)", () => {
    assert.deepEqual(errorsOf(checker, 'import * as path from "node:path";'), []);
    const errors = errorsOf(checker, 'import * as os from "node:os";\nconst n: number = path.sep + os.EOL;');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^2:7 Type 'string' is not assignable to type 'number'\./);
    assert.deepEqual(errorsOf(checker, "path.join('a', 'b')"), [], "an earlier cell's import is visible");
  });

  it("fast path: exactly TypeScript's verdict inside its subset, undefined (full check) outside", () => {
    const earlier = (name: string) => ({ i: "number", s: "string", b: "boolean", n: "bigint" })[name] as never;
    const verdict = (code: string) => fastCheck(parseCell(code).file, earlier);
    for (const ok of ["1 + i", "let qi = i; qi", "`${s}!` + i", "i * 2 > 3 && b", "n + 2n", "s + i", "!s", "-i ** 2"]) {
      assert.ok(verdict(ok), ok);
    }
    // Each of these is a TypeScript error, or outside the subset: the full check decides.
    for (const other of [
      "s - 1",
      "n + 1",
      "b < b",
      "i === s",
      "-s",
      "missing + 1",
      "const c = 1",
      "i.toFixed()",
      "let a = z; let z = 1",
      "let x: number = 1",
    ]) {
      assert.equal(verdict(other), undefined, other);
    }
    assert.deepEqual(
      [...(verdict("let a = i, t = s + a")?.declared ?? [])],
      [
        ["a", "number"],
        ["t", "string"],
      ],
    );
  });
});

describe("module syntax → REPL JavaScript", () => {
  it("turns imports into loader calls, drops types, and makes top-level bindings lexical", () => {
    const js = toJavaScript(
      parseCell(
        'import d, { a, type T, b as c } from "m";\nimport type { U } from "m";\nimport * as ns from "n";\nvar v: number = 1;\nfunction f(x: T): U { return x as U; }\nexport const e = await import("x");',
      ).file,
    );
    assert.match(js, /const \{ default: d, a, b: c \} = await __optimlab\.load\("m"\);/);
    assert.match(js, /const ns = await __optimlab\.load\("n"\);/);
    assert.doesNotMatch(js, /\btype\b|: number|export|[^.]import\(/);
    assert.match(js, /let v = 1;/);
    assert.match(js, /let f = function f\(x\) \{ return x; \};/);
    assert.match(js, /const e = await __optimlab\.import\("x"\);/);
  });
});
