/**
 * The cell engine in this process (no kernel around it): what a cell may declare, how a cell's text
 * is read, what a local import loads.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TypeScriptEngine, type ExecutionOutcome } from "../../kernel/engine";
import { CELL_GLOBALS, CELL_GLOBALS_PRELUDE } from "../../kernel/globals";
import { redeclaredTypeMessage } from "../../kernel/engine/redeclaredTypes";
import { InterruptState } from "../../kernel/interrupts";

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-cell-engine-"));
// A package whose export has the name of a Node global but is another object.
fs.mkdirSync(path.join(ROOT, "node_modules", "fake-perf"), { recursive: true });
fs.writeFileSync(path.join(ROOT, "node_modules", "fake-perf", "index.js"), "exports.performance = { now: () => 0 };\n");

/** What the front end was asked (input_request prompts) and will answer, for `prompt`. */
const asked: string[] = [];
const answers: string[] = [];
const prompt = (message?: string): string => {
  asked.push(message ?? "");
  return answers.shift() ?? "";
};
const engine = new TypeScriptEngine({
  rootDir: ROOT,
  prelude: CELL_GLOBALS_PRELUDE,
  globals: { ...CELL_GLOBALS, prompt },
  interrupts: new InterruptState(),
});
const never = new Promise<void>(() => undefined);
const run = (code: string): Promise<ExecutionOutcome> => engine.execute(code, never);

/** The value of a cell that must succeed. */
async function value(code: string): Promise<unknown> {
  const outcome = await run(code);
  assert.equal(outcome.status, "ok", `${code}: ${JSON.stringify(outcome)}`);
  return outcome.status === "ok" ? outcome.value : undefined;
}

/** The error of a cell that must fail: "ename: evalue". */
async function failure(code: string): Promise<string> {
  const outcome = await run(code);
  assert.equal(outcome.status, "error", `${code} should fail`);
  return outcome.status === "error" ? `${outcome.error.ename}: ${outcome.error.evalue}` : "";
}

after(() => engine.close());

describe("a cell's top-level names and Node's globals", { timeout: 120_000 }, () => {
  it("refuses a top-level declaration of a Node global before it runs, and keeps the global working", async () => {
    // Before: the cell's `Buffer` replaced the global for every module (the kernel crashed sending
    // the reply; `process`, `performance` broke optimlab for the rest of the session).
    for (const [code, name] of [
      ["const Buffer = [1, 2]", "Buffer"],
      ["const process = (x: number) => x * 2", "process"],
      ["let performance = 0.93", "performance"],
      ["function setTimeout() {}", "setTimeout"],
      ["class URL {}", "URL"],
      ["var console = { log: () => 1 }", "console"],
      ["const { a, b: [Map] } = { a: 1, b: [2] }", "Map"],
      ["enum Buffer { A }", "Buffer"],
    ]) {
      const error = await failure(code);
      assert.match(error, /^CompileError: /, code);
      assert.ok(error.includes(`'${name}' is one of Node's globals`), `${code}: ${error}`);
      assert.match(error, /Rename it, e\.g\. my\w+, or declare it inside a block/);
    }
    assert.match(await failure("const x = 1;\nconst process = 2"), /^CompileError: 2:7 - 'process'/);
    assert.equal(
      await value("Buffer.from('ab').length + typeof performance.now + typeof process.cwd"),
      "2functionfunction",
    );
    // Inside a block or a function the name is the learner's own; a type of that name binds nothing.
    assert.equal(await value("{ const process = 4; process }"), 4);
    assert.equal(await value("function f() { const Buffer = 5; return Buffer }\nf()"), 5);
    assert.equal(await value("interface Event { x: number }\nconst ev: Event = { x: 1 }; ev.x"), 1);
    assert.equal(await value("const myProcess = (x: number) => x * 2; myProcess(2)"), 4);
  });

  it("lets a cell import a global's own object, refuses another object of that name", async () => {
    assert.equal(await value('import { Buffer } from "node:buffer";\nBuffer.from("abc").length'), 3);
    assert.equal(await value('import process from "node:process";\ntypeof process.cwd'), "function");
    assert.equal(await value('import { performance as perf } from "perf_hooks";\ntypeof perf.now'), "function");
    const error = await failure('import { setTimeout } from "node:timers/promises"');
    assert.match(error, /^CompileError: 1:10 - 'setTimeout' of "node:timers\/promises" is not the global 'setTimeout'/);
    assert.match(error, /import \{ setTimeout as mySetTimeout \} from "node:timers\/promises"/);
    assert.match(await failure('import * as process from "process"'), /import \* as myProcess from "process"/);
    assert.equal(await value('import { setTimeout as sleep } from "node:timers/promises";\nawait sleep(1, 7)'), 7);
    // From a package: checked when the cell runs; nothing was bound.
    const late = await failure('import { performance } from "fake-perf"');
    assert.match(late, /^TypeError: 'performance' of "fake-perf" is not the global 'performance'/);
    assert.equal(await value("typeof performance.now() === 'number' && performance.now() > 0"), true);
  });
});

describe("a cell that is an object literal", { timeout: 120_000 }, () => {
  it("reads `{ a: 1, b: 2 }` as an object, as Node's REPL does, and a block as a block", async () => {
    // Before: `{ a: 1, b: 2 }` was "1:10 - ';' expected." and `{ a: 1 }` gave 1 (a block with a label).
    assert.deepEqual(await value("{ a: 1, b: 2 }"), { a: 1, b: 2 });
    assert.deepEqual(await value("{ a: 1 }"), { a: 1 });
    assert.deepEqual(await value("  {\n  nested: { x: [1, 2] },\n}\n"), { nested: { x: [1, 2] } });
    assert.deepEqual(await value("{}"), {});
    assert.equal(await value("{ const inBlock = 3; inBlock * 2 }"), 6);
    assert.match(await failure("{ a: 1, b: missing }"), /^CompileError: 1:12 - Cannot find name 'missing'/);
  });
});

describe("prompt(message, defaultValue)", { timeout: 120_000 }, () => {
  it("takes a default, as browsers and Deno do: an empty answer gives it", async () => {
    // Before: "CompileError: 1:17 - Expected 0-1 arguments, but got 2."
    answers.push("", "Grace", "");
    assert.equal(await value("const who: string = prompt('name?', 'Ada'); who"), "Ada");
    assert.equal(await value("prompt('name?', 'Ada')"), "Grace");
    assert.equal(await value("prompt('name?')"), "");
    assert.deepEqual(asked.splice(0), ["name? [Ada] ", "name? [Ada] ", "name?"]);
  });
});

describe("IPython syntax in a cell", { timeout: 120_000 }, () => {
  it("says, under the compile error, that this is a TypeScript kernel and what to do instead", async () => {
    // Before: only the parser's "1:1 - Expression expected." / "Cannot find name 'ls'".
    const timeit = await failure("%timeit 1+1");
    assert.match(timeit, /^CompileError: 1:1 - /);
    assert.match(
      timeit,
      /\nHint: this is a TypeScript kernel; IPython magics \(%timeit, %%time\) do not exist: .*console\.time/,
    );
    assert.match(
      await failure("!ls -la"),
      /Hint: this is a TypeScript kernel; shell commands \(!ls\) do not exist: .*execSync/,
    );
    assert.match(await failure("Math.max?"), /Hint: .*Shift-Tab/);
    assert.doesNotMatch(await failure("const n: number = 'one'"), /Hint/);
    assert.doesNotMatch(await failure("const okFlag = false\n!okFlag\nconst n: number = 'one'"), /Hint/);
  });
});

describe("stack traces of cells", { timeout: 120_000 }, () => {
  it("name the cell and its own lines, and leave the kernel's frames out, also of errors the learner prints", async () => {
    // Before: `at <anonymous>:2:7` for a throw on line 5 (the types the transpiler erased moved the
    // lines), and a caught error's stack listed node:inspector, evaluator.js, output.js, server.js ….
    const lines = async (code: string, name?: string): Promise<string[]> => {
      const outcome = await engine.execute(code, never, name);
      assert.equal(outcome.status, "error", code);
      return outcome.status === "error" ? outcome.error.traceback.slice(1) : [];
    };
    assert.deepEqual(
      await lines("interface Cfg {\n  lr: number;\n}\nconst cfg: Cfg = { lr: 1 };\nthrow new Error('cell line 5')"),
      ["    at <cell>:5:7"],
    );
    assert.deepEqual(
      await lines(
        "class A {\n  x = 1;\n  constructor(public y: number) {}\n  m() { throw new Error('m') }\n}\nnew A(1).m()",
        "In[3]",
      ),
      ["    at A.m (In[3]:4:15)", "    at In[3]:6:10"],
    );
    assert.equal(await value("function boom(): never {\n  throw new Error('boom');\n}"), undefined);
    assert.deepEqual(await lines("const list = [1];\nlist.map(() => boom())", "In[5]"), [
      "    at boom (<cell>:2:9)",
      "    at In[5]:2:16",
      "    at Array.map (<anonymous>)",
      "    at In[5]:2:6",
    ]);
    const stack = String(
      await value("let caught = '';\ntry { JSON.parse('x') } catch (e) { caught = (e as Error).stack ?? '' }\ncaught"),
    );
    assert.match(stack, /^SyntaxError: .*\n {4}at JSON\.parse \(<anonymous>\)\n {4}at <cell>:2:12$/);
    assert.match(String(await value("new Error('as value').stack")), /^Error: as value\n {4}at <cell>:1:1$/);
  });
});

describe("a type declared again in a later cell", { timeout: 120_000 }, () => {
  it("names both by cell and says the name was declared again, without the checker's virtual file", async () => {
    // Before: "Argument of type 'import("/…/__cell").Dir' is not assignable to parameter of type 'Dir'".
    const cell = (code: string, name: string): Promise<ExecutionOutcome> => engine.execute(code, never, name);
    assert.equal((await cell("enum Dir { Up = 'UP' }\nfunction go(d: Dir) { return d }", "In[11]")).status, "ok");
    const outcome = await cell("enum Dir { Down = 'DOWN' }\ngo(Dir.Down)", "In[12]");
    assert.equal(outcome.status, "error");
    assert.equal(
      outcome.status === "error" ? outcome.error.evalue : "",
      [
        "2:4 - Argument of type 'In[12].Dir' is not assignable to parameter of type 'In[11].Dir'.",
        `  ${redeclaredTypeMessage("Dir", "In[12]", "In[11]")}`,
      ].join("\n"),
    );
    // What the message advises: the new Dir in a cell of its own, then go takes it.
    assert.equal((await cell("enum Dir { Down = 'DOWN' }", "In[13]")).status, "ok");
    assert.equal(await value("go(Dir.Down)"), "DOWN");
  });

  it("keeps TypeScript's own continuation lines, and names an earlier cell's class in them too", async () => {
    assert.equal(
      (await engine.execute("class Pt { x = 1 }\nfunction take(p: Pt) { return p }", never, "In[21]")).status,
      "ok",
    );
    const outcome = await engine.execute("class Pt { y = 'a' }\ntake(new Pt())", never, "In[22]");
    const evalue = outcome.status === "error" ? outcome.error.evalue : "";
    assert.equal(
      evalue,
      [
        "2:6 - Argument of type 'In[22].Pt' is not assignable to parameter of type 'In[21].Pt'.",
        "  Property 'x' is missing in type 'In[22].Pt' but required in type 'In[21].Pt'.",
        `  ${redeclaredTypeMessage("Pt", "In[22]", "In[21]")}`,
      ].join("\n"),
    );
    assert.doesNotMatch(evalue, /__cell|import\(/);
  });
});
