import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import * as plot from "../../src/plot";
import { danfo } from "../../src/plot/danfo";
import { sampleHistory } from "./sampleData";

test("table: HTML with escaped cells and right-aligned numbers, aligned text for terminals", () => {
  const table = plot.table(
    [
      { name: "<b>adam</b>", lr: 0.001, loss: 0.123456 },
      { name: "sgd", lr: 0.1, loss: 2 },
    ],
    { title: "Runs & results" },
  );
  const bundle = table[JUPYTER_DISPLAY]() as { [mime: string]: string };
  assert.ok(bundle["text/html"].includes("<caption>Runs &amp; results</caption>"));
  assert.ok(bundle["text/html"].includes("<td>&lt;b&gt;adam&lt;/b&gt;</td>"));
  assert.ok(bundle["text/html"].includes('<td style="text-align:right">0.1235</td>'));
  assert.equal(
    bundle["text/plain"],
    [
      "Runs & results",
      "       name     lr    loss",
      "-----------  -----  ------",
      "<b>adam</b>  0.001  0.1235",
      "        sgd    0.1       2",
    ].join("\n"),
  );
});

test("table and figure print as text with console.log outside a notebook", () => {
  const table = plot.table([{ a: 1 }]);
  assert.equal(inspect(table), table.toString());
  const figure = plot.line({ s: [1, 2] }, { title: "T", xLabel: "x", yLabel: "y" });
  assert.equal(inspect(figure), figure.toString());
});

test("table: long tables are cut at maxRows with a count of the rest", () => {
  const rows = Array.from({ length: 7 }, (_, i) => ({ i }));
  const table = plot.table(rows, { maxRows: 5 });
  assert.ok(table.toHTML().includes("… 2 more rows"));
  assert.ok(table.toString().endsWith("… 2 more rows"));
});

test("historyFrame: one danfojs row per run and epoch with every metric", () => {
  const frame = plot.historyFrame([sampleHistory("SGD", 0.1, 2), sampleHistory("Adam", 0.2, 1)]);
  assert.deepEqual([...frame.columns], ["run", "epoch", "loss", "valLoss", "accuracy"]);
  assert.equal(frame.shape[0], 3);
  assert.deepEqual(
    (frame.values as unknown[][]).map((row) => [row[0], row[1], row[4]]),
    [
      ["SGD", 0, 0.5],
      ["SGD", 1, 0.6],
      ["Adam", 0, 0.5],
    ],
  );
  assert.match(plot.historyTable(sampleHistory("SGD", 0.1, 1)).toString(), /^Training history \(per epoch\)\n/);
});

test("tuningTable: sorted best first, trials without a score last, top N", () => {
  const dfd = danfo();
  const results = new dfd.DataFrame([
    { lr: 0.1, valLoss: 0.3 },
    { lr: 1, valLoss: Number.NaN },
    { lr: 0.01, valLoss: 0.2 },
    { lr: 0.001, valLoss: 0.9 },
  ]);
  const table = plot.tuningTable(results, { sortBy: "valLoss", top: 3 });
  assert.deepEqual(
    table.rows.map((row) => row[0]),
    [0.01, 0.1, 0.001],
  );
  const descending = plot.tuningTable(results, { sortBy: "valLoss", ascending: false });
  assert.deepEqual(
    descending.rows.map((row) => row[0]),
    [0.001, 0.1, 0.01, 1],
  );
  assert.throws(() => plot.tuningTable(results, { sortBy: "accuracy" }), /column "accuracy" not found/i);
});
