/**
 * End to end: `buildSite` executes two tiny notebooks (one fails on purpose) through the runner and
 * the real optimlab kernel, then renders their fresh outputs. Skips (with the reason) when the
 * kernel is not built.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { buildSite } from "../../publish/build";
import { fixture, progressSink, repoRoot, tempDir } from "./paths";

/** Why the kernel cannot run here, or undefined when it can. */
function kernelUnavailable(): string | undefined {
  const root = repoRoot();
  if (!fs.existsSync(path.join(root, "dist", "cli", "main.js")))
    return "the optimlab CLI/kernel is not built (run `npm run build`); the end-to-end site test needs it";
  try {
    require.resolve("optimlab", { paths: [root] });
  } catch {
    return 'notebooks cannot import "optimlab" (node_modules/optimlab link missing: run `npm install`, whose prepare step links it)';
  }
  return undefined;
}

test(
  "executes notebooks through the kernel, publishes fresh outputs, and reports the one that fails",
  { timeout: 300_000 },
  async (t) => {
    const reason = kernelUnavailable();
    if (reason) return t.skip(reason);
    const out = tempDir("e2e");
    try {
      const progress = progressSink();
      const result = await buildSite({ inputs: [fixture("e2e")], outDir: out, progress, timeout: 120 });
      const log = progress.lines.join("\n");
      const [tiny, fails] = result.pages;
      assert.equal(tiny.ok, true, `problems: ${tiny.problems.join("\n")}\n${log}`);
      assert.equal(result.ok, false, "the failing notebook fails the build");
      assert.match(progress.lines[0], /^\[1\/2\] .*tiny\.ipynb: executing 2 code cells with kernel optimlab$/);
      assert.match(log, /^ {2}cell 1\/2 ok \(\d+\.\d\d s\)$/m);
      assert.match(log, /^ {2}cell 2\/2 ok/m);
      assert.match(log, /^ {2}cell 2\/3 FAILED: .*$/m);
      assert.ok(!/cell 3\/3/.test(log), "cells after the error are not run");
      assert.match(log, /site: 1 of 2 notebooks failed:\n {2}.*zz-fails\.ipynb \(zz-fails\.html\)\n {4}cell 2: /);

      const page = fs.readFileSync(path.join(out, "tiny.html"), "utf8");
      assert.ok(
        page.includes('<span style="color:rgb(0, 0, 187)">hello</span> from the kernel'),
        "stream output with its colour",
      );
      assert.ok(page.includes('class="plotly-data"'), "the figure displayed by the kernel");
      assert.ok(page.includes("In [2]:"), "execution counts from the run");
      assert.match(
        page,
        /<p class="run-info">Executed in \d+\.\d s on \d{4}-\d\d-\d\d \(UTC\) when the site was built\.<\/p>/,
      );
      assert.equal(tiny.executed, true);

      const failed = fs.readFileSync(path.join(out, "zz-fails.html"), "utf8");
      assert.ok(failed.includes("This notebook failed when the site was built."));
      assert.match(failed, /<pre class="output-error">[^]*notDefinedAnywhere/);
      assert.ok(failed.includes("before 1"), "output of the cell before the error");
      assert.deepEqual(fails.problems.length, 1);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
);
