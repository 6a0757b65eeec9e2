/**
 * Display through the kernel: a figure embeds plotly.js the first time each client session (the
 * header's `session`: a notebook reopened in a new tab is a new one) displays one.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, KernelHarness } from "../../protocol/kernelHarness";
import { createMessage, serialize, type Message } from "../../protocol/wire";

const NOTEBOOK_DIR = path.join(REPO_ROOT, "test", "kernel", "fixtures");
const FIGURE = 'plot.line({ loss: [3, 2, 1] }, { title: "t", xLabel: "step", yLabel: "loss" })';

describe("plotly.js per client session", { timeout: 240_000 }, () => {
  it("re-embeds plotly.js for a new client session, once", async (t) => {
    if (!fs.existsSync(path.join(REPO_ROOT, "node_modules", "optimlab"))) {
      t.skip("optimlab is not linked (run npm install)");
      return;
    }
    const kernel = await KernelHarness.start({ cwd: NOTEBOOK_DIR });
    try {
      const html = (messages: Message[]): string => {
        const result = messages.find(
          (m) => m.header.msg_type === "execute_result" || m.header.msg_type === "display_data",
        );
        return String((result?.content.data as { "text/html"?: string } | undefined)?.["text/html"] ?? "");
      };
      const embeds = (text: string): boolean => text.includes("window.Plotly") && text.length > 1_000_000;
      const setup = await kernel.execute('import { plot } from "optimlab";', {}, 180_000);
      assert.equal(setup.reply.content.status, "ok", JSON.stringify(setup.reply.content));
      const first = await kernel.execute(FIGURE, {}, 60_000);
      assert.ok(embeds(html(first.iopub)), "the first figure carries plotly.js");
      const second = await kernel.execute(FIGURE, {}, 60_000);
      assert.ok(html(second.iopub).length > 0 && !embeds(html(second.iopub)), "later figures reuse it");
      // The same notebook opened in a new tab: another client session.
      const request = createMessage(
        "execute_request",
        { code: FIGURE, silent: false, store_history: true },
        { session: "another-tab" },
      );
      await kernel.sendFrames("shell", serialize(request, kernel.signer));
      await kernel.waitForReply(request, 60_000);
      assert.ok(embeds(html(await kernel.outputsOf(request))), "a new session gets plotly.js again");
      const third = await kernel.execute(FIGURE, {}, 60_000);
      assert.ok(!embeds(html(third.iopub)), "the first session still has it");
    } finally {
      await kernel.close();
    }
  });
});
