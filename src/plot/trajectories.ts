/**
 * Optimizer paths on a 2D test surface: filled contours of the surface, one coloured path per run,
 * a circle at each start, a cross at each end, and stars at the known minima.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { Bounds2D, SurfaceLike, TrajectoryRun } from "./inputs";
import { baseLayout, runColour } from "./style";
import { heightScale, sampleSurface, SURFACE_VALUE_LABEL } from "./surfaceGrid";

export interface TrajectoriesOptions extends LanguageOption {
  title?: string;
  /** Grid samples per axis for the contour (default 120). */
  resolution?: number;
  /** Contour log10(f − min + 1) instead of f (default true: test functions are steep). */
  logContours?: boolean;
  /** Region to draw (default: the surface's bounds). */
  bounds?: Bounds2D;
  /** Axis titles (default "x₁" and "x₂", parameters without units). */
  xLabel?: string;
  yLabel?: string;
}

/** The contour trace of a surface (shared by `trajectories` and slider frames). */
export function contourTrace(surface: SurfaceLike, options: TrajectoriesOptions = {}): Trace {
  const grid = sampleSurface(surface, options.resolution ?? 120, options.bounds ?? surface.bounds);
  const scale = heightScale(grid.z, options.logContours ?? true);
  return {
    type: "contour",
    name: surface.name ?? SURFACE_VALUE_LABEL,
    x: grid.x,
    y: grid.y,
    z: scale.z,
    colorscale: "Viridis",
    ncontours: 30,
    contours: { coloring: "heatmap", showlines: true },
    line: { width: 0.5, color: "rgba(255,255,255,0.35)" },
    colorbar: { title: { text: scale.title }, x: 1.02 },
    hovertemplate: "x₁=%{x:.3f}<br>x₂=%{y:.3f}<extra></extra>",
    showlegend: false,
  };
}

/** Path, start and end traces of one run, coloured by `index`. */
export function pathTraces(trajectory: TrajectoryRun, index: number): Trace[] {
  const run = { ...trajectory, name: trajectory.name ?? `run ${index + 1}` };
  const colour = runColour(index);
  const xs = run.path.map((p) => p[0]);
  const ys = run.path.map((p) => p[1]);
  const last = run.path.length - 1;
  const traces: Trace[] = [
    {
      type: "scatter",
      mode: "lines+markers",
      name: run.name,
      legendgroup: run.name,
      x: xs,
      y: ys,
      line: { color: colour, width: 2 },
      marker: { color: colour, size: 3 },
    },
  ];
  if (run.path.length > 0) {
    traces.push(
      {
        type: "scatter",
        mode: "markers",
        name: `${run.name} start`,
        legendgroup: run.name,
        showlegend: false,
        x: [xs[0]],
        y: [ys[0]],
        marker: { color: colour, size: 11, symbol: "circle", line: { color: "white", width: 1.5 } },
        hovertemplate: "start (%{x:.3f}, %{y:.3f})<extra>" + run.name + "</extra>",
      },
      {
        type: "scatter",
        mode: "markers",
        name: `${run.name} end`,
        legendgroup: run.name,
        showlegend: false,
        x: [xs[last]],
        y: [ys[last]],
        marker: { color: colour, size: 12, symbol: "x", line: { color: "white", width: 1 } },
        hovertemplate: "end (%{x:.3f}, %{y:.3f})<extra>" + run.name + "</extra>",
      },
    );
  }
  return traces;
}

/** Star markers at the surface's known minima (none when it lists none). */
export function minimaTrace(surface: SurfaceLike): Trace[] {
  const minima = surface.minima ?? [];
  if (minima.length === 0) return [];
  return [
    {
      type: "scatter",
      mode: "markers",
      name: minima.length === 1 ? "global minimum" : "global minima",
      x: minima.map((m) => m[0]),
      y: minima.map((m) => m[1]),
      marker: { symbol: "star", size: 16, color: "gold", line: { color: "black", width: 1 } },
    },
  ];
}

/**
 * Contour of `surface` with the paths of `runs`.
 *
 * @example plot.trajectories(surfaces.rosenbrock, [{ name: "Adam", ...surfaces.rosenbrock.trajectory(adam) }])
 */
export function trajectories(
  surface: SurfaceLike,
  runs: readonly TrajectoryRun[],
  options: TrajectoriesOptions = {},
): Figure {
  const data = [
    contourTrace(surface, options),
    ...minimaTrace(surface),
    ...runs.flatMap((run, index) => pathTraces(run, index)),
  ];
  const bounds = options.bounds ?? surface.bounds;
  const title = options.title ?? `Optimizer paths on ${surface.name ?? "the surface"}`;
  const layout = baseLayout(
    title,
    { title: options.xLabel ?? "x₁ (parameter 1)", extra: { range: [...bounds.x] } },
    { title: options.yLabel ?? "x₂ (parameter 2)", extra: { range: [...bounds.y] } },
    { legend: { x: 0, y: -0.18, orientation: "h" } },
  );
  return new Figure({ language: options.language, data, layout });
}
