/**
 * The Plotly figure JSON that optimlab figures hold: the same schema as plotly.js's
 * `Plotly.newPlot(div, data, layout, config)` and Jupyter's `application/vnd.plotly.v1+json`.
 *
 * Plotly's schema is large and open-ended, so these types name only the fields optimlab sets and
 * reads; everything else passes through as JSON.
 */

/** Any JSON value (figures must survive `JSON.stringify` unchanged). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** One Plotly trace (`scatter`, `contour`, `heatmap`, `surface`, `histogram`, …). */
export interface Trace {
  type: string;
  name?: string;
  x?: Json;
  y?: Json;
  z?: Json;
  mode?: string;
  showlegend?: boolean;
  legendgroup?: string;
  visible?: boolean | "legendonly";
  [key: string]: Json | undefined;
}

/** Plotly's `layout` object. */
export interface Layout {
  title?: { text: string; [key: string]: Json | undefined };
  showlegend?: boolean;
  [key: string]: Json | undefined;
}

/** One animation frame: the traces (and optional layout changes) shown for one slider position. */
export interface Frame {
  name: string;
  data: Trace[];
  layout?: Layout;
  traces?: number[];
}

/** Plotly's `config` object (responsive, displaylogo, …). */
export type Config = { [key: string]: Json | undefined };

/** The `application/vnd.plotly.v1+json` payload. */
export interface FigureJSON {
  data: Trace[];
  layout: Layout;
  frames?: Frame[];
  config?: Config;
}
