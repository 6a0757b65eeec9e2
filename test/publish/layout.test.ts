/**
 * The page layout in a real browser (headless Chromium, file://), at a desktop and a phone width:
 * code blocks in markdown are boxed like code cells and scroll inside the column, a code cell is
 * one box (not highlight.js's white panel inside ours), the page is never wider than the window,
 * and at narrow widths the prompts go above the cells while wide outputs scroll inside their box.
 * The notebook is written here (stored outputs, built with `execute: false`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { buildSite } from "../../publish/build";
import type { Notebook } from "../../runner";
import { CHROMIUM_MISSING, findChromium, launchChromium } from "./chromium";
import { progressSink, repoRoot, tempDir } from "./paths";

const chromium = findChromium();
const results = path.join(repoRoot(), "test-results");
const LOAD_TIMEOUT = 90_000;
let browser: Browser | undefined;
let site: string | undefined;

const LONG_LINE = `const losses = [${Array.from({ length: 60 }, (_, i) => `lossAt(${i})`).join(", ")}];`;
const WIDE_TABLE = `<table><tr>${Array.from({ length: 8 }, (_, i) => `<th>学习率与权重衰减 ${i}</th>`).join("")}</tr><tr>${Array.from({ length: 8 }, (_, i) => `<td>训练损失 ${i}</td>`).join("")}</tr></table>`;

const WIDE_MARKDOWN_TABLE = [0, 1, 2]
  .map(
    (row) => `| ${Array.from({ length: 8 }, (_, i) => (row === 1 ? "---" : `output on 28×28×${i}`)).join(" | ")} |\n`,
  )
  .join("");

/** A notebook with everything that can be too wide: long code, a wide table, a figure. */
function layoutNotebook(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "optimlab", display_name: "TypeScript", language: "typescript" } },
    cells: [
      {
        cell_type: "markdown",
        metadata: {},
        source: `# Layout\n\nInline code without spaces: \`${LONG_LINE.replace(/ /g, "")}\`.\n\n${WIDE_MARKDOWN_TABLE}`,
      },
      { cell_type: "markdown", metadata: {}, source: `## Long code in markdown\n\n\`\`\`ts\n${LONG_LINE}\n\`\`\`\n` },
      {
        cell_type: "code",
        metadata: {},
        execution_count: 2,
        source: LONG_LINE,
        outputs: [
          { output_type: "execute_result", execution_count: 2, data: { "text/html": WIDE_TABLE }, metadata: {} },
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "application/vnd.plotly.v1+json": {
                data: [{ type: "scatter", x: [1, 2, 3], y: [3, 1, 2], name: "loss" }],
                layout: { title: { text: "Training loss of three optimizers per epoch" }, height: 300 },
              },
            },
          },
        ],
      },
      { cell_type: "markdown", metadata: {}, source: "## 第二节：结论\n\nThe end." },
    ],
  };
}

before(async () => {
  if (!chromium) return;
  fs.mkdirSync(results, { recursive: true });
  site = tempDir("layout-site");
  const notebooks = path.join(site, "notebooks");
  fs.mkdirSync(notebooks);
  fs.writeFileSync(path.join(notebooks, "layout.ipynb"), JSON.stringify(layoutNotebook()));
  await buildSite({ inputs: [notebooks], outDir: path.join(site, "out"), execute: false, progress: progressSink() });
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

async function open(width: number): Promise<Page> {
  const page = await (browser as Browser).newPage({ viewport: { width, height: 900 } });
  await page.goto(pathToFileURL(path.join(site as string, "out", "layout.html")).href, { timeout: LOAD_TIMEOUT });
  await page.waitForSelector("body[data-figures-drawn]", { timeout: LOAD_TIMEOUT });
  return page;
}

/** The page's width against the window's, and whether a box scrolls its content sideways. */
const pageWidth = (page: Page): Promise<{ scroll: number; window: number }> =>
  page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, window: window.innerWidth }));
/** Whether a box (or the one element inside it: highlight.js makes `pre code` scroll) scrolls its content sideways. */
const scrolls = (page: Page, selector: string): Promise<boolean> =>
  page
    .locator(selector)
    .evaluate((box) =>
      [box, box.firstElementChild].some(
        (el) => el !== null && el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === "auto",
      ),
    );

test(
  "markdown code blocks are boxed like code cells and scroll in the column; the page fits the window",
  { timeout: 240_000 },
  async (t) => {
    if (!chromium) return t.skip(CHROMIUM_MISSING);
    for (const width of [1280, 400]) {
      const page = await open(width);
      await page.screenshot({ path: path.join(results, `site-layout-${width}.png`), fullPage: true });
      const { scroll, window } = await pageWidth(page);
      assert.ok(scroll <= window, `at ${width} px the page is ${scroll} px wide`);
      assert.ok(await scrolls(page, ".cell-markdown pre"), "the markdown code block scrolls inside its box");
      const box = await page.locator(".cell-markdown pre").evaluate((el) => ({
        background: getComputedStyle(el).backgroundColor,
        border: getComputedStyle(el).borderTopStyle,
      }));
      const cell = await page.locator(".input pre").evaluate((el) => ({
        background: getComputedStyle(el).backgroundColor,
        border: getComputedStyle(el).borderTopStyle,
      }));
      assert.deepEqual(box, cell, "the same box as a code cell");
      assert.equal(await page.locator(".cell-markdown pre code.hljs").count(), 1, "highlighted like a code cell");
      await page.close();
    }
  },
);

test(
  "a code cell is one box: the code inside it has no background or padding of its own",
  { timeout: 240_000 },
  async (t) => {
    if (!chromium) return t.skip(CHROMIUM_MISSING);
    const page = await open(1280);
    for (const selector of [".input pre code", ".cell-markdown pre code"]) {
      const style = await page.locator(selector).evaluate((el) => {
        const s = getComputedStyle(el);
        return { background: s.backgroundColor, padding: s.padding };
      });
      assert.deepEqual(style, { background: "rgba(0, 0, 0, 0)", padding: "0px" }, selector);
    }
    await page.close();
  },
);

test(
  "at 400 px the prompts go above the cells, no side margins remain, and wide outputs scroll in their box",
  { timeout: 240_000 },
  async (t) => {
    if (!chromium) return t.skip(CHROMIUM_MISSING);
    const page = await open(400);
    const rect = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => {
          const r = el.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
        });
    const prompt = await rect(".input .prompt");
    const code = await rect(".input pre");
    assert.ok(prompt.bottom <= code.top + 1, "the In [n] prompt is above the code");
    assert.ok(code.width >= 340, `the code gets the column (${code.width} px)`);
    const output = await rect(".output-body");
    assert.ok(Math.abs(output.left - code.left) <= 1, "outputs start where the code starts");
    assert.ok(await scrolls(page, ".output-rich:first-child .output-body"), "the wide table scrolls inside its box");
    const cellHeight = await page
      .locator(".output-html td")
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(cellHeight < 40, `a table cell stays on one line (${cellHeight} px)`);
    const figure = await rect(".plotly-figure");
    assert.ok(figure.width >= 480, `the figure keeps a readable width (${figure.width} px) and scrolls`);
    const { scroll, window } = await pageWidth(page);
    assert.ok(scroll <= window, `the page is ${scroll} px wide`);
    await page.screenshot({ path: path.join(results, "site-layout-400-outputs.png"), fullPage: true });
    await page.close();
  },
);

test(
  "headings show their anchor link on hover; the table of contents leads to a Chinese heading",
  { timeout: 240_000 },
  async (t) => {
    if (!chromium) return t.skip(CHROMIUM_MISSING);
    const page = await open(1280);
    const anchor = page.locator("h2#第二节结论 > a.heading-anchor");
    const opacity = () => anchor.evaluate((el) => getComputedStyle(el).opacity);
    assert.equal(await opacity(), "0");
    await page.hover("h2#第二节结论");
    assert.equal(await opacity(), "1");
    await page.mouse.move(0, 0);
    await page.locator("nav.toc a", { hasText: "第二节：结论" }).click();
    assert.equal(await page.evaluate(() => decodeURIComponent(location.hash)), "#第二节结论");
    const seen = await page.locator("h2#第二节结论").evaluate((el) => ({
      top: el.getBoundingClientRect().top,
      height: window.innerHeight,
      scrolled: window.scrollY,
    }));
    assert.ok(seen.scrolled > 0 && seen.top >= 0 && seen.top < seen.height, "the heading is scrolled into view");
    await page.close();
  },
);
