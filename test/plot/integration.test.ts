/** The plot functions accept the real objects of `train`, `surfaces` and `optim.lrScheduler`. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import * as plot from "../../src/plot";
import * as surfaces from "../../src/surfaces";
import { noMetricMessage } from "../../src/plot/lossCurves";
import { History } from "../../src/train";

test("a train.History plots as loss curves, gradient norms and a history table", () => {
  const history = new History({
    name: "sgd",
    steps: [1, 2, 3, 4].map((step) => ({
      step,
      epoch: step <= 2 ? 1 : 2,
      loss: 1 / step,
      gradNorm: 2 / step,
      weightNorm: 1,
      time: step / 10,
    })),
    epochs: [1, 2].map((epoch) => ({
      epoch,
      step: 2 * epoch,
      loss: 1 / epoch,
      valLoss: 1.2 / epoch,
      gradNorm: 1,
      weightNorm: 1,
      time: epoch / 5,
      samplesPerSecond: 100,
    })),
  });
  const curves = plot.lossCurves(history, { x: "time" });
  assert.deepEqual(
    curves.data.map((t) => t.name),
    ["sgd (train)", "sgd (validation)"],
  );
  assert.deepEqual(curves.data[1].x, [0.2, 0.4]);
  assert.deepEqual(plot.gradNorms(history).data[0].y, [2, 1, 2 / 3, 0.5]);
  assert.ok(plot.historyTable(history).columns.includes("valLoss"));
});

test("a train.History whose steps hold per-layer gradient norms (one record type) plots per layer", () => {
  // Train's StepRecord carries `gradNorms` itself: before plot and train shared one record type,
  // this History did not typecheck (`tsc --noEmit` covers the tests).
  const history = new History({
    name: "custom loop",
    steps: [1, 2].map((step) => ({
      step,
      epoch: 1,
      loss: 1 / step,
      time: step,
      gradNorms: { dense: step, out: 2 * step },
    })),
    epochs: [],
  });
  const figure = plot.gradNorms(history, { perLayer: true });
  assert.deepEqual(
    figure.data.map((t) => [t.name, t.y]),
    [
      ["dense", [1, 2]],
      ["out", [2, 4]],
    ],
  );
  // A per-layer map is not a metric value: lossCurves says it has none.
  assert.throws(() => plot.lossCurves(history, { metric: "gradNorms" }), {
    message: noMetricMessage("custom loop", "gradNorms"),
  });
});

test("a surfaces test function and its trajectory plot directly", () => {
  const surface = surfaces.rosenbrock();
  const run = {
    name: "by hand",
    path: [surface.start, [0.5, 0.5] as [number, number], [1, 1] as [number, number]],
    loss: [],
    diverged: false,
  };
  const figure = plot.trajectories(surface, [run], { resolution: 10 });
  assert.equal(figure.data[0].name, surface.name);
  assert.deepEqual(
    figure.data[1].x,
    surface.minima.map((m) => m[0]),
  );
  assert.equal(plot.surface3d(surface, { resolution: 5, runs: [{ path: run.path }] }).data[1].name, "run 1");
});

test("the package entry wires History's notebook display to its loss curves; importing plot alone has no side effects", () => {
  // A fresh process: in this one the package entry may already be loaded by another test file.
  const src = path.join(__dirname, "..", "..", "src");
  const script = `
    const { History } = require(${JSON.stringify(path.join(src, "train"))});
    const { JUPYTER_DISPLAY } = require(${JSON.stringify(path.join(src, "display", "protocol"))});
    const plot = require(${JSON.stringify(path.join(src, "plot"))});
    const history = new History({ name: "run" });
    history.steps.push({ step: 1, epoch: 1, loss: 1, time: 0.1 });
    history.epochs.push({ epoch: 1, step: 1, loss: 1, time: 0.1, samplesPerSecond: 1 });
    const before = Boolean(history[JUPYTER_DISPLAY]()[plot.PLOTLY_MIME_TYPE]);
    require(${JSON.stringify(src)});
    const after = Boolean(history[JUPYTER_DISPLAY]()[plot.PLOTLY_MIME_TYPE]);
    console.log(JSON.stringify({ before, after }));`;
  const child = spawnSync(process.execPath, [...process.execArgv, "-e", script], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  const lastLine = child.stdout.trim().split("\n").pop() ?? "";
  assert.deepEqual(JSON.parse(lastLine), { before: false, after: true });
});
