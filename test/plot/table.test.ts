import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
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

test("table: showing rows does not load danfojs (seconds in a fresh kernel); .frame makes the DataFrame on demand", () => {
  // A fresh process: other test files in this one may have loaded danfojs already.
  const plotModule = JSON.stringify(path.join(__dirname, "../../src/plot"));
  const script = `
    const plot = require(${plotModule});
    const loaded = () => Object.keys(require.cache).some((file) => /[\\\\/]danfojs[\\\\/]/.test(file));
    const t = plot.table([{ a: 1, b: "x" }, { a: 2 }]);
    t.toHTML(); t.toString();
    const h = { name: "run", steps: [], epochs: [{ epoch: 0, loss: 1 }] };
    plot.historyTable(h).toHTML();
    const before = loaded();
    const values = t.frame.values;
    console.log(JSON.stringify({ before, after: loaded(), columns: t.frame.columns, values }));`;
  const run = spawnSync(process.execPath, [...process.execArgv, "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "") as {
    before: boolean;
    after: boolean;
    columns: string[];
    values: unknown[][];
  };
  assert.equal(result.before, false, "danfojs was loaded to show a table of rows");
  assert.equal(result.after, true);
  assert.deepEqual(result.columns, ["a", "b"]);
  assert.deepEqual(result.values, [
    [1, "x"],
    [2, null],
  ]);
});

test("table of a DataFrame: .frame is that DataFrame, rows and columns read from it", () => {
  const frame = new (danfo().DataFrame)(
    [
      [1, "x"],
      [2, "y"],
    ],
    { columns: ["n", "s"] },
  );
  const t = plot.table(frame);
  assert.equal(t.frame, frame);
  assert.deepEqual(t.columns, ["n", "s"]);
  assert.deepEqual(t.rows, [
    [1, "x"],
    [2, "y"],
  ]);
});
