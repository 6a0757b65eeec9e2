/**
 * `plot`: figures (Plotly JSON, shown interactively in notebooks and on the site) and tables.
 *
 * Every builder returns a {@link Figure}; a notebook cell that ends with one shows it. Sliders over
 * precomputed runs (`slider`) work without a kernel, in exported HTML too.
 */
export { Figure, PLOTLY_MIME_TYPE } from "./figure";
export type { Config, FigureJSON, Frame, Json, Layout, Trace } from "./figureTypes";
export type { StandaloneHtmlOptions } from "./figureHtml";
export { figureDivHtml, plotlyMissingMessage } from "./figureHtml";
export { plotlyScriptPath, reembedPlotly, plotlyNotInstalledMessage } from "./plotlySource";
export { escapeHtml, jsonForScript } from "../display/escapeHtml";
export type * from "./inputs";
export { RUN_COLOURS, runColour } from "./style";

export { lossCurves, lossTraces, type LossAxis, type LossCurvesOptions } from "./lossCurves";
export { trajectories, contourTrace, pathTraces, type TrajectoriesOptions } from "./trajectories";
export { surface3d, type Surface3dOptions } from "./surface3d";
export { histogram, type HistogramOptions } from "./histogram";
export { coefficientPath, type CoefficientPathData, type CoefficientPathOptions } from "./coefficientPath";
export { heatmap, type HeatmapOptions } from "./heatmap";
export { scatter, type ScatterOptions } from "./scatter";
export { lrSchedule, scheduleValues, type LrScheduleOptions } from "./lrSchedule";
export { gradNorms, type GradNormsOptions } from "./gradNorms";
export {
  decisionBoundary,
  type ClassifierLike,
  type DecisionBoundaryOptions,
  type LabelledPoints,
} from "./decisionBoundary";
export { sparsityCurve, fractionNearZero, type SparsityCurveOptions, type SparsitySeries } from "./sparsityCurve";
export { imageGrid, type ImageGridOptions } from "./imageGrid";
export { line, lineTraces, type LineOptions, type LineSeries } from "./line";
export { slider, type SliderOptions } from "./slider";
export { live, LiveFigure } from "./live";
export {
  table,
  Table,
  historyFrame,
  historyTable,
  tuningTable,
  type TableOptions,
  type TuningTableOptions,
} from "./table";
export type { DataFrame } from "./danfo";
export { historyFigure } from "./historyFigure";
