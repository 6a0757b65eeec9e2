/**
 * A grid of small grayscale images (MNIST digits) with their labels, and predictions when given:
 * misclassified images are captioned "label → prediction" in red. Drawn as one heatmap mosaic, so a
 * grid of 100 digits stays a single light trace.
 */
import type { LanguageOption } from "./localize";
import * as tf from "@tensorflow/tfjs";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { NumberArray } from "./inputs";
import { baseLayout } from "./style";

export interface ImageGridOptions extends LanguageOption {
  /** Pixel size of each image (default 28 × 28). */
  width?: number;
  height?: number;
  /** Images per row (default 10). */
  columns?: number;
  /** True labels, shown above each image. */
  labels?: ArrayLike<number>;
  /** Predicted labels: a caption turns red when it differs from the label. */
  predictions?: ArrayLike<number>;
  /** Only the misclassified images (needs labels and predictions). */
  onlyMisclassified?: boolean;
  /** At most this many images (default 100). */
  limit?: number;
  title?: string;
}

export const imageSizeMessage = (index: number, got: number, width: number, height: number): string =>
  `imageGrid: image #${index} has ${got} pixels, expected ${width}×${height} = ${width * height}. Pass { width, height } for other sizes.`;
export const needsPredictionsMessage = (): string => "imageGrid: onlyMisclassified needs both labels and predictions.";

const GAP = 2;
const CAPTION = 8;

/** Images as flat pixel arrays: from an array of arrays or a tensor [n, h, w(, 1)] / [n, h·w]. */
function toImages(images: readonly NumberArray[] | tf.Tensor): NumberArray[] {
  if (images instanceof tf.Tensor) {
    const count = images.shape[0];
    const flat = images.dataSync();
    const size = flat.length / count;
    return Array.from({ length: count }, (_, i) => flat.subarray(i * size, (i + 1) * size));
  }
  return [...images];
}

/** Image mosaic figure. */
export function imageGrid(images: readonly NumberArray[] | tf.Tensor, options: ImageGridOptions = {}): Figure {
  const width = options.width ?? 28;
  const height = options.height ?? 28;
  const columns = options.columns ?? 10;
  const { labels, predictions } = options;
  let indices = toImages(images).map((pixels, index) => ({ pixels, index }));
  if (options.onlyMisclassified) {
    if (!labels || !predictions) throw new Error(needsPredictionsMessage());
    indices = indices.filter(({ index }) => labels[index] !== predictions[index]);
  }
  indices = indices.slice(0, options.limit ?? 100);
  indices.forEach(({ pixels, index }) => {
    if (pixels.length !== width * height) throw new RangeError(imageSizeMessage(index, pixels.length, width, height));
  });
  const rows = Math.max(1, Math.ceil(indices.length / columns));
  const cellWidth = width + GAP;
  const cellHeight = height + GAP + CAPTION;
  const z: (number | null)[][] = Array.from({ length: rows * cellHeight }, () =>
    new Array<number | null>(columns * cellWidth).fill(null),
  );
  const annotations: { [key: string]: string | number | boolean | { [key: string]: string | number } }[] = [];
  let misclassified = 0;
  indices.forEach(({ pixels, index }, tile) => {
    const top = Math.floor(tile / columns) * cellHeight + CAPTION;
    const left = (tile % columns) * cellWidth;
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) z[top + r][left + c] = pixels[r * width + c];
    if (labels) {
      const wrong = predictions !== undefined && predictions[index] !== labels[index];
      if (wrong) misclassified++;
      annotations.push({
        x: left + width / 2,
        y: top - CAPTION / 2,
        xref: "x",
        yref: "y",
        showarrow: false,
        text: wrong ? `${labels[index]} → ${predictions?.[index]}` : String(labels[index]),
        font: { size: 11, color: wrong ? "#C00000" : "#222222" },
      });
    }
  });
  const data: Trace[] = [
    {
      type: "heatmap",
      name: "pixels",
      z,
      colorscale: "Greys",
      reversescale: false,
      showscale: true,
      colorbar: { title: { text: "pixel intensity" }, thickness: 12 },
      hoverinfo: "skip",
      showlegend: false,
    },
  ];
  if (labels && predictions) {
    // Legend entries for the caption colours (empty traces draw nothing but explain the key).
    data.push({
      type: "scatter",
      mode: "markers",
      name: "label (correct)",
      x: [null],
      y: [null],
      marker: { color: "#222222", symbol: "square" },
    });
    data.push({
      type: "scatter",
      mode: "markers",
      name: `label → prediction (misclassified: ${misclassified})`,
      x: [null],
      y: [null],
      marker: { color: "#C00000", symbol: "square" },
    });
  }
  const title =
    options.title ??
    (options.onlyMisclassified ? `Misclassified images (${indices.length})` : `Images (${indices.length})`);
  const pixelsWide = columns * cellWidth;
  const layout = baseLayout(
    title,
    // constrain "domain": square pixels shrink the plot area instead of padding the grid with blank range.
    {
      title: `image grid, ${columns} per row (pixels)`,
      extra: {
        showticklabels: false,
        showgrid: false,
        ticks: "",
        range: [-0.5, pixelsWide - 0.5],
        constrain: "domain",
      },
    },
    {
      title: `${width}×${height} images (pixels)`,
      extra: {
        showticklabels: false,
        showgrid: false,
        ticks: "",
        autorange: "reversed",
        scaleanchor: "x",
        constrain: "domain",
      },
    },
    {
      annotations,
      height: Math.min(1400, 170 + rows * 95),
      margin: { l: 60, r: 30, t: 90, b: 60 },
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom" },
    },
  );
  return new Figure({ language: options.language, data, layout });
}
