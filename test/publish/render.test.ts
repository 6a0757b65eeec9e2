import assert from "node:assert/strict";
import { test } from "node:test";
import { ansiToHtml, applyCarriageReturns } from "../../publish/ansi";
import { highlightCode } from "../../publish/highlight";
import { headingSlug, pageHeadings } from "../../publish/headings";
import { firstHeading, renderLatex, renderMarkdown } from "../../publish/markdown";
import { renderOutputs } from "../../publish/outputs";
import type { Output } from "../../runner";

test("markdown: KaTeX math rendered at build time, HTML allowed, fenced code highlighted", () => {
  const html = renderMarkdown(
    'Step $\\eta g_t$\n\n$$\\theta_{t+1} = \\theta_t$$\n\n<span class="note">raw</span>\n\n```ts\nconst x: number = 1;\n```\n',
  );
  assert.match(html, /<eq><span class="katex">/);
  assert.match(html, /<span class="katex-display">/);
  assert.match(html, /<annotation encoding="application\/x-tex">\\eta g_t<\/annotation>/);
  assert.ok(html.includes('<span class="note">raw</span>'));
  assert.match(html, /<span class="hljs-keyword">const<\/span>/);
  // The same markup as a code cell's input (`hljs` included), so the site's CSS boxes both alike.
  assert.match(html, /<pre><code class="hljs language-ts"><span class="hljs-keyword">const<\/span>/);
  assert.match(renderMarkdown("```\n<b>\n```\n"), /^<pre><code class="hljs">&lt;b&gt;\n<\/code><\/pre>/);
  assert.ok(!html.includes("$$"), "no TeX left for the browser");
});

test("markdown: attachments point at the written files; first heading gives the title", () => {
  const html = renderMarkdown("![plot](attachment:a%20b.png)", { attachments: { "a b.png": "assets/images/x.png" } });
  assert.ok(html.includes('<img src="assets/images/x.png" alt="plot">'));
  assert.equal(firstHeading("text\n\n## Second\n\n# Main $x$ `code`\n"), "Main x code");
  assert.equal(firstHeading("no heading"), undefined);
});

test("headings: slugs of their text in any script, unique across the renders of one page; none without a page", () => {
  assert.equal(headingSlug("01 · Gradient descent, SGD — and Adam"), "01-gradient-descent-sgd-and-adam");
  assert.equal(headingSlug("4. 小批量大小：轮数与墙钟时间"), "4-小批量大小轮数与墙钟时间");
  assert.equal(headingSlug("Loss on 0.1x² + 2y²"), "loss-on-01x2-2y2");
  assert.equal(headingSlug("?!"), "section");
  const headings = pageHeadings("Link to this section");
  renderMarkdown("# Intro\n\n## Setup", { headings });
  const html = renderMarkdown("## Setup `fit`", { headings });
  assert.match(html, /^<h2 id="setup-fit">Setup <code>fit<\/code><a class="heading-anchor" href="#setup-fit"/);
  renderMarkdown("## Setup", { headings });
  assert.deepEqual(
    headings.headings.map((h) => [h.level, h.id, h.text]),
    [
      [1, "intro", "Intro"],
      [2, "setup", "Setup"],
      [2, "setup-fit", "Setup fit"],
      [2, "setup-2", "Setup"],
    ],
  );
  assert.equal(renderMarkdown("## Setup"), "<h2>Setup</h2>\n", "markdown outputs (no page headings) stay as they were");
});

test("LaTeX outputs and highlighting", () => {
  assert.match(renderLatex("$$\\sum_i w_i^2$$"), /katex-display/);
  assert.equal(highlightCode("<b>", "brainfuck-unknown"), "&lt;b&gt;");
  assert.match(highlightCode("let a = 1", "typescript"), /hljs-keyword/);
});

test("ANSI: colours become inline styles, HTML is escaped, carriage returns overwrite", () => {
  assert.equal(ansiToHtml("\u001b[31m<err>\u001b[0m ok"), '<span style="color:rgb(187, 0, 0)">&lt;err&gt;</span> ok');
  assert.equal(applyCarriageReturns("10%\r50%\r100%\nnext\r\nline"), "100%\nnext\nline");
});

test("outputs: Plotly JSON wins over HTML, streams merge, images are written as files", () => {
  const written: { [name: string]: Buffer | string } = {};
  const outputs: Output[] = [
    { output_type: "stream", name: "stdout", text: "a\r" },
    { output_type: "stream", name: "stdout", text: ["b\n"] },
    {
      output_type: "display_data",
      data: {
        "application/vnd.plotly.v1+json": { data: [], layout: { title: { text: "</script>" } } },
        "text/html": "<div>fallback</div>",
        "text/plain": "fig",
      },
      metadata: {},
    },
    {
      output_type: "display_data",
      data: { "image/png": "aGVsbG8=\n", "text/plain": "an <image>" },
      metadata: { "image/png": { width: 40 } },
    },
    {
      output_type: "execute_result",
      execution_count: 3,
      data: { "text/html": "<table><tr><td>1</td></tr></table>" },
      metadata: {},
    },
    { output_type: "error", ename: "Error", evalue: "boom", traceback: [] },
  ];
  const rendered = renderOutputs(outputs, {
    prefix: "nb-c1",
    writeAsset: (name, content) => ((written[name] = content), `assets/images/${name}`),
  });
  assert.equal(rendered.figures, 1);
  assert.ok(rendered.html.includes('<pre class="output-stream output-stdout">b\n</pre>'), "merged, then \\r applied");
  assert.ok(!rendered.html.includes("fallback"));
  assert.ok(rendered.html.includes('<script type="application/json" class="plotly-data" data-target="nb-c1-o1">'));
  assert.ok(!rendered.html.includes('</script>"') && rendered.html.includes("\\u003c/script\\u003e"));
  assert.equal(String(written["nb-c1-o2.png"]), "hello");
  assert.ok(
    rendered.html.includes(
      '<img class="output-image" src="assets/images/nb-c1-o2.png" alt="an &lt;image&gt;" width="40">',
    ),
  );
  assert.ok(
    rendered.html.includes(
      '<div class="prompt">Out[3]:</div><div class="output-body"><div class="output-html"><table>',
    ),
  );
  assert.ok(rendered.html.includes('<pre class="output-error">Error: boom</pre>'));
});
