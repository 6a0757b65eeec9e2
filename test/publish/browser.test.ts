/**
 * The built site and the notebook HTML fallback in a real browser (headless Chromium, file://):
 * every figure draws, no console errors, the slider changes the figure. Screenshots go to
 * test-results/ for a person to look at.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { buildSite } from "../../publish/build";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import * as plot from "../../src/plot";
import { CHROMIUM_MISSING, findChromium, launchChromium } from "./chromium";
import { fixture, progressSink, repoRoot, tempDir } from "./paths";

const chromium = findChromium();
const results = path.join(repoRoot(), "test-results");
const LOAD_TIMEOUT = 90_000; // 2 shared cores: parsing plotly.js can take many seconds
let browser: Browser | undefined;
let site: string | undefined;

before(async () => {
  if (!chromium) return;
  fs.mkdirSync(results, { recursive: true });
  site = tempDir("browser-site");
  await buildSite({ inputs: [fixture("site")], outDir: site, execute: false, progress: progressSink() });
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

/** Opens a file:// page, recording console errors and uncaught exceptions. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (browser as Browser).newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(pathToFileURL(file).href, { timeout: LOAD_TIMEOUT });
  return { page, errors };
}

test("site pages load offline without errors; KaTeX math is rendered", { timeout: 240_000 }, async (t) => {
  if (!chromium) return t.skip(CHROMIUM_MISSING);
  for (const name of ["index", "02-tables"]) {
    const { page, errors } = await open(path.join(site as string, `${name}.html`));
    await page.screenshot({ path: path.join(results, `site-${name}.png`), fullPage: true });
    assert.deepEqual(errors, [], `${name}: console errors`);
    await page.close();
  }
  const { page, errors } = await open(path.join(site as string, "01-figures.html"));
  await page.waitForSelector("body[data-figures-drawn]", { timeout: LOAD_TIMEOUT });
  assert.equal(await page.getAttribute("body", "data-figures-drawn"), "2");
  assert.equal(await page.locator(".plotly-figure").count(), 2);
  for (const figure of await page.locator(".plotly-figure").all())
    assert.ok((await figure.locator(".main-svg").count()) > 0, "a plotly SVG in every figure");
  assert.ok((await page.locator(".cell-markdown .katex").count()) >= 2, "math rendered");
  assert.equal(await page.locator(".cell-markdown .katex-error").count(), 0);
  const katexFont = await page.evaluate(async () => {
    await document.fonts.ready;
    return document.fonts.check("16px KaTeX_Main");
  });
  assert.ok(katexFont, "KaTeX fonts load from assets/");
  assert.ok(
    await page
      .locator(".cell-markdown img[src^='assets/images/']")
      .evaluate((img: HTMLImageElement) => img.naturalWidth > 0),
    "attachment image loads",
  );
  assert.equal(
    await page.locator(".gtitle").first().textContent(),
    "Loss <script>alert(1)</script>",
    "the title is shown as text",
  );
  await page.screenshot({ path: path.join(results, "site-figures.png"), fullPage: true });
  assert.deepEqual(errors, []);

  // The slider: clicking its right end animates to the last precomputed run.
  const figure = page.locator(".plotly-figure").nth(1);
  await figure.scrollIntoViewIfNeeded();
  const title = figure.locator(".gtitle");
  assert.equal(await title.textContent(), "Gradient descent, η = 0.02");
  const lineBefore = await figure.locator(".scatterlayer .trace path.js-line").first().getAttribute("d");
  const rail = await figure.locator("rect.slider-rail-touch-rect").boundingBox();
  assert.ok(rail, "slider drawn");
  await page.mouse.click(rail.x + rail.width - 3, rail.y + rail.height / 2);
  await page.waitForFunction(
    (el) => el?.querySelector(".gtitle")?.textContent === "Gradient descent, η = 0.09",
    await figure.elementHandle(),
    { timeout: 30_000 },
  );
  const lineAfter = await figure.locator(".scatterlayer .trace path.js-line").first().getAttribute("d");
  assert.notEqual(lineAfter, lineBefore, "the optimizer path changed");
  assert.match((await figure.locator(".slider-container").textContent()) ?? "", /learning rate η = 0\.09/);
  await figure.screenshot({ path: path.join(results, "site-slider-moved.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test(
  "notebook HTML fallback: plotly.js embedded once, works under RequireJS and out of order",
  { timeout: 240_000 },
  async (t) => {
    if (!chromium) return t.skip(CHROMIUM_MISSING);
    plot.reembedPlotly();
    const html = (figure: plot.Figure): string => (figure[JUPYTER_DISPLAY]() as { "text/html": string })["text/html"];
    const first = html(plot.line({ a: [1, 3, 2] }, { title: "First", xLabel: "x", yLabel: "y" }));
    const second = html(plot.line({ b: [2, 1, 3] }, { title: "Second", xLabel: "x", yLabel: "y" }));
    assert.ok(first.length > 1_000_000 && second.length < 5_000);
    // Classic Notebook has RequireJS: a global AMD `define` must not swallow the bundle. The second
    // figure's output comes first here, as when outputs render out of order.
    const page = [
      '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>',
      "<script>window.define = function () { throw new Error('AMD define was called'); }; window.define.amd = {};</script>",
      `<div class="output">${second}</div>`,
      `<div class="output">${first}</div>`,
      "</body></html>",
    ].join("\n");
    const dir = tempDir("fallback");
    try {
      fs.writeFileSync(path.join(dir, "notebook.html"), page);
      const { page: tab, errors } = await open(path.join(dir, "notebook.html"));
      await tab.waitForFunction(() => document.querySelectorAll(".optimlab-figure .main-svg").length >= 4, undefined, {
        timeout: LOAD_TIMEOUT,
      });
      assert.deepEqual(await tab.locator(".optimlab-figure .gtitle").allTextContents(), ["Second", "First"]);
      await tab.screenshot({ path: path.join(results, "notebook-fallback.png"), fullPage: true });
      assert.deepEqual(errors, []);
      await tab.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
