/**
 * The cell engine without a kernel around it: the type checker (with its fast path for tiny cells)
 * agrees with TypeScript, the newest declaration of a name wins, and module syntax becomes REPL code.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as os from "node:os";
import { CellChecker } from "../../kernel/engine/checker";
import { parseCell, withoutExports } from "../../kernel/engine/cellSyntax";
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

  it("keeps a name whose inferred type cannot be written out (await import), typed for later cells", () => {
    // Before: "Exported variable 'um' has or is using name … but cannot be named" (declaration emit).
    assert.deepEqual(errorsOf(checker, 'const um = await import("util")'), []);
    assert.deepEqual(errorsOf(checker, "const shown: string = um.inspect(1)"), []);
    assert.match(errorsOf(checker, "const wrong: number = um.inspect(1)").join(), /not assignable to type 'number'/);
    // Any other such name is typed `any` for later cells (annotate it to keep it checked).
    assert.deepEqual(errorsOf(checker, 'const later = await import("util").then((u) => u)'), []);
    assert.deepEqual(errorsOf(checker, "const anything: number = later.whatever"), []);
  });

  it("takes `export` out of a cell (code pasted from a module), refuses the exports that mean nothing there", () => {
    // Before: the checker's hidden `export { names }` tail clashed with the cell's own export, and the
    // diagnostics pointed at a line 2 the one-line cell did not have.
    const exportless = (code: string): string => {
      const result = withoutExports(code);
      assert.ok("code" in result, `${code}: ${"problem" in result ? result.problem.message : ""}`);
      return result.code;
    };
    assert.equal(exportless("export const ex = 5"), "       const ex = 5");
    assert.equal(exportless("const a = 1\nexport { a }"), "const a = 1\n            ");
    assert.equal(exportless("export default class C {}"), "               class C {}");
    assert.equal(exportless("const s = 'export'; s"), "const s = 'export'; s");
    for (const code of ["export const ex = 5", "export function f() { return ex }", "export interface I { x: number }"])
      assert.deepEqual(errorsOf(checker, exportless(code)), [], code);
    assert.deepEqual(errorsOf(checker, "const i: I = { x: f() }"), [], "later cells see what the exports declared");
    const problem = (code: string) => {
      const result = withoutExports(code);
      return "problem" in result ? `${result.problem.line}:${result.problem.column} ${result.problem.message}` : "";
    };
    assert.match(problem("const x = 1\nexport default 42"), /^2:1 `export default` of a value has no meaning/);
    assert.match(problem("export * from 'node:fs'"), /^1:1 a notebook cell cannot re-export another module/);
    assert.match(problem("export = 3"), /^1:1 `export =` has no meaning/);
  });

  it('keeps a cell\'s `declare global { … }` for later cells (it bound a name "global" before)', () => {
    assert.deepEqual(errorsOf(checker, "declare global { var gx: number }"), []);
    assert.deepEqual(errorsOf(checker, "const g: number = gx"), []);
    assert.match(errorsOf(checker, "const h: string = gx").join(), /Type 'number' is not assignable to type 'string'/);
  });

  it("accepts `import x = require(…)`, as docs/kernel.md says (TS1202 under module ESNext before)", () => {
    assert.deepEqual(errorsOf(checker, 'import nodeFs = require("node:fs");'), []);
    assert.deepEqual(errorsOf(checker, 'const exists: boolean = nodeFs.existsSync(".")'), []);
  });

  it('inspects a known name, and finds nothing for a name that does not exist (it said "any", found, before)', () => {
    assert.deepEqual(errorsOf(checker, "const inspected = 1"), []);
    assert.match(checker.inspect("inspected", 3) ?? "", /^const inspected: 1/);
    assert.equal(checker.inspect("doesNotExist", 3), undefined);
  });

  it("completes non-ASCII names over the whole word typed, and node: specifiers with Node's built-ins", () => {
    // Before: the word before the cursor was /[\w$]*$/ (ASCII): `中` completed from an empty word
    // (every global, replace range at the cursor: accepting 中文 gave 中中文); `"node:f` listed
    // node_modules folders (fast-deep-equal, …).
    assert.deepEqual(errorsOf(checker, "const 中文 = 1; const π = 3.14; const données = 2"), []);
    for (const [code, name] of [
      ["中", "中文"],
      ["π", "π"],
      ["donné", "données"],
      ["1 + 中", "中文"],
    ]) {
      const completion = checker.complete(code, code.length);
      const typed = code.split(" ").pop() ?? "";
      assert.deepEqual(completion.matches, [name], code);
      assert.deepEqual([completion.start, completion.end], [code.length - typed.length, code.length], code);
    }
    for (const code of ['import * as fs from "node:f', "const u = await import('node:ut", 'require("node:']) {
      const completion = checker.complete(code, code.length);
      const typed = /node:\w*$/.exec(code)?.[0] ?? "";
      assert.ok(completion.matches.length > 0, code);
      assert.ok(
        completion.matches.every((m) => m.startsWith(typed)),
        `${code}: ${completion.matches.join()}`,
      );
      assert.equal(completion.start, code.length - typed.length, code);
    }
    const specifier = 'import * as fs from "node:f';
    assert.deepEqual(checker.complete(specifier, specifier.length).matches, ["node:fs", "node:fs/promises"]);
    assert.ok(checker.complete('import {} from "node:', 21).matches.includes("node:test"));
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
    assert.match(js, /let \{ default: d, a, b: c \} = await __optimlab\.load\("m"\);/);
    assert.match(js, /let ns = await __optimlab\.load\("n"\);/);
    assert.doesNotMatch(js, /\btype\b|: number|export|[^.]import\(/);
    assert.match(js, /let v = 1;/);
    assert.match(js, /let f = function f\(x\) \{ return x; \};/);
    assert.match(js, /let e = await __optimlab\.import\("x"\);/);
  });

  it("makes every top-level binding a let, so that a later cell may declare the name with another keyword", () => {
    const js = (code: string) => toJavaScript(parseCell(code).file);
    assert.equal(js("const a = 1, b = 2;"), "let a = 1, b = 2;\n");
    assert.equal(js("class C { static n = C.name }"), "let C = class C {\n    static n = C.name;\n};\n");
    assert.equal(js("for (const q of [1]) {}"), "for (const q of [1]) { }\n", "only top-level statements");
    assert.equal(js("function f() {\n}\nf()").split("\n").length, "function f() {\n}\nf()\n".split("\n").length);
  });
});
