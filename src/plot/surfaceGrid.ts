/**
 * Samples a 2D surface on a regular grid for contour and 3D plots.
 */
import type { Bounds2D, SurfaceLike } from "./inputs";

export interface SurfaceGrid {
  x: number[];
  y: number[];
  /** `z[row][column]` = value(x[column], y[row]): Plotly's orientation. */
  z: number[][];
}

export const badResolutionMessage = (resolution: number): string =>
  `Grid resolution must be an integer ≥ 2, got ${resolution}.`;

function linspace(range: readonly [number, number], count: number): number[] {
  const [low, high] = range;
  return Array.from({ length: count }, (_, i) => low + ((high - low) * i) / (count - 1));
}

/** `resolution × resolution` samples of `surface` over `bounds` (default: the surface's own). */
export function sampleSurface(surface: SurfaceLike, resolution = 100, bounds: Bounds2D = surface.bounds): SurfaceGrid {
  if (!Number.isInteger(resolution) || resolution < 2) throw new RangeError(badResolutionMessage(resolution));
  const x = linspace(bounds.x, resolution);
  const y = linspace(bounds.y, resolution);
  const z = y.map((yValue) => x.map((xValue) => surface.value(xValue, yValue)));
  return { x, y, z };
}

/** The label of a surface's value, the default name of its trace. */
export const SURFACE_VALUE_LABEL = "f(x₁, x₂)";

/** How a surface's height is drawn, for the grid and for points lifted onto it (paths). */
export interface HeightScale {
  z: number[][];
  height(value: number): number;
  /** Axis or colour-bar title. */
  title: string;
}

/**
 * The height scale of a sampled surface: f itself, or (`log`) log10(f − f_min + 1) with f_min the
 * grid's finite minimum, which compresses steep valleys (Rosenbrock spans 0 … 10⁵) so contours
 * show the floor of the valley and not only its walls. Keeps order, so minima stay minima.
 */
export function heightScale(z: number[][], log: boolean): HeightScale {
  if (!log) return { z, height: (value) => value, title: SURFACE_VALUE_LABEL };
  let min = Infinity;
  for (const row of z) for (const v of row) if (Number.isFinite(v) && v < min) min = v;
  const height = (value: number): number => (Number.isFinite(value) ? Math.log10(value - min + 1) : Number.NaN);
  return { z: z.map((row) => row.map(height)), height, title: "log₁₀(f − f_min + 1)" };
}
