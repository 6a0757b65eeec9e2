/**
 * Everything a Chinese reader sees is Chinese: the text the library builds itself (progress bars,
 * History summaries and tables, figure labels it composes) passes the same detector that finds
 * English in an executed translated notebook (`englishInOutputs`), and the English versions, the
 * negative control, are caught by it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { main } from "../../publish/i18n/cli";
import { englishInOutputs, englishReason } from "../../publish/i18n/outputs";
import { epochLine, progressLine } from "../../src/train/progress";
import { History } from "../../src/train/history";
import { plot } from "../../src";
import type { Language } from "../../src/i18n/language";
import { setLanguage } from "../../src/i18n/language";

const state = { epoch: 2, epochs: 4, step: 5, stepsPerEpoch: 10, loss: 0.421, samplesPerSecond: 5120.4, elapsed: 3 };

function history(): History {
  return new History({
    name: "Adam",
    info: { stoppedEarly: { epoch: 2, monitor: "valLoss", best: 0.3, bestEpoch: 1 } },
    steps: [{ step: 1, epoch: 1, loss: 0.5, time: 0.5 }],
    epochs: [
      { epoch: 1, step: 1, loss: 0.5, valLoss: 0.4, accuracy: 0.8, valAccuracy: 0.7, lr: 0.1, gradNorm: 1, time: 0.5, samplesPerSecond: 100 },
      { epoch: 2, step: 2, loss: 0.3, valLoss: 0.35, accuracy: 0.9, valAccuracy: 0.75, lr: 0.1, gradNorm: 1, time: 1, samplesPerSecond: 100 },
    ],
  });
}

/** The library's reader-visible text in `lang`, as one executed notebook. */
function libraryOutputs(lang: Language) {
  const trajectory = plot.trajectories(
    { name: "Beale", bounds: { x: [-1, 1], y: [-1, 1] }, value: (x: number, y: number) => x * x + y * y, minima: [[0, 0]] },
    [{ name: "SGD η=0.1", path: [[1, 1], [0.5, 0.5]] }],
    { language: lang },
  );
  const seeded = new History({ ...history().toJSON(), name: "SGD lr=0.3 (seed 1)" });
  const curves = plot.lossCurves([seeded], { log: true, language: lang });
  setLanguage(lang);
  try {
    const bundle = history()[Symbol.for("Jupyter.display") as never] as unknown as () => { [mime: string]: unknown };
    const shown = bundle.call(history());
    return {
      cells: [
        { cell_type: "code", outputs: [{ output_type: "stream", text: [progressLine(state, "no clipping", lang), "\n", epochLine(state, { loss: 0.5, valLoss: 0.25 }, undefined, lang)] }] },
        { cell_type: "code", outputs: [{ output_type: "display_data", data: { "text/html": shown["text/html"], "text/plain": shown["text/plain"] } }] },
        { cell_type: "code", outputs: [{ output_type: "display_data", data: { "application/vnd.plotly.v1+json": trajectory.toJSON() } }] },
        { cell_type: "code", outputs: [{ output_type: "display_data", data: { "application/vnd.plotly.v1+json": curves.toJSON() } }] },
      ],
    };
  } finally {
    setLanguage(undefined);
  }
}

test("the library's progress bars, History display and composed figure labels hold no English in Chinese; English is caught (control)", () => {
  assert.deepEqual(
    englishInOutputs(libraryOutputs("zh"), "zh").map((e) => `${e.where} ${e.reason}: ${e.line}`),
    [],
  );
  const english = englishInOutputs(libraryOutputs("en"), "zh");
  const reasons = new Set(english.map((e) => e.reason));
  for (const reason of ["progress bar", "History summary", "run label", "axis label", "trajectory marker"]) assert.ok(reasons.has(reason), `${reason} not detected`);
});

test("englishReason: library English, catalog English, English words and (when asked) prose; names, numbers and Chinese pass", () => {
  assert.equal(englishReason("sgd [####] epoch 2/4 · step 5/10 · loss 0.42 · 5,120 samples/s · ETA 5.0s", "zh"), "progress bar");
  assert.equal(englishReason("all checks passed", "zh"), "catalog");
  assert.equal(englishReason("'all checks passed',", "zh"), "catalog");
  assert.equal(englishReason("SGD lr=0.3, β=0.9", "zh"), undefined);
  assert.equal(englishReason("所有检查均通过", "zh"), undefined);
  // Any word of English prose counts, also in a mixed line (QA 2.8); --prose adds three-word runs of names too.
  assert.equal(englishReason("f: 1e-3 with momentum vs without", "zh"), "catalog");
  assert.equal(englishReason("f：1e-3 with momentum", "zh"), "English words: with, momentum");
  assert.equal(englishReason("relu sigmoid tanh", "zh"), undefined);
  assert.equal(englishReason("relu sigmoid tanh", "zh", true), "prose");
});

test("optimlab i18n outputs: exit 1 and the line when an executed notebook shows English, 0 when it is Chinese", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-outputs-"));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ cells: [{ cell_type: "code", outputs: [{ output_type: "stream", name: "stderr", text }] }] }));
    return file;
  };
  const errors: string[] = [];
  const saved = { log: console.log, error: console.error };
  console.log = () => undefined;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await main(["outputs", write("en.ipynb", progressLine(state, undefined, "en"))]), 1);
    assert.match(errors.join("\n"), /cell 0 stream \(progress bar\)/);
    assert.equal(await main(["outputs", write("zh.ipynb", progressLine(state, undefined, "zh"))]), 0);
  } finally {
    Object.assign(console, saved);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
