/**
 * The kernel's start-up job runs optimlab's training warm-up (src/warmUp.ts) when the notebook
 * folder can import optimlab and no cell is waiting, and leaves nothing a cell can see: the first
 * `models.mlp` layer is still `dense_Dense1`, no tensor is left. A cell sent at once does not wait
 * for it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, KernelHarness } from "../../protocol/kernelHarness";
import { WARM_UP_STEPS, WARM_UP_TAPE_STEPS } from "../../src/warmUp";

const NOTEBOOK_DIR = path.join(REPO_ROOT, "test", "kernel", "fixtures");
/** Long enough for the TypeScript warm-up, the backend and the training warm-up on a loaded machine. */
const IDLE_MS = 15_000;

function stdout(iopub: { header: { msg_type: string }; content: Record<string, unknown> }[]): string {
  return iopub
    .filter((m) => m.header.msg_type === "stream")
    .map((m) => String(m.content.text))
    .join("");
}

describe("the kernel's training warm-up", { timeout: 180_000 }, () => {
  it("runs while the kernel is idle and leaves no trace in the notebook", async (t) => {
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "src", "warmUp.js"))) {
      t.skip("optimlab is not built: run `npm run build`");
      return;
    }
    const kernel = await KernelHarness.start({ cwd: NOTEBOOK_DIR, env: { OPTIMLAB_THREADS: "1" } });
    try {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const { reply, iopub } = await kernel.execute(
        [
          'import { models, tf, seed } from "optimlab";',
          'import { lastWarmUp } from "optimlab/dist/src/warmUp";',
          "const tensors = tf.memory().numTensors;",
          "seed(3);",
          "const model = models.mlp({ sizes: [4, 3, 2] });",
          "const names = model.layers.map((l) => l.name);",
          "model.dispose();",
          "console.log(JSON.stringify({ steps: lastWarmUp()?.steps, tensors, names }));",
        ].join("\n"),
        {},
        150_000,
      );
      assert.equal(reply.content.status, "ok", JSON.stringify(reply.content));
      const seen = JSON.parse(stdout(iopub)) as {
        steps?: number;
        tensors: number;
        names: string[];
      };
      if (seen.steps === undefined) {
        t.skip(`the warm-up had not run ${IDLE_MS / 1000} s after start (machine too loaded)`);
        return;
      }
      assert.equal(seen.steps, WARM_UP_STEPS + WARM_UP_TAPE_STEPS, "both paths, every step");
      assert.equal(seen.tensors, 0, "the warm-up disposed its tensors");
      assert.deepEqual(seen.names, ["dense_Dense1", "dense_Dense2"], "no layer name was used up");
    } finally {
      await kernel.close();
    }
  });

  it("does not make a cell sent right after start wait for all of it", async (t) => {
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "src", "warmUp.js"))) {
      t.skip("optimlab is not built: run `npm run build`");
      return;
    }
    // A warm-up far longer than the harness's start (minutes): the cell surely arrives while it runs.
    const steps = 100_000;
    const kernel = await KernelHarness.start({
      cwd: NOTEBOOK_DIR,
      env: { OPTIMLAB_THREADS: "1", OPTIMLAB_WARM_UP: String(steps) },
    });
    try {
      // Other requests are answered between the warm-up's chunks, not after all of it (kernel_info
      // waited for the whole warm-up before: the harness's start timed out in the fresh-clone CI).
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const asked = Date.now();
      const info = await kernel.request("shell", "kernel_info_request", {}, 10_000);
      assert.equal(info.reply.header.msg_type, "kernel_info_reply");
      assert.ok(Date.now() - asked < 10_000);
      const sentAt = Date.now();
      const { reply, iopub } = await kernel.execute(
        'import { lastWarmUp } from "optimlab/dist/src/warmUp";\nconsole.log(JSON.stringify({ steps: lastWarmUp()?.steps, endedAt: lastWarmUp()?.endedAt }));',
        {},
        150_000,
      );
      assert.equal(reply.content.status, "ok", JSON.stringify(reply.content));
      const seen = JSON.parse(stdout(iopub)) as { steps?: number; endedAt?: number };
      // Skipped (the cell was queued before it began) or stopped after a chunk, never run to the end first.
      assert.ok(seen.steps === undefined || seen.steps < 2 * steps, `warm-up ran ${seen.steps} steps before the cell`);
      if (seen.endedAt !== undefined)
        assert.ok(seen.endedAt >= sentAt, "it ended after the cell was sent: stopped by it");
    } finally {
      await kernel.close();
    }
  });
});
