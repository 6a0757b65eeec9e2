import assert from "node:assert/strict";
import { test } from "node:test";
import * as plot from "../../src/plot";
import { badInitialMessage } from "../../src/plot/slider";
import { bowl, bowlPath, sampleHistory } from "./sampleData";

type Obj = { [key: string]: unknown };

test("slider: one frame per value, slider steps animate to them, initial value shown", () => {
  const values = [0.05, 0.1, 0.2];
  const figure = plot.slider(
    values,
    (lr) => plot.trajectories(bowl, [{ name: "GD", path: bowlPath(lr) }], { resolution: 8, title: `GD, η = ${lr}` }),
    { label: "learning rate η", initial: 0.1 },
  );
  assert.equal(figure.frames.length, 3);
  const slider = (figure.layout.sliders as Obj[])[0];
  assert.equal(slider.active, 1);
  assert.deepEqual((slider.currentvalue as Obj).prefix, "learning rate η = ");
  const steps = slider.steps as { label: string; method: string; args: [string[], Obj] }[];
  assert.deepEqual(
    steps.map((s) => s.label),
    ["0.05", "0.1", "0.2"],
  );
  assert.deepEqual(
    steps.map((s) => s.args[0][0]),
    figure.frames.map((f) => f.name),
  );
  assert.ok(steps.every((s) => s.method === "animate"));
  // The initial data is the η = 0.1 run, and each frame carries its own path and title.
  assert.deepEqual(
    figure.data[2].x,
    bowlPath(0.1).map((p) => p[0]),
  );
  assert.deepEqual(figure.frames[2].layout, { title: { text: "GD, η = 0.2", x: 0.02, xanchor: "left" } });
  assert.match(figure.toString(), /slider: learning rate η \(3 positions\)/);
});

test("slider: the current-value label is in the figure's language (the catalog has the label without ' = ')", () => {
  const build = (language: "en" | "zh") =>
    plot.slider([0.2, 0.5], (p) => plot.lossCurves([sampleHistory("run", p)], { title: `p = ${p}` }), {
      label: "dropout p",
      language,
    });
  const prefix = (figure: plot.Figure) => ((figure.layout.sliders as Obj[])[0].currentvalue as Obj).prefix;
  assert.equal(prefix(build("zh")), "暂退概率 p = ");
  assert.equal(prefix(build("en")), "dropout p = ");
});

test("slider: traces equal in every frame (the contour) are left out of the frames", () => {
  const figure = plot.slider(
    [0.05, 0.2],
    (lr) => plot.trajectories(bowl, [{ name: "GD", path: bowlPath(lr) }], { resolution: 8 }),
    { label: "η" },
  );
  // contour (0), minimum (1) and start marker (3) are the same for every η; the path (2) and end (4) differ.
  assert.deepEqual(figure.frames[0].traces, [2, 4]);
  assert.equal(figure.frames[0].data.length, 2);
});

test("slider: frames padded to the same trace count, axes fixed to the union of all frames", () => {
  const short = {
    name: "short",
    steps: [
      { step: 1, loss: 4 },
      { step: 2, loss: 2 },
    ],
    epochs: [],
  };
  const long = sampleHistory("long", 0.1);
  const figure = plot.slider([1, 2], (v) => plot.lossCurves(v === 1 ? short : long), { label: "run" });
  assert.equal(figure.data.length, 2, "padded to the validation-carrying run");
  assert.equal(figure.frames[0].data.length, 2);
  assert.equal(figure.frames[0].data[1].showlegend, false);
  const xaxis = figure.layout.xaxis as { range: number[]; autorange: boolean };
  assert.equal(xaxis.autorange, false);
  assert.ok(xaxis.range[0] < 1 && xaxis.range[1] > 12, `x range covers both runs: ${xaxis.range}`);
  const yaxis = figure.layout.yaxis as { range: number[] };
  assert.ok(yaxis.range[1] > 4, "y range covers the short run's loss of 4");
});

test("slider: log axes get their fixed range in log10 units; bad initial values are refused", () => {
  const figure = plot.slider(
    [1, 2],
    (v) => plot.line({ a: { x: [1, 2], y: [v, 100 * v] } }, { title: "t", xLabel: "x", yLabel: "y", logY: true }),
    { label: "v" },
  );
  const range = (figure.layout.yaxis as { range: number[] }).range;
  assert.ok(range[0] < 0.01 && range[0] > -0.2 && range[1] > Math.log10(200) && range[1] < 2.5, `log range ${range}`);
  assert.throws(() => plot.slider([1, 2], () => [], { label: "v", initial: 3 }), { message: badInitialMessage(3) });
});
