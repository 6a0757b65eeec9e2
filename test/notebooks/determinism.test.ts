/**
 * Determinism: a seeded notebook prints the same numbers every run on the same backend. Runs a
 * tutorial notebook once to store its outputs, then again with `--check-outputs` against them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";

test("a seeded notebook's outputs repeat exactly on a second run", { timeout: 180_000 }, (t) => {
  const root = repoRoot();
  const cli = path.join(root, "bin", "optimlab.js");
  if (!fs.existsSync(path.join(root, "dist", "cli", "main.js")))
    return t.skip("the CLI is not built (run `npm run build`)");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-determinism-"));
  try {
    const notebook = path.join("notebooks", "05-weight-decay-vs-l2.ipynb");
    const first = spawnSync(process.execPath, [cli, "run", notebook, "--output-dir", out], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(first.status, 0, first.stdout + first.stderr);
    const stored = path.join(out, notebook);
    // Same working directory as the original (module resolution), the stored outputs as reference.
    const second = spawnSync(
      process.execPath,
      [
        cli,
        "test",
        stored,
        "--cwd",
        path.join(root, "notebooks"),
        "--check-outputs",
        "--sanitize",
        path.join(root, "test", "notebooks", "determinism.sanitize"),
      ],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(second.status, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /1 notebook: 1 passed, 0 failed/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
