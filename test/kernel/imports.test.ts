/**
 * Cells run in the notebook's folder and can `import … from "optimlab"` (node_modules/optimlab links to
 * the repository), with types, as the tutorial notebooks do.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { REPO_ROOT, KernelHarness } from "../../protocol/kernelHarness";

const NOTEBOOK_DIR = path.join(REPO_ROOT, "test", "kernel", "fixtures");

describe("importing optimlab in cells", { timeout: 180_000 }, () => {
  it("resolves optimlab from the notebook folder, which is the cells' working directory", async (t) => {
    const built = path.join(REPO_ROOT, "dist", "src", "index.d.ts");
    if (!fs.existsSync(built) || !fs.existsSync(path.join(REPO_ROOT, "node_modules", "optimlab"))) {
      t.skip(`optimlab is not built/linked (${built} missing): run \`npm install\` or \`npm run build\``);
      return;
    }
    const kernel = await KernelHarness.start({ cwd: NOTEBOOK_DIR });
    try {
      const { reply, iopub } = await kernel.execute(
        'import { optim, md } from "optimlab";\nconsole.log(process.cwd());\nmd(`optimizer: ${typeof optim.SGD}`)',
        {},
        150_000,
      );
      assert.equal(reply.content.status, "ok", JSON.stringify(reply.content));
      const stdout = iopub
        .filter((m) => m.header.msg_type === "stream")
        .map((m) => m.content.text)
        .join("");
      assert.equal(stdout, `${NOTEBOOK_DIR}\n`);
      const result = iopub.find((m) => m.header.msg_type === "execute_result");
      assert.equal((result?.content.data as { "text/markdown": string })["text/markdown"], "optimizer: function");
      // types come along: a wrong option is a compile error
      const typed = await kernel.execute("new optim.SGD({ learningRate: 0.1 })", {}, 60_000);
      assert.equal(typed.reply.content.ename, "CompileError");
    } finally {
      await kernel.close();
    }
  });

  it("imports ESM-only and CommonJS packages, types, require and import(), resolved from the notebook folder", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-imports-"));
    const esm = path.join(dir, "node_modules", "esm-only");
    fs.mkdirSync(esm, { recursive: true });
    fs.writeFileSync(
      path.join(esm, "package.json"),
      JSON.stringify({
        name: "esm-only",
        type: "module",
        exports: { ".": { types: "./index.d.ts", import: "./index.js" } },
      }),
    );
    fs.writeFileSync(
      path.join(esm, "index.js"),
      "export const answer = 42;\nexport default function greet(name) { return `hi ${name}`; }\n",
    );
    fs.writeFileSync(
      path.join(esm, "index.d.ts"),
      "export declare const answer: number;\nexport default function greet(name: string): string;\nexport interface Shape { sides: number }\n",
    );
    const cjs = path.join(dir, "node_modules", "cjs-pkg");
    fs.mkdirSync(cjs, { recursive: true });
    fs.writeFileSync(
      path.join(cjs, "package.json"),
      JSON.stringify({ name: "cjs-pkg", main: "index.js", types: "index.d.ts" }),
    );
    fs.writeFileSync(path.join(cjs, "index.js"), "module.exports = { twice: (x) => 2 * x };\n");
    fs.writeFileSync(path.join(cjs, "index.d.ts"), "export declare function twice(x: number): number;\n");
    const kernel = await KernelHarness.start({ cwd: dir });
    try {
      const first = await kernel.execute(
        [
          'import greet, { answer } from "esm-only";',
          'import type { Shape } from "esm-only";',
          'import * as pkg from "cjs-pkg";',
          "const square: Shape = { sides: 4 };",
          "`${greet('ada')} ${answer} ${pkg.twice(square.sides)}`",
        ].join("\n"),
        {},
        120_000,
      );
      assert.equal(first.reply.content.status, "ok", JSON.stringify(first.reply.content));
      assert.deepEqual(first.iopub.find((m) => m.header.msg_type === "execute_result")?.content.data, {
        "text/plain": "'hi ada 42 8'",
      });
      const later = await kernel.execute(
        'const viaRequire = require("cjs-pkg").twice(5);\nconst dynamic = await import("esm-only");\n[viaRequire, dynamic.answer, answer]',
      );
      assert.equal(later.reply.content.status, "ok", JSON.stringify(later.reply.content));
      assert.deepEqual(later.iopub.find((m) => m.header.msg_type === "execute_result")?.content.data, {
        "text/plain": "[ 10, 42, 42 ]",
      });
      // a wrong type from an imported declaration is a compile error, with line:col
      const wrong = await kernel.execute("\nconst bad: Shape = { sides: 'four' };");
      assert.equal(wrong.reply.content.ename, "CompileError");
      assert.match(String(wrong.reply.content.evalue), /^2:\d+ - Type 'string' is not assignable to type 'number'/);
    } finally {
      await kernel.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("imports the notebook's own .ts files (./helper, ./helper.ts, import(), require), with their types", async () => {
    // Before: the checker resolved ./helper.ts, but running it failed with "Cannot find module './helper'".
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-local-ts-"));
    fs.writeFileSync(
      path.join(dir, "helper.ts"),
      [
        'import { sep } from "node:path";',
        "export interface Pair { a: number; b: number }",
        "export function add(a: number, b: number): number { return a + b; }",
        "export const SEP: string = sep;",
        "export default class Greeter { hi(name: string): string { return `hi ${name}`; } }",
        'export function boom(): never { throw new Error("from helper"); }',
      ].join("\n"),
    );
    const kernel = await KernelHarness.start({ cwd: dir });
    try {
      const first = await kernel.execute(
        [
          'import Greeter, { add, type Pair } from "./helper";',
          'import { add as plus } from "./helper.ts";',
          "const pair: Pair = { a: 1, b: 2 };",
          'const dynamic = await import("./helper");',
          '[add(pair.a, pair.b), plus(3, 4), new Greeter().hi("ada"), dynamic.SEP, require("./helper").add(5, 6)]',
        ].join("\n"),
        {},
        120_000,
      );
      assert.equal(first.reply.content.status, "ok", JSON.stringify(first.reply.content));
      assert.deepEqual(first.iopub.find((m) => m.header.msg_type === "execute_result")?.content.data, {
        "text/plain": `[ 3, 7, 'hi ada', '${path.sep}', 11 ]`,
      });
      const wrong = await kernel.execute('add("x", 1)');
      assert.equal(wrong.reply.content.ename, "CompileError");
      // A frame in the file has the file's own line (the interface above it is gone from the JavaScript).
      const thrown = await kernel.execute('import { boom } from "./helper";\nboom()');
      const traceback = (thrown.reply.content.traceback as string[]).join("\n");
      assert.match(traceback, /at boom \(.*helper\.ts:6:\d+\)/, traceback);
    } finally {
      await kernel.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
