/**
 * The kernel-engine issue's bugs, each reproduced through Debian's jupyter_client (the Python client
 * Jupyter itself uses): test/kernel/jupyter_client_checks.py runs one fresh kernel per check and
 * reports; each check is one test here. Skips (with the reason) without python3-jupyter-client.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { missingPython, runKernelScript } from "./jupyter";

interface CheckResult {
  ok: boolean;
  detail: string;
  seconds: number;
}

/** Check name → what the issue reported (the test's title). */
const CHECKS: { [name: string]: string } = {
  interrupt_fit: "Interrupt during train.fit stops it within 1 s (not after all epochs)",
  rebinding: "a function of an earlier cell sees the value a later cell gave a name",
  throw_keeps_declarations: "a cell that throws keeps what it declared, imports included",
  prompt: "prompt() and await input() send input_request; without stdin a clear error",
  interrupt_loop_after_await: "busy loops (also after an await) and awaiting cells are interrupted, state kept",
  shutdown_in_busy_loop: "shutdown_request ends the kernel within 2 s during while (true) {}",
  sigterm_in_busy_loop: "SIGTERM ends the kernel within 2 s during while (true) {}",
  parent_death: "a kernel whose client was SIGKILLed exits",
  thrown_values_get_replies: "every thrown value (throwing getters, Proxies) gets error + execute_reply",
  history_search_linear: "history search with *a*a*a*a*a*b answers at once",
  replay_rejected: "a replayed signed message is not executed twice",
  control_execute: "execute_request on control never runs code and gets a reply",
  kernel_info: "codemirror_mode is 'typescript' (classic Notebook highlights it)",
  tensor_display: "a tensor shows its values as a cell value and in console.log",
  inspect_doc: "Shift-Tab shows the doc comment",
};

describe("the kernel through jupyter_client", { timeout: 900_000 }, () => {
  let results: { [name: string]: CheckResult } | undefined;
  let skip: string | undefined;

  before(async () => {
    skip = missingPython();
    if (skip) return;
    results = await runKernelScript<{ [name: string]: CheckResult }>(
      "jupyter_client_checks.py",
      Object.keys(CHECKS),
      850_000,
      "the checks",
    );
  });

  for (const [name, title] of Object.entries(CHECKS)) {
    it(title, (t) => {
      if (skip) {
        t.skip(skip);
        return;
      }
      const result = results?.[name];
      assert.ok(result, `check ${name} did not report`);
      assert.ok(result.ok, `${name}: ${result.detail}`);
      t.diagnostic(`${result.detail} (${result.seconds} s)`);
    });
  }
});
