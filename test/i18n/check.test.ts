import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { buildTranslations, checkTranslations, confirmTranslations, type I18nLayout, type ProblemKind } from "../../publish/i18n/project";
import { formatTranslationFile, parseTranslationFile, sectionHeader, sourceHash } from "../../publish/i18n/store";
import { visiblePhrases } from "../../publish/i18n/phrases";
import { joinCjkSoftBreaks } from "../../publish/i18n/localizeNotebook";

const INTRO = "# Momentum\n\nMomentum keeps a running average of the gradients.";
const CODE = 'plot.line({ "training loss": [1, 2] }, { title: "Training loss per step", xLabel: "step", yLabel: "MSE" })';

function english(intro = INTRO, code = CODE): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "optimlab", display_name: "TypeScript (optimlab)", language: "typescript" } },
    cells: [
      { id: "m-0", cell_type: "markdown", metadata: {}, source: intro },
      { id: "m-1", cell_type: "code", metadata: {}, source: code, outputs: [], execution_count: null },
    ],
  };
}

/** A notebook folder with one English notebook and its zh store. */
function project(translation: string | undefined, intro = INTRO): I18nLayout {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-i18n-"));
  const layout = { notebooksDir: path.join(root, "notebooks"), storeDir: path.join(root, "i18n"), lang: "zh" };
  fs.mkdirSync(layout.notebooksDir);
  fs.mkdirSync(path.join(layout.storeDir, "zh"), { recursive: true });
  fs.writeFileSync(path.join(layout.notebooksDir, "01-momentum.ipynb"), JSON.stringify(english(intro)));
  if (translation !== undefined) {
    fs.writeFileSync(path.join(layout.storeDir, "zh", "01-momentum.md"), formatTranslationFile("01-momentum.ipynb", "zh", [{ id: "m-0", sourceHash: sourceHash(INTRO), text: translation }]));
  }
  return layout;
}

const kinds = (layout: I18nLayout): ProblemKind[] => checkTranslations(layout).map((p) => p.kind).sort();
const ZH = "# 动量法（momentum）\n\n动量法保存梯度的滑动平均。";

test("build writes the translated notebook: markdown from the store, code cells copied, language setting beside it; check passes", () => {
  const layout = project(ZH);
  const result = buildTranslations(layout);
  assert.deepEqual(result.problems, []);
  const zh = JSON.parse(fs.readFileSync(path.join(layout.notebooksDir, "zh", "01-momentum.ipynb"), "utf8"));
  assert.equal(zh.cells[0].source.join(""), ZH);
  assert.equal(zh.cells[1].source, CODE);
  assert.equal(zh.metadata.optimlab.language, "zh");
  assert.equal(fs.readFileSync(path.join(layout.notebooksDir, "zh", "optimlab.json"), "utf8"), '{ "language": "zh" }\n');
  assert.deepEqual(kinds(layout), []);
});

test("check fails when a cell lacks its translation, and the built notebook says so in Chinese", () => {
  const layout = project(undefined);
  buildTranslations(layout);
  assert.deepEqual(kinds(layout), ["missing"]);
  const zh = JSON.parse(fs.readFileSync(path.join(layout.notebooksDir, "zh", "01-momentum.ipynb"), "utf8"));
  assert.match(zh.cells[0].source.join(""), /尚未翻译/);
});

test("check fails when the English cell changed after translation (stale), until the translation is confirmed or redone", () => {
  const layout = project(ZH);
  buildTranslations(layout);
  fs.writeFileSync(path.join(layout.notebooksDir, "01-momentum.ipynb"), JSON.stringify(english(`${INTRO} It damps oscillations.`)));
  buildTranslations(layout);
  assert.deepEqual(kinds(layout), ["stale"]);
  assert.deepEqual(confirmTranslations(layout, "01-momentum.ipynb", ["m-0"]), ["m-0"]);
  buildTranslations(layout);
  assert.deepEqual(kinds(layout), []);
});

test("check fails when a code cell of the translated notebook differs from the English one, or the English code changed since the build", () => {
  const layout = project(ZH);
  buildTranslations(layout);
  const file = path.join(layout.notebooksDir, "zh", "01-momentum.ipynb");
  const zh = JSON.parse(fs.readFileSync(file, "utf8"));
  zh.cells[1].source = CODE.replace("[1, 2]", "[1, 3]");
  fs.writeFileSync(file, JSON.stringify(zh, null, 1));
  assert.deepEqual(kinds(layout), ["code-differs", "out-of-date"]);
  buildTranslations(layout);
  fs.writeFileSync(path.join(layout.notebooksDir, "01-momentum.ipynb"), JSON.stringify(english(INTRO, `${CODE};`)));
  assert.deepEqual(kinds(layout), ["code-differs", "out-of-date"]);
});

test("check fails on an English copy instead of a translation, an unused store section and an orphan translated notebook", () => {
  const layout = project(INTRO);
  buildTranslations(layout);
  assert.deepEqual(kinds(layout), ["untranslated"]);
  const store = path.join(layout.storeDir, "zh", "01-momentum.md");
  fs.appendFileSync(store, `\n${sectionHeader("gone", "abcdef123456")}\n旧的段落\n`);
  fs.writeFileSync(path.join(layout.notebooksDir, "zh", "02-old.ipynb"), "{}");
  assert.deepEqual(kinds(layout), ["orphan", "untranslated", "unused"]);
});

test("check fails when a figure title or printed sentence of the code has no catalog entry", () => {
  const layout = project(ZH);
  fs.writeFileSync(path.join(layout.notebooksDir, "01-momentum.ipynb"), JSON.stringify(english(INTRO, CODE.replace("Training loss per step", "A title nobody translated"))));
  buildTranslations(layout);
  const problems = checkTranslations(layout);
  assert.deepEqual(problems.map((p) => p.kind), ["phrase"]);
  assert.match(problems[0].message, /title "A title nobody translated"/);
});

test("the store format: sections keyed by cell id and hash; text outside a section or a duplicate id is an error", () => {
  const text = formatTranslationFile("n.ipynb", "zh", [{ id: "a", sourceHash: "0123456789ab", text: "甲\n\n乙" }]);
  assert.deepEqual(parseTranslationFile(text, "n.md").translations, [{ id: "a", sourceHash: "0123456789ab", text: "甲\n\n乙" }]);
  assert.throws(() => parseTranslationFile(`stray\n${text}`, "n.md"), /n\.md:1: text before the first/);
  assert.throws(() => parseTranslationFile(`${text}\n${text}`, "n.md"), /cell a is translated twice/);
});

test("visiblePhrases finds titles, axis labels, legend names, printed and final sentences (templates as {} patterns)", () => {
  const code = [
    'console.log(`loss ${x.toFixed(2)} after ${n} steps`);',
    'plot.line({ "SGD + momentum": a, "SGD + L2": a, b: { y: c, dashed: true } }, { title: `Dropout p = ${p}`, xLabel: "step", yLabel: "x" })',
    'checkAgainstControl(`Adam beats SGD on ${n} seeds`, better, a, b, "detail"),',
    // check(claim, holds, show, [effect label, v], [control label, v]): labels and the text `show` builds are shown;
    // arguments of nested calls and indexes are not (rowOf("SGD"), runs["plain"], .join(", ")).
    'check("steps grow like √κ", ok, (d) => `worst deviation ${d.toFixed(2)}`, ["momentum tuned for each κ", rowOf("SGD")], ["GD", runs["plain"]]);',
    'checkAgainstControl("x", ok, a, b, `f ${xs.join(", ")} vs ${y}`);',
    "`all ${k} checks passed`",
  ].join("\n");
  assert.deepEqual(visiblePhrases(code).map((p) => `${p.role}:${p.phrase}`).sort(), [
    "cell value:all {} checks passed",
    "check claim:Adam beats SGD on {} seeds",
    "check claim:steps grow like √κ",
    "check detail:detail",
    "check detail:f {} vs {}",
    "check detail:momentum tuned for each κ",
    "check detail:worst deviation {}",
    "console.log:loss {} after {} steps",
    "legend:SGD + momentum",
    "title:Dropout p = {}",
    "xLabel:step",
  ]);
});

test("soft line breaks between Chinese characters are joined (no stray spaces), everything else is kept", () => {
  const text = [
    "# 标题",
    "第一行，",
    "第二行。",
    "",
    "- 列表项，",
    "  续行。",
    "> 引文，",
    "> 续。",
    "English line",
    "下一行",
    "```",
    "代码，",
    "代码",
    "```",
    "| 表 |",
    "格",
  ].join("\n");
  assert.equal(
    joinCjkSoftBreaks(text),
    ["# 标题", "第一行，第二行。", "", "- 列表项，续行。", "> 引文，续。", "English line", "下一行", "```", "代码，", "代码", "```", "| 表 |", "格"].join("\n"),
  );
});
