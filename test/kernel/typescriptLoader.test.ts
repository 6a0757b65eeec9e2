/**
 * The engine's TypeScript loader: the first kernel writes V8's code cache for `typescript.js`, the
 * next one compiles from it (kernel/engine/typescriptLoader.ts). Each load runs in a fresh process.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const LOADER = path.resolve(__dirname, "../../kernel/engine/typescriptLoader");

/** Loads TypeScript in a new process with the cache in `dir`; reports what happened. */
function loadIn(dir: string): { used: boolean; sameModule: boolean; version: string } {
  const script = `
    const loader = require(${JSON.stringify(LOADER)});
    loader.loadTypeScript();
    const ts = require("typescript");
    ts.transpileModule("let a: number = 1", {});
    loader.saveTypeScriptCodeCache();
    console.log(JSON.stringify({ used: loader.typeScriptCodeCacheUsed(), sameModule: require("typescript") === ts, version: ts.version }));
  `;
  const args = __filename.endsWith(".ts") ? ["--import", "tsx", "-e", script] : ["-e", script];
  const out = execFileSync(process.execPath, args, {
    env: { ...process.env, OPTIMLAB_CACHE_DIR: dir },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { used: boolean; sameModule: boolean; version: string };
}

describe("TypeScript code cache", { timeout: 120_000 }, () => {
  it("is written by the first load and used by the next", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-tscache-"));
    try {
      const first = loadIn(dir);
      assert.equal(first.used, false);
      assert.equal(first.sameModule, true);
      const files = fs.readdirSync(dir);
      assert.equal(files.length, 1);
      assert.match(files[0], new RegExp(`^typescript-${first.version.replace(/\./g, "\\.")}-node-${process.version}-`));
      assert.equal(loadIn(dir).used, true);
      // A damaged cache is rejected by V8 and replaced.
      fs.writeFileSync(path.join(dir, files[0]), "not a cache");
      assert.equal(loadIn(dir).used, false);
      assert.equal(loadIn(dir).used, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
