/**
 * SIGINT to the kernel's process group (jupyter_client's signal_kernel, Ctrl-C in a terminal) stops a
 * busy loop, also one after an `await`, through kernel/sigintRelay.ts; each signal interrupts once,
 * and the kernel keeps its state. Driven by test/kernel/sigint_check.py through Debian's jupyter_client.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../protocol/kernelHarness";
import { temporaryJupyter } from "../../kernel/temporaryJupyter";
import { missingPython, runPython } from "./jupyter";

interface StepResult {
  ok: boolean;
  detail: string;
}

describe("SIGINT to the kernel's process group", { timeout: 300_000 }, () => {
  let results: { [step: string]: StepResult } = {};
  let skip: string | undefined;
  let jupyterRoot: string | undefined;

  before(async () => {
    skip = missingPython();
    if (skip) return;
    const { root, env } = temporaryJupyter();
    jupyterRoot = root;
    const run = await runPython(
      [path.join(REPO_ROOT, "test", "kernel", "sigint_check.py"), path.join(REPO_ROOT, "test", "kernel", "fixtures")],
      env,
      280_000,
    );
    assert.equal(run.code, 0, `the SIGINT run did not finish:\n${run.stderr}`);
    results = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as { [step: string]: StepResult };
    assert.ok(!results.error, results.error?.detail);
  });

  after(() => {
    if (jupyterRoot) fs.rmSync(jupyterRoot, { recursive: true, force: true });
  });

  const steps: [string, string][] = [
    ["sync_loop", "stops a synchronous busy loop with KeyboardInterrupt"],
    ["loop_after_await", "stops a busy loop that starts after an await"],
    ["awaiting", "stops a cell awaiting a promise"],
    ["state_kept_no_duplicate", "interrupts once per signal and keeps the kernel's state"],
  ];
  for (const [step, title] of steps) {
    it(title, (t) => {
      if (skip) return t.skip(skip);
      const result = results[step];
      assert.ok(result, `step ${step} did not run`);
      assert.ok(result.ok, result.detail);
    });
  }
});
