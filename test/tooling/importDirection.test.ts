/**
 * The import-direction rule (scripts/importDirection.mjs, run by `npm run lint`): upward imports
 * are refused, the allowed directions pass. Run in a child process because the rule is an ES
 * module and these tests also run as CommonJS from dist/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";

function allowed(cases: [from: string, target: string][]): boolean[] {
  const rule = path.join(repoRoot(), "scripts", "importDirection.mjs");
  const script = `import { importAllowed } from ${JSON.stringify(rule)};
    console.log(JSON.stringify(${JSON.stringify(cases)}.map(([from, target]) => importAllowed(from, target))));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as boolean[];
}

test("imports flow one way: data → model → loss → transforms → optim → train → plot; library → display protocol", () => {
  const cases: [string, string, boolean][] = [
    ["src/train/fit.ts", "src/optim/index", true],
    ["src/optim/sgd.ts", "src/transforms/chain", true],
    ["src/optim/chainOptimizer.ts", "src/display/protocol", true],
    ["src/plot/lossCurves.ts", "src/train/records", true],
    ["src/data/loader.ts", "src/messages/options", true],
    ["src/index.ts", "src/plot/historyFigure", true],
    ["kernel/server.ts", "protocol/wire", true],
    ["runner/launch.ts", "kernel/kernelspecs", true],
    ["test/kernel/protocol.test.ts", "kernel/server", true],
    ["bench/kernel.ts", "protocol/kernelHarness", true],
    ["kernel/temporaryJupyter.ts", "protocol/kernelHarness", true],
    // Upward or sideways: refused.
    ["src/transforms/chain.ts", "src/optim/index", false],
    ["src/optim/chainOptimizer.ts", "src/display/format", false],
    ["src/train/history.ts", "src/plot/lossCurves", false],
    ["src/backend/index.ts", "src/data/loader", false],
    ["src/messages/options.ts", "src/optim/errors", false],
    ["protocol/wire.ts", "kernel/server", false],
    ["runner/execute.ts", "kernel/server", false],
    ["src/optim/sgd.ts", "kernel/server", false],
    // The benchmarks import no test code (the Jupyter client they share with the tests is protocol/kernelHarness).
    ["bench/kernel.ts", "test/kernel/jupyter", false],
    ["bench/widgets.ts", "test/fixtures/read", false],
  ];
  assert.deepEqual(
    allowed(cases.map(([from, target]) => [from, target])),
    cases.map(([, , expected]) => expected),
  );
});
