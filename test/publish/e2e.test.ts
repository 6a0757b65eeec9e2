/**
 * End to end: `buildSite` executes a tiny notebook through the runner and the real optimlab kernel,
 * then renders its fresh outputs. Skips (with the reason) when the kernel is not built.
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
  if (!fs.existsSync(path.join(root, "dist", "cli", "main.js"))) return "the optimlab CLI/kernel is not built (run `npm run build`); the end-to-end site test needs it";
  try {
    require.resolve("optimlab", { paths: [root] });
  } catch {
    return "notebooks cannot import \"optimlab\" (node_modules/optimlab link missing: run `npm install`, whose prepare step links it)";
  }
  return undefined;
}

test("executes a notebook through the kernel and publishes its fresh outputs", { timeout: 300_000 }, async (t) => {
  const reason = kernelUnavailable();
  if (reason) return t.skip(reason);
  const out = tempDir("e2e");
  try {
    const progress = progressSink();
    const result = await buildSite({ inputs: [fixture("e2e")], outDir: out, progress, timeout: 120 });
    assert.equal(result.ok, true, `problems: ${result.pages.flatMap((p) => p.problems).join("\n")}\n${progress.lines.join("\n")}`);
    assert.match(progress.lines[0], /^\[1\/1\] .*tiny\.ipynb: executing 2 code cells with kernel optimlab$/);
    assert.ok(progress.lines.some((line) => /^ {2}cell 1\/2 ok \(\d+\.\d\d s\)$/.test(line)), progress.lines.join("\n"));
    assert.ok(progress.lines.some((line) => /^ {2}cell 2\/2 ok/.test(line)));
    const page = fs.readFileSync(path.join(out, "tiny.html"), "utf8");
    assert.ok(page.includes('<span style="color:rgb(0, 0, 187)">hello</span> from the kernel'), "stream output with its colour");
    assert.ok(page.includes('class="plotly-data"'), "the figure displayed by the kernel");
    assert.ok(page.includes("In [2]:"), "execution counts from the run");
    assert.equal(result.pages[0].executed, true);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
