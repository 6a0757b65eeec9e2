/**
 * Data augmentation for images: a random shift (whole pixels) and rotation per image, applied with
 * one `tf.image.transform` call on the whole batch (bilinear, zero fill). Works on flattened rows
 * `[n, height·width]` (one channel, as `data.mnist()` returns) or on `[n, height, width, channels]`.
 */
import * as tf from "@tensorflow/tfjs";
import { rng } from "../backend/random";
import { shown } from "./dataset";

export interface RandomAffineOptions {
  /** Largest shift in pixels along each axis; each image draws an integer in [−maxShift, maxShift] (default 2). */
  maxShift?: number;
  /** Largest rotation in degrees; each image draws an angle uniformly in [−maxRotation, maxRotation] (default 0). */
  maxRotation?: number;
  /** Image height for flattened rows (default 28). */
  height?: number;
  /** Image width for flattened rows (default 28). */
  width?: number;
  /** Seed of the per-image draws (default: the next sub-seed of `seed(n)`). */
  seed?: number;
}

export function invalidAugmentOptionMessage(name: string, value: unknown): string {
  return `Invalid ${name}: ${shown(value)} (expected a finite number ≥ 0)`;
}

export function augmentShapeMessage(shape: number[], height: number, width: number): string {
  return `randomAffine: images of shape [${shape.join(", ")}] are neither [n, ${height}·${width}] rows nor [n, height, width, channels]; pass height and width for flattened images of another size`;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new Error(invalidAugmentOptionMessage(name, value));
  return value;
}

/**
 * Shifts each image by a random whole number of pixels and rotates it by a random angle about its
 * centre; pixels that come from outside the image are 0. Returns a new tensor of the input's shape.
 *
 * @example const shifted = data.randomAffine(batch.x, { maxShift: 2, maxRotation: 15, seed: 1 });
 */
export function randomAffine(images: tf.Tensor, options: RandomAffineOptions = {}): tf.Tensor {
  const maxShift = Math.floor(nonNegative("maxShift", options.maxShift ?? 2));
  const maxRotation = nonNegative("maxRotation", options.maxRotation ?? 0);
  const flat = images.rank === 2;
  const height = flat ? (options.height ?? 28) : (images.shape[1] as number);
  const width = flat ? (options.width ?? 28) : (images.shape[2] as number);
  if (!(flat ? images.shape[1] === height * width : images.rank === 4))
    throw new Error(augmentShapeMessage(images.shape, height, width));
  const n = images.shape[0];
  const random = rng(options.seed);
  // tf.image.transform maps each output pixel (x, y) to the input pixel (a0·x + a1·y + a2, b0·x + b1·y + b2):
  // the inverse of "rotate by θ about the centre, then shift by (tx, ty)".
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const tx = maxShift > 0 ? random.int(2 * maxShift + 1) - maxShift : 0;
    const ty = maxShift > 0 ? random.int(2 * maxShift + 1) - maxShift : 0;
    const theta = maxRotation > 0 ? ((2 * random.uniform() - 1) * maxRotation * Math.PI) / 180 : 0;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    rows.push([c, s, cx - c * (cx + tx) - s * (cy + ty), -s, c, cy + s * (cx + tx) - c * (cy + ty), 0, 0]);
  }
  return tf.tidy(() => {
    const batch = (flat ? images.reshape([n, height, width, 1]) : images) as tf.Tensor4D;
    // tfjs-backend-cpu 4.22's Transform kernel applies only the first row of `transforms` correctly to a
    // batch (later images come out blank), so on cpu each image is transformed on its own.
    const moved =
      tf.getBackend() === "cpu"
        ? tf.concat(
            rows.map((row, i) =>
              tf.image.transform(
                batch.slice([i, 0, 0, 0], [1, -1, -1, -1]),
                tf.tensor2d([row], [1, 8]),
                "bilinear",
                "constant",
                0,
              ),
            ),
          )
        : tf.image.transform(batch, tf.tensor2d(rows, [n, 8]), "bilinear", "constant", 0);
    return flat ? moved.reshape(images.shape) : moved;
  });
}
