/**
 * Real browser, real front end, real server: Chromium runs the ipywidgets 8 front end
 * (@jupyter-widgets/html-manager with base, controls and output, bundled by esbuild from node_modules),
 * which reaches a live optimlab kernel through Debian's classic Notebook server (its REST and websocket
 * API, via @jupyterlab/services). An `interact` over a FloatSlider is rendered, the slider is moved with
 * the keyboard, and the figure in the Output widget must change. Screenshots go to
 * test-results/widgets/ (before and after the move).
 *
 * Skips, saying why, without Chromium (/usr/bin/chromium), the notebook server (python3-notebook) or
 * playwright-core.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../protocol/kernelHarness";
import { browserTestMissing, sleep, withBrowserPage } from "./browser/harness";

const ARTIFACTS = path.join(REPO_ROOT, "test-results", "widgets");

const CELL = `
import { widgets, plot } from "optimlab";
const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 0.9, step: 0.1, description: "β" });
const powers = widgets.interact(
  ({ beta: b }) => plot.line({ "β^k": { x: [0, 1, 2, 3, 4, 5], y: [0, 1, 2, 3, 4, 5].map((k) => b ** k) } }, { title: \`momentum decay β = \${b.toFixed(1)}\`, xLabel: "k", yLabel: "β^k" }),
  { beta },
);
display(powers);
`;

describe("widgets in a real browser", { timeout: 300_000 }, () => {
  it("renders a live interact, and moving the slider changes the figure", async (t) => {
    const why = browserTestMissing();
    if (why) return t.skip(why);
    await withBrowserPage("page.ts", CELL, async ({ page, consoleLines, serverLog }) => {
      const state = async () =>
        (await page.evaluate(
          () => (window as unknown as { widgetTest?: { phase: string; error?: string } }).widgetTest,
        )) ?? { phase: "page script not running", error: undefined };
      for (let i = 0; i < 480 && (await state()).phase !== "rendered"; i++) {
        const now = await state();
        if (now.error)
          throw new Error(
            `front end failed: ${now.error}\nconsole:\n${consoleLines.join("\n")}\nserver:\n${serverLog().slice(-2500)}`,
          );
        if (now.phase === "page script not running" && i > 80) break;
        await sleep(250);
      }
      assert.equal(
        (await state()).phase,
        "rendered",
        `widgets never rendered; console:\n${consoleLines.join("\n")}\nserver:\n${serverLog().slice(-2000)}`,
      );

      const figureTitle = () => page.locator(".widget-output .optimlab-figure").first().getAttribute("aria-label");
      await page.locator(".widget-slider .noUi-handle").first().waitFor({ timeout: 60_000 });
      await page.locator(".widget-output .optimlab-figure").first().waitFor({ timeout: 120_000 });
      assert.equal(await figureTitle(), "momentum decay β = 0.5");
      await page.locator(".widget-output .main-svg").first().waitFor({ timeout: 60_000 }); // plotly.js drew it
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "browser-before.png"), fullPage: true });

      // Move the slider: two steps right with the keyboard (noUiSlider's handle is focusable).
      const handle = page.locator(".widget-slider .noUi-handle").first();
      await handle.focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      let title = await figureTitle();
      // Each key press sends an update; the figure may show β = 0.6 before the run for 0.7 lands.
      for (let i = 0; i < 240 && title !== "momentum decay β = 0.7"; i++) {
        await sleep(250);
        title = await figureTitle();
      }
      assert.equal(
        title,
        "momentum decay β = 0.7",
        `the figure did not follow the slider; console:\n${consoleLines.join("\n")}`,
      );
      assert.equal(await page.locator(".widget-readout").first().textContent(), "0.70");
      await page.locator(".widget-output .main-svg").first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(ARTIFACTS, "browser-after.png"), fullPage: true });
    });
  });
});
