/**
 * One notebook page, rendered from a notebook in memory (no build, no kernel): heading ids and
 * anchors, the table of contents, and what the page says about its run, in both languages.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { notebookNumbers, notebookPage, type PageInfo } from "../../publish/page";
import type { Cell, Notebook } from "../../runner";

const markdown = (source: string): Cell => ({ cell_type: "markdown", metadata: {}, source });

function notebook(cells: Cell[]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

function info(overrides: Partial<PageInfo> = {}): PageInfo {
  return {
    slug: "01-gd",
    href: "01-gd.html",
    lang: "en",
    translations: {},
    source: "notebooks/01-gd.ipynb",
    title: "01 · Gradient descent",
    ok: true,
    problems: [],
    executed: true,
    seconds: 12.34,
    codeCells: 1,
    ...overrides,
  };
}

const noAssets = (): string => {
  throw new Error("no asset expected");
};

test("headings get ids unique on the page with an anchor link; the page lists its ## sections after the title", () => {
  const page = notebookPage(
    notebook([
      markdown("# 01 · Gradient descent\n\nIntro."),
      markdown("## 1. Gradient descent on a quadratic\n\ntext\n\n### Details"),
      markdown("## Summary\n\n## Summary"),
    ]),
    info(),
    {},
    noAssets,
  );
  assert.match(
    page,
    /<h2 id="1-gradient-descent-on-a-quadratic">1\. Gradient descent on a quadratic<a class="heading-anchor" href="#1-gradient-descent-on-a-quadratic" aria-label="Link to this section">#<\/a><\/h2>/,
  );
  assert.match(page, /<h3 id="details">Details<a class="heading-anchor" href="#details"/);
  assert.match(page, /<h2 id="summary">Summary<a/);
  assert.match(page, /<h2 id="summary-2">Summary<a/, "a repeated heading gets its own id");
  const toc =
    '<nav class="toc" aria-label="Contents"><strong>Contents</strong><ul><li><a href="#1-gradient-descent-on-a-quadratic">1. Gradient descent on a quadratic</a></li><li><a href="#summary">Summary</a></li><li><a href="#summary-2">Summary</a></li></ul></nav>';
  assert.ok(page.includes(toc), "the table of contents lists the ## sections only");
  assert.ok(page.indexOf("Intro.") < page.indexOf(toc), "after the title cell");
  assert.ok(page.indexOf(toc) < page.indexOf('<h2 id="1-'), "before the first section");
  const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, "ids are unique on the page");
});

test("Chinese headings keep their characters in their ids; the table of contents is in Chinese", () => {
  const page = notebookPage(
    notebook([
      markdown("# 01 · 梯度下降\n\n引言。"),
      markdown("## 1. 病态二次函数上的梯度下降"),
      markdown("## 3. 自适应方法：RMSprop 与 Adam"),
    ]),
    info({ lang: "zh", href: "zh/01-gd.html" }),
    {},
    noAssets,
  );
  assert.match(page, /<h2 id="1-病态二次函数上的梯度下降">/);
  assert.match(page, /<h2 id="3-自适应方法rmsprop-与-adam">/);
  assert.match(page, /aria-label="链接到本节">#<\/a>/);
  assert.match(
    page,
    /<nav class="toc" aria-label="目录"><strong>目录<\/strong><ul><li><a href="#1-病态二次函数上的梯度下降">1\. 病态二次函数上的梯度下降<\/a><\/li>/,
  );
});

test("a page with fewer than two ## sections has no table of contents", () => {
  const page = notebookPage(notebook([markdown("# Title\n\n## Only section")]), info(), {}, noAssets);
  assert.ok(!page.includes('class="toc"'));
  assert.match(page, /<h2 id="only-section">/);
});

test("the page says how long its execution took and when, or that it was not executed, in its language", () => {
  const page = (overrides: Partial<PageInfo>): string =>
    notebookPage(notebook([markdown("# Title")]), info({ executedOn: "2026-12-07", ...overrides }), {}, noAssets);
  assert.ok(
    page({}).includes('<p class="run-info">Executed in 12.3 s on 2026-12-07 (UTC) when the site was built.</p>'),
  );
  assert.ok(
    page({ lang: "zh", href: "zh/01-gd.html" }).includes(
      '<p class="run-info">构建网站时于 2026-12-07（UTC）执行，耗时 12.3 秒。</p>',
    ),
  );
  const stored = { executed: false, seconds: undefined, executedOn: undefined };
  assert.ok(page(stored).includes("Outputs as stored in the notebook (not executed when the site was built)."));
  assert.ok(
    page({ ...stored, lang: "zh", href: "zh/01-gd.html" }).includes("输出为笔记本中保存的输出（构建网站时未执行）。"),
  );
  assert.ok(page({ ...stored, noStoredOutputs: true }).includes("Not executed: the notebook has no stored outputs"));
  assert.ok(
    !page({ seconds: undefined }).includes('class="run-info"'),
    "executed but never started: the banner says why",
  );
});

test('"notebook 07" / "笔记本 07" in markdown links to that page of the same language, where the site has it', () => {
  const pages = ["01-gd", "07-clipping", "12-playgrounds", "12-other", "intro"].map((slug) =>
    info({ slug, href: `zh/${slug}.html`, lang: "zh" }),
  );
  const numbers = notebookNumbers(pages);
  assert.deepEqual(numbers, { "01": "zh/01-gd.html", "07": "zh/07-clipping.html" }, "12 is ambiguous: no link");
  const page = notebookPage(
    notebook([
      markdown("# 01 · 标题\n\n梯度爆炸（笔记本 07）；见笔记本 12 和笔记本 01。[笔记本 07](x.html)"),
      markdown("## 见笔记本 07\n\nsee Notebook 07 (§2) and `notebook 07`"),
    ]),
    info({ lang: "zh", href: "zh/01-gd.html" }),
    {},
    noAssets,
    ["zh"],
    numbers,
  );
  assert.ok(page.includes('（<a href="07-clipping.html" class="notebook-link">笔记本 07</a>）'));
  assert.ok(page.includes("见笔记本 12 和笔记本 01。"), "no link for an ambiguous number, nor to the page itself");
  assert.ok(page.includes('<a href="x.html">笔记本 07</a>'), "an existing link is kept as it is");
  assert.ok(page.includes('<h2 id="见笔记本-07">见笔记本 07<a'), "headings are not linked");
  assert.ok(page.includes('see <a href="07-clipping.html" class="notebook-link">Notebook 07</a> (§2)'));
  assert.ok(page.includes("<code>notebook 07</code>"), "code is not linked");
});
