/**
 * The `text/plain` view of a figure: title, axes, one line per trace, and the slider if any.
 * Short enough for a terminal, precise enough to tell two figures apart in a test log.
 */
import type { FigureJSON, Json, Layout, Trace } from "./figureTypes";

function axisTitle(axis: Json | undefined): string | undefined {
  if (axis === null || typeof axis !== "object" || Array.isArray(axis)) return undefined;
  const title = axis.title;
  if (typeof title === "string") return title;
  if (title !== null && typeof title === "object" && !Array.isArray(title) && typeof title.text === "string")
    return title.text;
  return undefined;
}

function pointCount(trace: Trace): string {
  const z = trace.z;
  if (Array.isArray(z) && Array.isArray(z[0])) return `${z.length}×${z[0].length} grid`;
  for (const key of ["x", "y", "z", "values"] as const) {
    const values = trace[key];
    if (Array.isArray(values)) return `${values.length} point${values.length === 1 ? "" : "s"}`;
  }
  return "no data";
}

function sliderLine(layout: Layout, frameCount: number): string | undefined {
  const sliders = layout.sliders;
  if (!Array.isArray(sliders) || sliders.length === 0) return undefined;
  const first = sliders[0];
  if (first === null || typeof first !== "object" || Array.isArray(first)) return undefined;
  const current = first.currentvalue;
  const prefix =
    current !== null && typeof current === "object" && !Array.isArray(current) && typeof current.prefix === "string"
      ? current.prefix
      : "value";
  return `  slider: ${prefix.replace(/[=:]\s*$/, "").trim()} (${frameCount} positions)`;
}

/** Summary text of a figure. */
export function figureSummary(figure: FigureJSON): string {
  const title = figure.layout.title?.text ?? "(untitled)";
  const lines = [`Figure: ${title}`];
  const x = axisTitle(figure.layout.xaxis);
  const y = axisTitle(figure.layout.yaxis);
  if (x !== undefined || y !== undefined) lines.push(`  axes: x = ${x ?? "—"}, y = ${y ?? "—"}`);
  const shown = figure.data.filter((trace) => trace.visible !== false);
  lines.push(`  ${shown.length} trace${shown.length === 1 ? "" : "s"}:`);
  for (const trace of shown) {
    lines.push(`    - ${trace.type}${trace.name ? ` "${trace.name}"` : ""}: ${pointCount(trace)}`);
  }
  const slider = sliderLine(figure.layout, figure.frames?.length ?? 0);
  if (slider) lines.push(slider);
  return lines.join("\n");
}
