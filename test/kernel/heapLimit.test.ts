/**
 * A cell that exhausts the JavaScript heap: the limit docs/kernel.md ("Limits") describes. Node 20
 * gives JavaScript no hook at V8's heap limit, so the kernel process aborts ("JavaScript heap out of
 * memory" on its stderr) without a reply; what this checks is that it does end, at once, and that
 * its child processes (the SIGINT relay) end with it. A small heap (384 MB: the type checker alone needs most of 200 MB) keeps it to seconds.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KernelHarness } from "../../protocol/kernelHarness";
import { alive, childPids } from "./processes";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a cell that exhausts the JavaScript heap", { timeout: 120_000 }, () => {
  it("ends the kernel process (Node aborts at V8's heap limit) and leaves no child process behind", async () => {
    const kernel = await KernelHarness.start({ env: { NODE_OPTIONS: "--max-old-space-size=384" } });
    try {
      await kernel.execute("0", { silent: true }, 60_000);
      const children = childPids(kernel.child.pid as number);
      assert.ok(children.length > 0, "the kernel's SIGINT relay runs");
      const request = kernel.send("shell", "execute_request", {
        code: "const hog: number[][] = []; for (let i = 0; ; i++) hog.push(new Array(1e6).fill(1.5))",
        silent: false,
        store_history: true,
      });
      await kernel.exited(60_000);
      assert.match(kernel.stderr, /JavaScript heap out of memory/);
      assert.ok(
        !kernel.published.some((m) => kernel.isChildOf(m, request) && m.content.execution_state === "idle"),
        "no idle: the process died inside the cell (see docs/kernel.md, Limits)",
      );
      for (let tries = 0; children.some(alive) && tries < 50; tries++) await sleep(100);
      assert.deepEqual(children.filter(alive), [], "the kernel's child processes end with it");
    } finally {
      await kernel.close();
    }
  });
});
