/**
 * A 2D test surface as a 3D mesh, optionally with optimizer paths lifted onto it.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import type { Bounds2D, SurfaceLike, TrajectoryRun } from "./inputs";
import { runColour } from "./style";
import { heightScale, sampleSurface, SURFACE_VALUE_LABEL } from "./surfaceGrid";

export interface Surface3dOptions extends LanguageOption {
  title?: string;
  /** Grid samples per axis (default 60: a 3D mesh is heavier to draw than a contour). */
  resolution?: number;
  /** Height log10(f − min + 1) instead of f (default false). */
  logHeight?: boolean;
  bounds?: Bounds2D;
  /** Paths to draw on the surface (at height f(x₁, x₂)). */
  runs?: readonly TrajectoryRun[];
}

/** 3D surface plot. */
export function surface3d(surface: SurfaceLike, options: Surface3dOptions = {}): Figure {
  const grid = sampleSurface(surface, options.resolution ?? 60, options.bounds ?? surface.bounds);
  const scale = heightScale(grid.z, options.logHeight ?? false);
  const data: Trace[] = [
    {
      type: "surface",
      name: surface.name ?? SURFACE_VALUE_LABEL,
      x: grid.x,
      y: grid.y,
      z: scale.z,
      colorscale: "Viridis",
      opacity: 0.9,
      showscale: true,
      colorbar: { title: { text: scale.title } },
      showlegend: false,
    },
  ];
  (options.runs ?? []).forEach((run, index) => {
    data.push({
      type: "scatter3d",
      mode: "lines+markers",
      name: run.name ?? `run ${index + 1}`,
      x: run.path.map((p) => p[0]),
      y: run.path.map((p) => p[1]),
      z: run.path.map((p) => scale.height(surface.value(p[0], p[1]))),
      line: { color: runColour(index), width: 5 },
      marker: { color: runColour(index), size: 2 },
    });
  });
  const layout = {
    title: { text: options.title ?? `${surface.name ?? "Surface"} in 3D`, x: 0.02, xanchor: "left" },
    showlegend: true,
    // Top left: the colour bar takes the right-hand side.
    legend: { x: 0, y: 1, xanchor: "left", yanchor: "top" },
    scene: {
      xaxis: { title: { text: "x₁ (parameter 1)" } },
      yaxis: { title: { text: "x₂ (parameter 2)" } },
      zaxis: { title: { text: scale.title } },
    },
    margin: { l: 0, r: 0, t: 50, b: 0 },
    height: 550,
  };
  return new Figure({ language: options.language, data, layout });
}
