/**
 * SIGINT to the kernel's process group (jupyter_client's signal_kernel, Ctrl-C in a terminal) stops a
 * busy loop, also one after an `await`, through kernel/sigintRelay.ts; each signal interrupts once,
 * and the kernel keeps its state. Driven by test/kernel/sigint_check.py through Debian's jupyter_client.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { missingPython, runKernelScript } from "./jupyter";

interface StepResult {
  ok: boolean;
  detail: string;
}

describe("SIGINT to the kernel's process group", { timeout: 300_000 }, () => {
  let results: { [step: string]: StepResult } = {};
  let skip: string | undefined;

  before(async () => {
    skip = missingPython();
    if (skip) return;
    results = await runKernelScript<{ [step: string]: StepResult }>("sigint_check.py", [], 280_000, "the SIGINT run");
    assert.ok(!results.error, results.error?.detail);
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
