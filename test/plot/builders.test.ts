import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as plot from "../../src/plot";
import { noMetricMessage, noTimeMessage } from "../../src/plot/lossCurves";
import { lengthMismatchMessage } from "../../src/plot/line";
import { notAScheduleMessage } from "../../src/plot/lrSchedule";
import { noGradNormsMessage, notOneHistoryMessage } from "../../src/plot/gradNorms";
import { notTwoDimensionalMessage } from "../../src/plot/decisionBoundary";
import { imageSizeMessage } from "../../src/plot/imageGrid";
import { missingColumnMessage } from "../../src/plot/adapters";
import { StepLR } from "../../src/optim/lrScheduler";
import { danfo } from "../../src/plot/danfo";
import { bowl, bowlPath, sampleHistory } from "./sampleData";

type Obj = { [key: string]: unknown };
const axisTitle = (layout: Obj, key: string): string =>
  (((layout[key] as Obj | undefined)?.title as Obj | undefined)?.text as string) ?? "";
const grid = [
  { lr: 0.01, wd: 0, valLoss: 0.5 },
  { lr: 0.1, wd: 0, valLoss: 0.3 },
  { lr: 0.01, wd: 1e-4, valLoss: 0.45 },
  { lr: 0.1, wd: 1e-4, valLoss: 0.2 },
  { lr: 0.1, wd: 1e-4, valLoss: 0.4 },
];

/** Every builder, called as a notebook would. */
const FIGURES: { [name: string]: () => plot.Figure } = {
  lossCurves: () => plot.lossCurves([sampleHistory("SGD", 0.1), sampleHistory("Adam", 0.2)]),
  trajectories: () => plot.trajectories(bowl, [{ name: "GD", path: bowlPath(0.1) }], { resolution: 20 }),
  surface3d: () => plot.surface3d(bowl, { resolution: 10, runs: [{ name: "GD", path: bowlPath(0.1) }] }),
  histogram: () => plot.histogram({ L1: [0, 0, 0.5, -0.2], L2: [0.1, -0.1, 0.3, 0.2] }),
  histogramByLayer: () =>
    plot.histogram(
      {
        L1: [
          { name: "dense1", values: [0, 1] },
          { name: "dense2", values: [0, 2] },
        ],
        L2: [{ name: "dense1", values: [0.5, 1] }],
      },
      { byLayer: true },
    ),
  coefficientPath: () =>
    plot.coefficientPath(
      {
        lambdas: [0.01, 0.1, 1],
        coefficients: [
          [1, -2],
          [0.5, -1],
          [0, 0],
        ],
      },
      { penalty: "L1" },
    ),
  heatmap: () => plot.heatmap(grid, { x: "lr", y: "wd", z: "valLoss" }),
  scatter: () => plot.scatter(grid, { x: "lr", y: "valLoss", color: "wd", logX: true }),
  lrSchedule: () => plot.lrSchedule({ constant: () => 0.1 }, { steps: 5 }),
  gradNorms: () => plot.gradNorms(sampleHistory("SGD", 0.1)),
  gradNormsPerLayer: () => plot.gradNorms(sampleHistory("SGD", 0.1), { perLayer: true, clipAt: 1 }),
  decisionBoundary: () =>
    plot.decisionBoundary(
      (points) => points.map(([x]) => (x > 0 ? 0.9 : 0.1)),
      {
        x: [
          [-1, 0],
          [1, 0],
          [0.5, 1],
        ],
        y: [0, 1, 1],
      },
      { resolution: 10 },
    ),
  sparsityCurve: () => plot.sparsityCurve({ L1: { x: [0.01, 0.1], sparsity: [0.1, 0.6] } }),
  imageGrid: () =>
    plot.imageGrid([new Float32Array(4), new Float32Array(4).fill(1)], {
      width: 2,
      height: 2,
      labels: [1, 2],
      predictions: [1, 3],
    }),
  line: () => plot.line({ train: [1, 2, 3] }, { title: "Accuracy", xLabel: "epoch", yLabel: "accuracy (%)" }),
  slider: () =>
    plot.slider([0.1, 0.2], (lr) => plot.trajectories(bowl, [{ name: "GD", path: bowlPath(lr) }], { resolution: 10 }), {
      label: "learning rate η",
    }),
};

for (const [name, build] of Object.entries(FIGURES)) {
  test(`${name}: has a title, axis titles and a legend (or a colour bar), and serialises to JSON`, () => {
    const figure = build();
    const json = JSON.parse(JSON.stringify(figure)) as { data: Obj[]; layout: Obj };
    assert.ok(figure.title.length > 0, "title");
    const scene = json.layout.scene as Obj | undefined;
    const axes = scene
      ? [axisTitle(scene, "xaxis"), axisTitle(scene, "yaxis"), axisTitle(scene, "zaxis")]
      : [axisTitle(json.layout, "xaxis"), axisTitle(json.layout, "yaxis")];
    for (const title of axes) assert.ok(title.length > 0, `axis titles: ${JSON.stringify(axes)}`);
    const legendEntries = json.data.filter(
      (t) => t.showlegend !== false && typeof t.name === "string" && t.name !== "",
    );
    const colourBars = json.data.filter(
      (t) => t.colorbar !== undefined || (t.marker as Obj | undefined)?.colorbar !== undefined,
    );
    assert.ok(
      json.layout.showlegend !== false && (legendEntries.length > 0 || colourBars.length > 0),
      "legend or colour bar",
    );
  });
}

test("lossCurves: one colour per run, validation dashed in the run's colour, at the epoch's end step", () => {
  const figure = plot.lossCurves([sampleHistory("SGD", 0.1), sampleHistory("Adam", 0.2)], { log: true });
  const [sgdTrain, sgdVal, adamTrain] = figure.data as unknown as {
    name: string;
    line: { color: string; dash: string };
    x: number[];
  }[];
  assert.equal(sgdTrain.name, "SGD (train)");
  assert.equal(sgdVal.name, "SGD (validation)");
  assert.equal(sgdTrain.line.color, sgdVal.line.color);
  assert.notEqual(sgdTrain.line.color, adamTrain.line.color);
  assert.equal(sgdTrain.line.dash, "solid");
  assert.equal(sgdVal.line.dash, "dash");
  assert.deepEqual(sgdVal.x, [4, 8, 12], "each epoch's last step");
  assert.equal((figure.layout.yaxis as Obj).type, "log");
});

test("lossCurves: x by epoch or by time, and a clear error when time was not recorded", () => {
  const history = sampleHistory("SGD", 0.1);
  assert.deepEqual(plot.lossCurves(history, { x: "epoch" }).data[0].x, [0, 1, 2]);
  assert.deepEqual(plot.lossCurves(history, { x: "time" }).data[1].x, [2, 4, 6]);
  assert.equal(axisTitle(plot.lossCurves(history, { x: "time" }).layout, "xaxis"), "wall-clock time (s)");
  const untimed = { name: "untimed", steps: [{ step: 1, loss: 1 }], epochs: [] };
  assert.throws(() => plot.lossCurves(untimed, { x: "time" }), { message: noTimeMessage("untimed") });
});

test("lossCurves: another metric and its validation twin; per-epoch metrics placed at epoch ends", () => {
  const history = sampleHistory("SGD", 0.1);
  const figure = plot.lossCurves(history, { metric: "accuracy" });
  assert.deepEqual(
    figure.data.map((t) => t.name),
    ["SGD (train)"],
  );
  assert.deepEqual(figure.data[0].x, [4, 8, 12], "accuracy is only per epoch here");
  assert.deepEqual(figure.data[0].y, [0.5, 0.6, 0.7]);
  assert.equal(figure.title, "Accuracy: SGD");
  const withVal = { ...history, epochs: history.epochs.map((e) => ({ ...e, valAccuracy: 0.4 })) };
  assert.deepEqual(plot.lossCurves(withVal, { metric: "accuracy", x: "epoch" }).data[1].y, [0.4, 0.4, 0.4]);
  assert.throws(() => plot.lossCurves(history, { metric: "f1" }), { message: noMetricMessage("SGD", "f1") });
});

test("trajectories: contour of the surface, the path, start and end markers, the minimum", () => {
  const path = bowlPath(0.1, 5);
  const figure = plot.trajectories(bowl, [{ name: "GD", path }], { resolution: 5 });
  const [contour, minimum, line, start, end] = figure.data as Obj[];
  assert.equal(contour.type, "contour");
  assert.equal((contour.z as number[][]).length, 5);
  assert.deepEqual(minimum.x, [0]);
  assert.deepEqual(
    line.x,
    path.map((p) => p[0]),
  );
  assert.deepEqual(start.x, [path[0][0]]);
  assert.deepEqual(end.y, [path[5][1]]);
  assert.equal((end.marker as Obj).symbol, "x");
});

test("surface3d with logHeight: paths sit on the mesh (one height scale for both) and the titles say log", () => {
  // Bounds whose grid holds the path's points: x and y at -2, -1, 0, 1, 2.
  const figure = plot.surface3d(bowl, {
    resolution: 5,
    bounds: { x: [-2, 2], y: [-2, 2] },
    logHeight: true,
    runs: [
      {
        path: [
          [-1, 1],
          [0, 0],
          [2, -1],
        ],
      },
    ],
  });
  const mesh = figure.data[0] as { x: number[]; y: number[]; z: number[][] };
  const at = (x: number, y: number): number => mesh.z[mesh.y.indexOf(y)][mesh.x.indexOf(x)];
  assert.deepEqual(figure.data[1].z, [at(-1, 1), at(0, 0), at(2, -1)]);
  assert.equal(at(0, 0), 0, "log10(f − f_min + 1) is 0 at the minimum");
  const zAxis = (figure.layout as { scene: { zaxis: { title: { text: string } } } }).scene.zaxis;
  assert.equal(zAxis.title.text, "log₁₀(f − f_min + 1)");
});

test("histogram by layer: one panel per layer, runs overlaid, legend once per run", () => {
  const figure = plot.histogram(
    {
      L1: [
        { name: "dense1", values: [0, 1] },
        { name: "dense2", values: [0, 2] },
      ],
      L2: [
        { name: "dense1", values: [0.5, 1] },
        { name: "dense2", values: [3, Number.NaN] },
      ],
    },
    { byLayer: true },
  );
  assert.deepEqual(
    figure.data.map((t) => [t.name, t.xaxis, t.showlegend]),
    [
      ["L1", "x", true],
      ["L1", "x2", false],
      ["L2", "x", true],
      ["L2", "x2", false],
    ],
  );
  assert.deepEqual(figure.data[3].x, [3], "non-finite weights dropped");
  assert.equal((figure.layout.grid as Obj).rows, 2);
});

test("histogram reads a tfjs model's variables without leaking tensors", () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  const before = tf.memory().numTensors;
  const figure = plot.histogram({ model }, { byLayer: true });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(figure.data.length, 2, "kernel and bias");
  assert.equal((figure.data[0].x as number[]).length, 6);
  model.dispose();
});

test("heatmap: pivots the grid, averages repeats, and outlines the best cell", () => {
  const figure = plot.heatmap(grid, { x: "lr", y: "wd", z: "valLoss" });
  const [cells, best] = figure.data as Obj[];
  assert.deepEqual(cells.x, ["0.01", "0.1"]);
  assert.deepEqual(cells.y, ["0", "1e-4"]);
  assert.deepEqual(cells.z, [
    [0.5, 0.3],
    [0.45, 0.30000000000000004],
  ]);
  assert.deepEqual([best.x, best.y], [["0.1"], ["0"]]);
  assert.throws(() => plot.heatmap(grid, { x: "lr", y: "momentum", z: "valLoss" }), {
    message: missingColumnMessage("momentum", ["lr", "wd", "valLoss"]),
  });
});

test("scatter: marks the best trial; works from a danfojs DataFrame", () => {
  const dfd = danfo();
  const frame = new dfd.DataFrame(grid);
  const figure = plot.scatter(frame, { x: "lr", y: "valLoss" });
  assert.deepEqual(figure.data[0].y, [0.5, 0.3, 0.45, 0.2, 0.4]);
  assert.deepEqual([figure.data[1].x, figure.data[1].y], [[0.1], [0.2]]);
});

test("lrSchedule: functions, arrays and real optim.lrScheduler schedulers give the same lrs torch would", () => {
  const scheduler = new StepLR({ lr: 0.1 }, { stepSize: 2, gamma: 0.5 });
  const figure = plot.lrSchedule(
    { step: scheduler, fn: (t) => 0.1 * 0.5 ** Math.floor(t / 2), fixed: [1, 2] },
    { steps: 5 },
  );
  assert.deepEqual(figure.data[0].y, [0.1, 0.1, 0.05, 0.05, 0.025]);
  assert.deepEqual(figure.data[1].y, figure.data[0].y);
  assert.deepEqual(figure.data[2].y, [1, 2]);
  assert.throws(() => plot.lrSchedule({ bad: 3 as never }), { message: notAScheduleMessage("bad") });
});

test("gradNorms: per-layer curves and a clear error when norms were not recorded", () => {
  const figure = plot.gradNorms(sampleHistory("SGD", 0.1), { perLayer: true, clipAt: 1 });
  assert.deepEqual(
    figure.data.map((t) => t.name),
    ["dense1", "dense2", "clip threshold (1)"],
  );
  assert.deepEqual(figure.data[2].y, [1, 1]);
  assert.throws(() => plot.gradNorms({ steps: [{ step: 1, loss: 1 }], epochs: [] }), {
    message: noGradNormsMessage("`gradNorm`"),
  });
});

test("decisionBoundary: predicts on a grid with a tfjs model inside tf.tidy (no leaked tensors)", () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [2], activation: "sigmoid", kernelInitializer: "ones" })],
  });
  const x = tf.tensor2d([
    [-1, -1],
    [1, 1],
  ]);
  const y = tf.tensor1d([0, 1]);
  const before = tf.memory().numTensors;
  const figure = plot.decisionBoundary(model, { x, y }, { resolution: 6 });
  assert.equal(tf.memory().numTensors, before);
  const z = figure.data[0].z as number[][];
  assert.equal(z.length, 6);
  assert.ok(z[0][0] < 0.5 && z[5][5] > 0.5, "low-left is class 0, high-right class 1");
  assert.deepEqual(
    figure.data.slice(2).map((t) => t.name),
    ["class 0", "class 1"],
  );
  assert.throws(() => plot.decisionBoundary(() => [], { x: [[1, 2, 3]], y: [0] }), {
    message: notTwoDimensionalMessage(3),
  });
  tf.dispose([model, x, y] as never);
});

test("decisionBoundary: several class scores become the arg-max class", () => {
  const figure = plot.decisionBoundary(
    (points) => points.map(([x]) => (x < 0 ? [1, 0, 0] : [0, 0, 1])),
    {
      x: [
        [-1, 0],
        [1, 0],
      ],
      y: [0, 2],
    },
    { resolution: 4 },
  );
  assert.equal(figure.data[0].type, "heatmap");
  assert.deepEqual((figure.data[0].z as number[][])[0], [0, 0, 2, 2]);
});

test("sparsityCurve and fractionNearZero", () => {
  assert.equal(plot.fractionNearZero([0, 1e-4, 0.5, -2]), 0.5);
  assert.deepEqual(plot.sparsityCurve({ L1: { x: [1], sparsity: [0.25] } }).data[0].y, [25]);
});

test("imageGrid: one mosaic, red captions for misclassified images, size checks", () => {
  const figure = plot.imageGrid(
    [
      [0, 1, 1, 0],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
    ],
    { width: 2, height: 2, labels: [1, 2, 3], predictions: [1, 7, 3], columns: 2 },
  );
  const annotations = figure.layout.annotations as { text: string; font: { color: string } }[];
  assert.deepEqual(
    annotations.map((a) => a.text),
    ["1", "2 → 7", "3"],
  );
  assert.equal(annotations[1].font.color, "#C00000");
  assert.equal(figure.data[0].type, "heatmap");
  const only = plot.imageGrid(
    [
      [0, 1, 1, 0],
      [1, 1, 1, 1],
    ],
    { width: 2, height: 2, labels: [1, 2], predictions: [1, 7], onlyMisclassified: true },
  );
  assert.deepEqual(
    (only.layout.annotations as { text: string }[]).map((a) => a.text),
    ["2 → 7"],
  );
  assert.throws(() => plot.imageGrid([[1, 2, 3]], { width: 2, height: 2 }), { message: imageSizeMessage(0, 3, 2, 2) });
});

test("line: x defaults to indices; mismatched lengths are an error", () => {
  const figure = plot.line({ a: [5, 6] }, { title: "t", xLabel: "x", yLabel: "y" });
  assert.deepEqual(figure.data[0].x, [0, 1]);
  assert.throws(() => plot.line({ a: { x: [1], y: [1, 2] } }, { title: "t", xLabel: "x", yLabel: "y" }), {
    message: lengthMismatchMessage("a", 1, 2),
  });
});

test("gradNorms given a list of histories, or no history, says what it expects (it read .steps of undefined)", () => {
  const history = sampleHistory("SGD", 0.1);
  assert.throws(() => plot.gradNorms([history] as never), {
    name: "TypeError",
    message: notOneHistoryMessage([history]),
  });
  assert.equal(
    notOneHistoryMessage([history]),
    "gradNorms plots one training history, got a list of 1: pass the history itself (gradNorms(history)), one figure per run",
  );
  assert.throws(() => plot.gradNorms(undefined as never), { message: notOneHistoryMessage(undefined) });
  assert.throws(() => plot.gradNorms({} as never), /got an object without steps and epochs arrays/);
  // An empty history keeps its own message.
  assert.throws(() => plot.gradNorms({ steps: [], epochs: [] }), { message: noGradNormsMessage("`gradNorm`") });
});
