/**
 * A 2D classifier's decision regions with the data on top: over-fitting shows as a ragged
 * boundary that wraps single points; regularization smooths it.
 */
import type { LanguageOption } from "./localize";
import * as tf from "@tensorflow/tfjs";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import { baseLayout, runColour } from "./style";

/** A classifier: a tfjs model (`predict`), or a function from points to scores. */
export type ClassifierLike =
  { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] } | ((points: number[][]) => ArrayLike<number> | number[][]);

/** Labelled 2D points: `x[i] = [x₁, x₂]`, `y[i]` = class index. Tensors are read with `arraySync`. */
export interface LabelledPoints {
  x: readonly (readonly number[])[] | tf.Tensor;
  y: ArrayLike<number> | tf.Tensor;
}

export interface DecisionBoundaryOptions extends LanguageOption {
  title?: string;
  /** Grid samples per axis (default 80). */
  resolution?: number;
  /** Margin around the data, as a fraction of its range (default 0.1). */
  padding?: number;
  /** Class names for the legend (default "class 0", "class 1", …). */
  classNames?: readonly string[];
  xLabel?: string;
  yLabel?: string;
}

export const notTwoDimensionalMessage = (columns: number): string =>
  `decisionBoundary: the points must have 2 features (x₁, x₂), got ${columns}. Project the data to 2D first.`;
export const badPredictionMessage = (shape: readonly number[], points: number): string =>
  `decisionBoundary: the model returned shape [${shape.join(", ")}] for ${points} points; expected [${points}], [${points}, 1] (probability of class 1) or [${points}, classes] (scores).`;

/**
 * Scores on `points` as rows: one column = probability of class 1, several = per-class scores.
 * Tensors are created and freed inside `tf.tidy`.
 */
function predictRows(model: ClassifierLike, points: number[][]): number[][] {
  if (typeof model === "function") {
    const out = model(points);
    const rows = Array.from(out as ArrayLike<number | number[]>, (v) => (Array.isArray(v) ? v : [v]));
    if (rows.length !== points.length) throw new Error(badPredictionMessage([rows.length], points.length));
    return rows;
  }
  return tf.tidy(() => {
    const raw = model.predict(tf.tensor2d(points, [points.length, 2]));
    const output = Array.isArray(raw) ? raw[0] : raw;
    if (output.shape[0] !== points.length || output.rank > 2)
      throw new Error(badPredictionMessage(output.shape, points.length));
    const matrix = output.rank === 1 ? output.reshape([points.length, 1]) : output;
    return matrix.arraySync() as number[][];
  });
}

function readPoints(data: LabelledPoints): { x: number[][]; y: number[] } {
  const x = data.x instanceof tf.Tensor ? (data.x.arraySync() as number[][]) : data.x.map((row) => [...row]);
  const y = data.y instanceof tf.Tensor ? (data.y.dataSync() as ArrayLike<number>) : data.y;
  if (x.length > 0 && x[0].length !== 2) throw new Error(notTwoDimensionalMessage(x[0].length));
  return { x, y: Array.from(y) };
}

/** Decision regions of `model` over the range of `data`, with the points coloured by class. */
export function decisionBoundary(
  model: ClassifierLike,
  data: LabelledPoints,
  options: DecisionBoundaryOptions = {},
): Figure {
  const points = readPoints(data);
  const resolution = options.resolution ?? 80;
  const padding = options.padding ?? 0.1;
  const range = (column: number): [number, number] => {
    const values = points.x.map((p) => p[column]);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const margin = (high - low || 1) * padding;
    return [low - margin, high + margin];
  };
  const [x0, x1] = range(0);
  const [y0, y1] = range(1);
  const gx = Array.from({ length: resolution }, (_, i) => x0 + ((x1 - x0) * i) / (resolution - 1));
  const gy = Array.from({ length: resolution }, (_, i) => y0 + ((y1 - y0) * i) / (resolution - 1));
  const grid = gy.flatMap((y) => gx.map((x) => [x, y]));
  const scores = predictRows(model, grid);
  const binary = scores[0].length === 1;
  const values = scores.map((row) => (binary ? row[0] : row.indexOf(Math.max(...row))));
  const z = gy.map((_, r) => values.slice(r * resolution, (r + 1) * resolution));
  const classes = [...new Set(points.y)].sort((a, b) => a - b);
  const className = (c: number): string => options.classNames?.[c] ?? `class ${c}`;
  const regions: Trace = binary
    ? {
        type: "contour",
        name: "P(class 1)",
        x: gx,
        y: gy,
        z,
        zmin: 0,
        zmax: 1,
        colorscale: [
          [0, "#cfe3f3"],
          [0.5, "#ffffff"],
          [1, "#f7d9c4"],
        ],
        contours: { start: 0, end: 1, size: 0.1, coloring: "fill" },
        line: { width: 0.3 },
        colorbar: { title: { text: "P(class 1)" } },
        showlegend: false,
        hoverinfo: "skip",
      }
    : {
        type: "heatmap",
        name: "predicted class",
        x: gx,
        y: gy,
        z,
        colorscale: "Portland",
        opacity: 0.35,
        showscale: false,
        showlegend: false,
        hoverinfo: "skip",
      };
  const data2: Trace[] = [regions];
  if (binary) {
    data2.push({
      type: "contour",
      name: "decision boundary (P = 0.5)",
      x: gx,
      y: gy,
      z,
      showscale: false,
      contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" },
      line: { color: "black", width: 2.5 },
      showlegend: true,
      hoverinfo: "skip",
    });
  }
  classes.forEach((c, index) => {
    const members = points.x.filter((_, i) => points.y[i] === c);
    data2.push({
      type: "scatter",
      mode: "markers",
      name: className(c),
      x: members.map((p) => p[0]),
      y: members.map((p) => p[1]),
      marker: { color: runColour(index === 1 ? 3 : index), size: 7, line: { color: "white", width: 0.7 } },
    });
  });
  const title = options.title ?? "Decision boundary";
  return new Figure({
    language: options.language,
    data: data2,
    // Legend under the plot: the colour bar takes the right-hand side.
    layout: baseLayout(
      title,
      { title: options.xLabel ?? "x₁ (feature 1)", extra: { range: [x0, x1] } },
      { title: options.yLabel ?? "x₂ (feature 2)", extra: { range: [y0, y1] } },
      { legend: { orientation: "h", x: 0, y: -0.2 } },
    ),
  });
}
