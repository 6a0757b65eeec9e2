import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { language, LANGUAGE_ENV, languageFileSetting, parseLanguage, setLanguage } from "../../src/i18n/language";
import { hasTranslation, translate, translateLines } from "../../src/i18n/translate";
import { plot, widgets } from "../../src";
import { formatNow } from "../../src/display/format";
import type { MimeBundle } from "../../src/display/protocol";

test("parseLanguage accepts locale spellings and rejects unknown languages", () => {
  assert.equal(parseLanguage("zh"), "zh");
  assert.equal(parseLanguage("zh-CN"), "zh");
  assert.equal(parseLanguage("zh_CN.UTF-8"), "zh");
  assert.equal(parseLanguage("EN-us"), "en");
  assert.equal(parseLanguage("fr"), undefined);
  assert.throws(() => setLanguage("fr" as "zh"), /unknown language "fr"/);
});

test("language(): setLanguage, then OPTIMLAB_LANG, then optimlab.json in the working directory, else English", () => {
  const saved = process.env[LANGUAGE_ENV];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-lang-"));
  try {
    delete process.env[LANGUAGE_ENV];
    assert.equal(languageFileSetting(dir), undefined);
    fs.writeFileSync(path.join(dir, "optimlab.json"), '{"language": "zh"}');
    assert.equal(languageFileSetting(dir), "zh");
    process.env[LANGUAGE_ENV] = "zh-CN";
    assert.equal(language(), "zh");
    setLanguage("en");
    assert.equal(language(), "en");
    setLanguage(undefined);
    process.env[LANGUAGE_ENV] = "en";
    assert.equal(language(), "en");
  } finally {
    setLanguage(undefined);
    if (saved === undefined) delete process.env[LANGUAGE_ENV];
    else process.env[LANGUAGE_ENV] = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("translate: exact phrases, {} patterns (their parts translated too), unknown text unchanged, English untouched", () => {
  assert.equal(translate("learning rate η", "zh"), "学习率 η");
  assert.equal(translate("  learning rate η\n", "zh"), "  学习率 η\n");
  assert.equal(translate("Dropout p = 0.5", "zh"), "暂退法（Dropout）p = 0.5");
  assert.equal(translate("training loss of 3 runs", "zh"), "3 次运行的训练损失");
  assert.equal(translate("no such phrase", "zh"), "no such phrase");
  assert.equal(translate("learning rate η", "en"), "learning rate η");
  assert.equal(hasTranslation("learning rate η", "zh"), true);
  assert.equal(hasTranslation("no such phrase", "zh"), false);
  assert.equal(translateLines("x\nlearning rate η\r\nstep\n", "zh"), "x\n学习率 η\r\n步\n");
});

test("plot builders put titles, axis labels and legend names in the language option (default: the reader's)", () => {
  const options = { title: "Training loss with clipping", xLabel: "step", yLabel: "learning rate η" };
  const zh = plot.line({ "training loss": [3, 2, 1] }, { ...options, language: "zh" }).toJSON();
  assert.equal(zh.layout.title?.text, "梯度裁剪下的训练损失");
  assert.equal((zh.layout.xaxis as { title: { text: string } }).title.text, "步");
  assert.equal((zh.layout.yaxis as { title: { text: string } }).title.text, "学习率 η");
  assert.equal(zh.data[0].name, "训练损失");
  // Negative control: the same call in English keeps the code's text.
  const en = plot.line({ "training loss": [3, 2, 1] }, { ...options, language: "en" }).toJSON();
  assert.equal(en.layout.title?.text, "Training loss with clipping");
  assert.equal(en.data[0].name, "training loss");
  // No option: the reader's language decides.
  setLanguage("zh");
  try {
    assert.equal(plot.line({ a: [1] }, options).title, "梯度裁剪下的训练损失");
  } finally {
    setLanguage(undefined);
  }
});

test("a trace pushed onto a built figure is shown in the figure's language too (notebook 03's data points)", () => {
  const zh = plot.line({ "training loss": [3, 2, 1] }, { title: "t", xLabel: "x", yLabel: "y", language: "zh" });
  zh.data.push({ type: "scatter", mode: "markers", name: "data", x: [0], y: [1] });
  assert.equal(zh.toJSON().data[1].name, translate("data", "zh"));
  assert.notEqual(translate("data", "zh"), "data", "the catalog has an entry (else this test proves nothing)");
  const en = plot.line({ "training loss": [3, 2, 1] }, { title: "t", xLabel: "x", yLabel: "y", language: "en" });
  en.data.push({ type: "scatter", mode: "markers", name: "data", x: [0], y: [1] });
  assert.equal(en.toJSON().data[1].name, "data", "an English figure keeps the code's words");
});

test("a slider's frames keep their names (the slider steps point at them) while their text is translated", () => {
  const build = (language: "en" | "zh") =>
    plot.slider([0.1, 0.5], (p) => plot.line({ "training loss": [p, p] }, { title: `Dropout p = ${p}`, xLabel: "step", yLabel: "MSE", language }), { label: "dropout p", language }).toJSON();
  const en = build("en");
  const zh = build("zh");
  assert.deepEqual((zh.frames ?? []).map((f) => f.name), (en.frames ?? []).map((f) => f.name));
  assert.match(JSON.stringify(zh.layout.sliders), new RegExp((en.frames ?? [])[1].name));
  assert.equal((zh.frames ?? [])[0].data[0].name, "训练损失");
  assert.equal((en.frames ?? [])[0].data[0].name, "training loss");
});

test("tables show their caption, headers and text cells in the language option; the data keep their names", () => {
  const rows = [{ run: "no clipping", "training loss": 0.5 }];
  const zh = plot.table(rows, { title: "Training loss per step", language: "zh" });
  assert.match(zh.toHTML(), /<caption>每步的训练损失<\/caption>/);
  assert.match(zh.toHTML(), /<th[^>]*>训练损失<\/th>/);
  assert.match(zh.toHTML(), /<td[^>]*>不裁剪<\/td>/);
  assert.match(zh.toString(), /训练损失/);
  assert.deepEqual(zh.columns, ["run", "training loss"]);
  // Negative control: English keeps the code's text.
  const en = plot.table(rows, { title: "Training loss per step", language: "en" });
  assert.match(en.toHTML(), /<th[^>]*>training loss<\/th>/);
  assert.doesNotMatch(en.toHTML(), /训练损失/);
});

test("loading the library in a Chinese setting translates printed sentences; in English it prints what the code says", () => {
  const entry = require.resolve("../../src/index");
  const script = `require(${JSON.stringify(entry)}); console.log("all checks passed"); console.log("3.14");`;
  const run = (lang: string): string =>
    execFileSync(process.execPath, [...process.execArgv, "-e", script], { env: { ...process.env, OPTIMLAB_LANG: lang }, encoding: "utf8" });
  assert.equal(run("zh"), "所有检查均通过\n3.14\n");
  assert.equal(run("en"), "all checks passed\n3.14\n");
});

test("widget labels are shown in the reader's language (English control)", () => {
  setLanguage("zh");
  try {
    assert.equal(new widgets.FloatSlider({ description: "noise σ", min: 0, max: 1, value: 0.5 }).description, "噪声 σ");
  } finally {
    setLanguage(undefined);
  }
  setLanguage("en");
  try {
    assert.equal(new widgets.FloatSlider({ description: "noise σ", min: 0, max: 1, value: 0.5 }).description, "noise σ");
  } finally {
    setLanguage(undefined);
  }
});

test("a line of several sentences is translated sentence by sentence when the whole line is not a catalog entry", () => {
  assert.equal(
    translateLines("all checks passed. learning rate η; training loss of 3 runs.\n", "zh"),
    "所有检查均通过。学习率 η；3 次运行的训练损失。\n",
  );
  // An unknown sentence keeps its English words and punctuation; nothing else changes.
  assert.equal(translateLines("all checks passed. no such phrase", "zh"), "所有检查均通过。 no such phrase");
  assert.equal(translateLines("no such. phrase", "zh"), "no such. phrase");
  // A pattern's {} never swallows the following sentences: each sentence gets its own entry.
  assert.equal(translateLines("loss 0.5; all checks passed", "zh"), "损失 0.5；所有检查均通过");
  // …and never cuts a bracket in two: "{} (seed {})" cannot read "x (seed 1) (train)" as "x" and "1) (train".
  assert.equal(translate("SGD (seed 1) (train)", "zh"), "SGD（种子 1）（训练）");
  // A joined list is translated item by item when its words are all catalog entries, else left whole.
  assert.equal(translate("no clipping: diverged, 4.1e+7, diverged", "zh"), "不裁剪：发散, 4.1e+7, 发散");
  assert.equal(translate("diverged, no such phrase", "zh"), "diverged, no such phrase");
  assert.equal(translateLines("all checks passed. learning rate η", "en"), "all checks passed. learning rate η");
});

test("a cell that ends in a plain object shows its keys and text values in the reader's language; the value is untouched", () => {
  const value = { "learning rate η": 0.1, runs: ["training loss"], nested: { "all checks passed": true }, step: 3 };
  setLanguage("zh");
  try {
    const shown = String((formatNow(value) as MimeBundle)["text/plain"]);
    assert.match(shown, /'学习率 η': 0\.1/);
    assert.match(shown, /'训练损失'/);
    assert.match(shown, /'所有检查均通过': true/);
    // An identifier key is a field the code can use: it stays, although "step" is in the catalog.
    assert.match(shown, /\bstep: 3/);
    assert.deepEqual(Object.keys(value), ["learning rate η", "runs", "nested", "step"]);
  } finally {
    setLanguage(undefined);
  }
  setLanguage("en");
  try {
    assert.match(String((formatNow(value) as MimeBundle)["text/plain"]), /'learning rate η': 0\.1/);
  } finally {
    setLanguage(undefined);
  }
});

test("a table cell of several sentences is translated sentence by sentence (English control)", () => {
  const rows = [{ claim: "all checks passed; learning rate η" }];
  assert.match(plot.table(rows, { language: "zh" }).toHTML(), /<td[^>]*>所有检查均通过；学习率 η<\/td>/);
  assert.match(plot.table(rows, { language: "en" }).toHTML(), /<td[^>]*>all checks passed; learning rate η<\/td>/);
});

test("a pattern whose {} would keep English prose gives way to an entry that translates it all (QA 2.2)", () => {
  // "slope {}" must not read "slope after 20 steps: …" as 斜率 + English; the whole detail has its own entry.
  assert.equal(
    translateLines("slope after 20 steps: 1.6230 (½·MSE, η), 1.6230 (MSE, η/2), 2.5955 (MSE, η)", "zh"),
    "20 步后的斜率：1.6230（½·MSE，η），1.6230（MSE，η/2），2.5955（MSE，η）",
  );
  // With no entry for the whole, the phrase check asks for one (the runtime keeps the partial match, as for a
  // run name the catalog does not know: "once: 1 epoch, 1 step" → "once：1 轮，1 步").
  assert.equal(hasTranslation("slope before the end: {}", "zh"), false);
  assert.equal(translate("once: 1 epoch, 1 step", "zh"), "once：1 轮，1 步");
  // Names, symbols and identifiers in a part are not prose: the pattern applies.
  assert.equal(translateLines("SGD + momentum 0.9 lr=0.3 (seed 1) (train)", "zh"), "SGD + 动量 0.9 lr=0.3（种子 1）（训练）");
  assert.equal(translateLines("effect: f 0.0027 vs 0.0113; control: f 0.0642 vs 0.0113", "zh"), "效应：f 0.0027 对 0.0113；对照：f 0.0642 对 0.0113");
  assert.equal(translateLines("L1 0.031×, L2 1.000× of 5.639", "zh"), "L1 0.031×，L2 1.000×（相对于无惩罚项时的 5.639）");
  assert.equal(translateLines("ε = 1e-8: 6.7e-6; default ε: 0.90", "zh"), "ε = 1e-8：6.7e-6；默认 ε：0.90");
});

test("seconds after numbers inside a composed phrase are in the reader's language (QA 2.2: '0.05 s vs 0.53 s')", () => {
  assert.equal(translateLines("0.11, 0.07, 0.05 s vs 0.53, 0.51, 0.27 s", "zh"), "0.11, 0.07, 0.05 秒 对 0.53, 0.51, 0.27 秒");
  assert.equal(translateLines("0.480 vs 2.048", "zh"), "0.480 对 2.048");
});

test("library defaults and figure labels from the QA report are translated: imageGrid's title, 12's colour bar (QA 2.4)", () => {
  const images = [Array.from({ length: 4 }, () => 0.5), Array.from({ length: 4 }, () => 0.2)];
  const title = (f: { toJSON(): { layout: unknown } }) => (f.toJSON().layout as { title: { text: string } }).title.text;
  assert.equal(title(plot.imageGrid(images, { width: 2, height: 2, language: "zh" })), "图像（2 张）");
  assert.equal(title(plot.imageGrid(images, { width: 2, height: 2, language: "en" })), "Images (2)");
  assert.equal(translate("rate", "zh"), "收敛率");
  assert.equal(translate("your (α, β)", "zh"), "你选的 (α, β)");
  assert.equal(translate("Misclassified images (3)", "zh"), "误分类的图像（3 张）");
});

test("a joined list inside a pattern is translated item by item with the catalog's patterns (19-10's check detail)", () => {
  assert.equal(
    translateLines("effect: 0.580 vs 0.672, 0.541 vs 0.642; control: 0.712 vs 0.672, 0.687 vs 0.642", "zh"),
    "效应：0.580 对 0.672, 0.541 对 0.642；对照：0.712 对 0.672, 0.687 对 0.642",
  );
  assert.equal(translateLines("Adam: 2 epochs, 1 step", "zh"), "Adam：2 轮，1 步");
  // Three seeds, as 19-10 prints them: a pattern's lazy {} used to cut the list at its first "vs" and,
  // two levels down, leave the last item in English ("…, 0.587 vs 0.625").
  assert.equal(
    translateLines("effect: 0.580 vs 0.672, 0.541 vs 0.642, 0.587 vs 0.625; control: 0.712 vs 0.672", "zh"),
    "效应：0.580 对 0.672, 0.541 对 0.642, 0.587 对 0.625；对照：0.712 对 0.672",
  );
});

test("the QA's last English in executed Chinese notebooks: 09's range-test labels and 11's dataset header", () => {
  assert.equal(translateLines("beta 0.95, 121 steps (§2)", "zh"), "平滑系数 β = 0.95，121 步（§2）");
  assert.equal(translateLines("beta 0.98, 192 steps", "zh"), "平滑系数 β = 0.98，192 步");
  assert.equal(translateLines("dataset", "zh"), "数据集");
});
