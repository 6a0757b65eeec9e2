/**
 * `Figure`: a Plotly figure as JSON, shown richly by the kernel through the display protocol.
 *
 * The display bundle carries three views of one figure:
 * - `application/vnd.plotly.v1+json`: JupyterLab / VS Code draw it with their Plotly renderer when
 *   installed (it wins: front ends pick the richest MIME type they can render);
 * - `text/html`: the same figure drawn by plotly.js, for classic Notebook, JupyterLab without the
 *   Plotly extension, and exported HTML; the first figure of a kernel process inlines plotly.js;
 * - `text/plain`: title and trace summary, for terminals and logs.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "../display/protocol";
import type { Config, FigureJSON, Frame, Layout, Trace } from "./figureTypes";
import { figureDivHtml, figureTitle, standaloneHtml, type StandaloneHtmlOptions } from "./figureHtml";
import { claimPlotlyEmbedding, inlinePlotlyScript } from "./plotlySource";
import { figureSummary } from "./figureSummary";
import type { Language } from "../i18n/language";
import { localizeFigure } from "./localize";

/** Jupyter's MIME type for Plotly figures. */
export const PLOTLY_MIME_TYPE = "application/vnd.plotly.v1+json";

/** A Plotly figure: `data` (traces), `layout`, optional animation `frames` and `config`. */
export class Figure implements Displayable {
  readonly data: Trace[];
  readonly layout: Layout;
  readonly frames: Frame[];
  readonly config: Config;
  /** The language asked for at construction (undefined: the reader's language). */
  private readonly language: Language | undefined;

  constructor(figure: { data: Trace[]; layout?: Layout; frames?: Frame[]; config?: Config; language?: Language }) {
    // Deep copies: a figure is a value; later edits to the caller's objects must not leak in.
    this.data = structuredClone(figure.data);
    this.layout = structuredClone(figure.layout ?? {});
    this.frames = structuredClone(figure.frames ?? []);
    this.config = structuredClone(figure.config ?? {});
    // Titles, labels and legend names are written in English; readers see them in their language.
    this.language = figure.language;
    localizeFigure(this, figure.language);
  }

  /** The title text ("" when the figure has none). */
  get title(): string {
    return figureTitle(this.toJSON());
  }

  /** The figure as Plotly JSON (`frames`/`config` only when set). Also what `JSON.stringify` uses. */
  toJSON(): FigureJSON {
    const json: FigureJSON = { data: structuredClone(this.data), layout: structuredClone(this.layout) };
    const frames = structuredClone(this.frames);
    // Again on the copy: traces a lesson pushes after building (`figure.data.push(…)`) are text too.
    localizeFigure({ data: json.data, layout: json.layout, frames }, this.language);
    if (frames.length > 0) json.frames = frames;
    if (Object.keys(this.config).length > 0) json.config = structuredClone(this.config);
    return json;
  }

  /** A standalone HTML document (plotly.js inlined by default, so it works offline from `file://`). */
  toHTML(options: StandaloneHtmlOptions = {}): string {
    return standaloneHtml(
      this.toJSON(),
      options.plotly && options.plotly !== "inline" ? "" : inlinePlotlyScript(),
      options,
    );
  }

  /** Title and one line per trace: what a terminal shows. */
  toString(): string {
    return figureSummary(this.toJSON());
  }

  /** `console.log(figure)` outside a notebook prints the summary, not the raw JSON. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The display bundle (see the class comment). Inlines plotly.js into the first figure shown per process. */
  [JUPYTER_DISPLAY](): MimeBundle {
    const json = this.toJSON();
    const loader = claimPlotlyEmbedding() ? inlinePlotlyScript() + "\n" : "";
    return {
      [PLOTLY_MIME_TYPE]: json,
      "text/html": loader + figureDivHtml(json),
      "text/plain": figureSummary(json),
    };
  }
}
