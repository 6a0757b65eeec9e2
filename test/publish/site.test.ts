import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { buildSite, noStoredOutputsMessage, pageSlug } from "../../publish/build";
import type { Cell, Notebook } from "../../runner";
import { main, parseSiteArgs, siteCliMessages } from "../../publish/cli";
import { fixture, progressSink, tempDir } from "./paths";

test("--no-execute builds index, one page per notebook and local assets from stored outputs", async () => {
  const out = tempDir("site");
  try {
    const progress = progressSink();
    const result = await buildSite({ inputs: [fixture("site")], outDir: out, execute: false, progress });
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.pages.map((p) => [p.slug, p.title]),
      [
        ["01-figures", "Figures and math"],
        ["02-tables", "Tables and expected errors"],
      ],
    );
    for (const file of [
      "index.html",
      "01-figures.html",
      "02-tables.html",
      "assets/plotly.min.js",
      "assets/site.js",
      "assets/site.css",
      "assets/katex/katex.min.css",
      "assets/highlight.css",
      "assets/texmath.css",
    ]) {
      assert.ok(fs.existsSync(path.join(out, file)), file);
    }
    assert.ok(fs.readdirSync(path.join(out, "assets/katex/fonts")).some((f) => f.endsWith(".woff2")));
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    assert.ok(index.includes('<a href="01-figures.html">Figures and math</a>'));
    const page = fs.readFileSync(path.join(out, "01-figures.html"), "utf8");
    assert.equal((page.match(/class="plotly-data"/g) ?? []).length, 2);
    assert.ok(page.includes('<script src="assets/plotly.min.js"></script>'));
    assert.ok(page.includes('<span style="color:rgb(0, 187, 0)">training</span> done'));
    assert.ok(!page.includes("<script>alert"), "the figure title stays inside escaped JSON");
    assert.ok(page.includes("<caption>Tuning &lt;results&gt;</caption>"));
    assert.ok(page.includes("progress 100%") && !page.includes("progress 10%"));
    // Everything is referenced relatively: the site works from file:// without a network.
    for (const match of page.matchAll(/(?:src|href)="([^"]+)"/g)) {
      assert.ok(!/^(https?:)?\/\//.test(match[1]), `remote reference ${match[1]}`);
      assert.ok(fs.existsSync(path.join(out, decodeURIComponent(match[1].split("#")[0]))), `missing ${match[1]}`);
    }
    const tables = fs.readFileSync(path.join(out, "02-tables.html"), "utf8");
    assert.ok(!tables.includes("<script src="), "no plotly.js on a page without figures");
    assert.ok(
      tables.includes("RangeError"),
      "an expected error (raises-exception) is shown but does not fail the build",
    );
    assert.deepEqual(progress.lines.slice(0, 2), [
      `[1/2] ${path.join(fixture("site"), "01-figures.ipynb")}: reading stored outputs`,
      `[2/2] ${path.join(fixture("site"), "02-tables.ipynb")}: reading stored outputs`,
    ]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

/** `optimlab site` with these arguments: its exit code and what it wrote to stderr. */
async function siteMain(args: string[]): Promise<{ code: number; errors: string[] }> {
  const errors: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => (errors.push(String(chunk)), true);
  try {
    return { code: await main(args), errors };
  } finally {
    process.stderr.write = original;
  }
}

test("a failing notebook gets an error banner, the index flags it, and the build exits 1 with a summary", async () => {
  const out = tempDir("failing");
  const { code, errors } = await siteMain([fixture("failing"), fixture("site"), "--out", out, "--no-execute"]);
  try {
    assert.equal(code, 1);
    const text = errors.join("");
    assert.match(
      text,
      /site: 1 of 3 notebooks failed:\n {2}.*broken\.ipynb \(failing-broken\.html\)\n {4}cell 2: ReferenceError: undefinedThing is not defined\n/,
    );
    const page = fs.readFileSync(path.join(out, "failing-broken.html"), "utf8");
    assert.match(
      page,
      /<div class="banner-error" role="alert"><strong>This notebook failed \(stored outputs contain errors\)\.<\/strong>/,
    );
    assert.ok(
      page.includes(
        '<pre class="output-error"><span style="color:rgb(187, 0, 0)">ReferenceError</span>: undefinedThing is not defined',
      ),
    );
    assert.ok(
      fs.readFileSync(path.join(out, "index.html"), "utf8").includes('<span class="status-failed">failed</span>'),
    );
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("command line: defaults, options and clear errors", () => {
  assert.deepEqual(parseSiteArgs([]), { inputs: ["notebooks"], outDir: "site", execute: true, help: false });
  assert.deepEqual(parseSiteArgs(["nb/", "--out=x", "--no-execute", "--timeout", "30", "--kernel", "k"]), {
    inputs: ["nb/"],
    outDir: "x",
    execute: false,
    timeout: 30,
    kernel: "k",
    help: false,
  });
  assert.throws(() => parseSiteArgs(["--fast"]), { message: siteCliMessages.unknownOption("--fast") });
  assert.throws(() => parseSiteArgs(["--out"]), { message: siteCliMessages.missingValue("--out") });
  assert.throws(() => parseSiteArgs(["--timeout", "soon"]), { message: siteCliMessages.badTimeout("soon") });
});

test("page names flatten sub-folders and keep only safe characters", () => {
  assert.equal(pageSlug(path.join("nb", "part 1", "intro.ipynb"), "nb"), "part_1-intro");
});

test("a path that does not exist is a bad argument: exit 2 with the runner's message, before anything is built", async () => {
  // Before: "optimlab site nonexist/" printed the message and exited 1, as if a notebook had failed.
  const out = tempDir("missing");
  const { code, errors } = await siteMain([path.join(out, "nonexist"), "--out", out, "--no-execute"]);
  try {
    assert.equal(code, 2, errors.join(""));
    assert.match(errors.join(""), /nonexist/);
    assert.equal(fs.existsSync(path.join(out, "index.html")), false);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

/** A one-code-cell notebook, with or without its stored output; `lang` marks a translation. */
function tinyNotebook(title: string, output: boolean, lang?: string): Notebook {
  const code: Cell = {
    cell_type: "code",
    metadata: {},
    source: "1 + 1",
    execution_count: output ? 1 : null,
    outputs: output
      ? [{ output_type: "execute_result", execution_count: 1, data: { "text/plain": "2" }, metadata: {} }]
      : [],
  };
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: lang ? { optimlab: { language: lang } } : {},
    cells: [{ cell_type: "markdown", metadata: {}, source: `# ${title}` }, code],
  };
}

test("--no-execute on notebooks stored without outputs warns, naming them, and the index says they were not executed", async () => {
  // Before: the pages showed code only, nothing was printed, and the index said "stored outputs".
  const dir = tempDir("no-outputs");
  const notebooks = path.join(dir, "notebooks");
  const out = path.join(dir, "out");
  try {
    fs.mkdirSync(path.join(notebooks, "zh"), { recursive: true });
    const bare = path.join(notebooks, "01-bare.ipynb");
    const bareZh = path.join(notebooks, "zh", "01-bare.ipynb");
    fs.writeFileSync(bare, JSON.stringify(tinyNotebook("Bare", false)));
    fs.writeFileSync(bareZh, JSON.stringify(tinyNotebook("没有输出", false, "zh")));
    fs.writeFileSync(path.join(notebooks, "02-stored.ipynb"), JSON.stringify(tinyNotebook("Stored", true)));
    const progress = progressSink();
    const result = await buildSite({ inputs: [notebooks], outDir: out, execute: false, progress });
    assert.equal(result.ok, true);
    assert.ok(progress.lines.includes(noStoredOutputsMessage([bare, bareZh])), progress.lines.join("\n"));
    assert.match(
      noStoredOutputsMessage([bare, bareZh]),
      /2 notebooks have no stored outputs .*01-bare\.ipynb, .*zh\/01-bare\.ipynb/,
    );
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    assert.match(index, /01-bare\.ipynb · 1 code cells, not executed: no stored outputs<\/div>/);
    assert.match(index, /02-stored\.ipynb · 1 code cells, stored outputs<\/div>/);
    assert.ok(
      fs
        .readFileSync(path.join(out, "01-bare.html"), "utf8")
        .includes("Not executed: the notebook has no stored outputs"),
    );
    const zhIndex = fs.readFileSync(path.join(out, "zh", "index.html"), "utf8");
    assert.match(zhIndex, /01-bare\.ipynb · 1 个代码单元格，未执行：没有保存的输出<\/div>/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
