/**
 * JupyterLab 4's client stack against a live optimlab kernel, in Chromium: @jupyterlab/services 7 (the
 * package JupyterLab 4 and Notebook 7 ship) starts a notebook session through Debian's classic Notebook
 * server, and an ipywidgets 8 widget manager (html-manager on base-manager, with the Output model
 * hooking messages the way jupyterlab-manager does) runs the widgets: comm open / msg / close in both
 * directions, a slider change from the front end, an Output widget capture (test/widgets/browser/labServices.ts).
 * What this does and does not prove about JupyterLab, Notebook 7 and VS Code: docs/widgets.md.
 *
 * Skips, saying why, without Chromium, the notebook server (python3-notebook) or the npm packages.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserTestMissing, sleep, withBrowserPage } from "./browser/harness";

const CELL = `
import { widgets } from "optimlab";
const alpha = new widgets.FloatSlider({ value: 0.1, min: 0, max: 1, step: 0.01, description: "α" });
const status = new widgets.Label({ value: "α = 0.10" });
alpha.observe(({ new: v }) => { console.log(\`alpha -> \${v}\`); status.value = \`α = \${(v as number).toFixed(2)}\`; });
const out = new widgets.Output();
const go = new widgets.Button({ description: "Go" });
go.onClick(() => out.capture(async () => {
  console.log("captured before await");
  await new Promise((resolve) => setTimeout(resolve, 10));
  console.log("captured after await");
}));
widgets.registerCommTarget("optimlab.lab.echo", (comm, open) => {
  console.log(\`opened \${JSON.stringify(open.data)} \${open.buffers.length}\`);
  comm.setHandlers({
    onMessage: (m) => comm.send({ got: m.data, sizes: m.buffers.map((b) => b.length) }, { buffers: m.buffers }),
    onClose: (m) => console.log(\`closed \${JSON.stringify(m.data)}\`),
  });
});
display(new widgets.VBox([new widgets.HBox([alpha, status]), go, out]));
console.log(JSON.stringify({ alpha: alpha.modelId, status: status.modelId, go: go.modelId, out: out.modelId }));
`;

const CHECKS = [
  "SessionManager starts a notebook session on the optimlab kernel",
  "the cell runs through the session's kernel",
  "kernel comm_open creates the widget models in the front end",
  "a front-end slider change reaches the kernel's observer, whose update reaches the front end",
  "the observer's output is a child of the front end's comm_msg",
  "the kernel echoes the update (echo_update)",
  "Output.capture puts the click's output into the Output widget (kernel.registerMessageHook)",
  "the Output widget's msg_id is reset after the capture",
  "a front-end comm_open reaches the kernel's target",
  "front-end comm_msg with buffers is answered by the kernel",
  "comm_info lists the open comm",
  "a front-end comm_close runs the kernel's close handler",
  "a kernel-opened comm reaches the front-end target: open, msg, close",
];

describe("widgets through JupyterLab's client stack (@jupyterlab/services 7)", { timeout: 300_000 }, () => {
  it("comms both ways, a slider change and an Output capture", async (t) => {
    const why = browserTestMissing();
    if (why) return t.skip(why);
    await withBrowserPage("labServices.ts", CELL, async ({ page, consoleLines, serverLog }) => {
      type LabTest = { phase: string; error?: string; passed: string[] };
      const state = async (): Promise<LabTest> =>
        (await page.evaluate(() => (window as unknown as { labTest?: LabTest }).labTest)) ?? {
          phase: "page script not running",
          passed: [],
        };
      let now = await state();
      for (let i = 0; i < 960 && now.phase !== "done" && !now.error; i++) {
        if (now.phase === "page script not running" && i > 80) break;
        await sleep(250);
        now = await state();
      }
      const context = `phase ${now.phase}; console:\n${consoleLines.join("\n")}\nserver:\n${serverLog().slice(-2000)}`;
      assert.equal(now.error, undefined, `front end failed: ${now.error}\n${context}`);
      assert.equal(now.phase, "done", context);
      assert.deepEqual(now.passed, CHECKS);
    });
  });
});
