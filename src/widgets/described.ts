/**
 * The state shared by widgets that carry a description label and a style model (most controls).
 */
import { domState, modelReference, Style, type DOMWidgetOptions } from "./widget";
import type { WireState } from "./wireState";
import { translate } from "../i18n/translate";

export interface DescribedOptions extends DOMWidgetOptions {
  /** The label left of the control (plain text unless `descriptionAllowHtml`). */
  description?: string;
  descriptionAllowHtml?: boolean;
  /** Style in camelCase (`descriptionWidth: "initial"`, `handleColor`, …); which keys exist depends on the widget. */
  style?: { [name: string]: string | undefined };
}

/** Layout, style (model `styleModel` with `styleDefaults`), description: in the order ipywidgets opens them. */
export function describedState(options: DescribedOptions, styleModel: string, styleDefaults: WireState): WireState {
  const dom = domState(options);
  const style = new Style(styleModel, styleDefaults, options.style);
  return {
    ...dom,
    // The label a reader sees, in their language (the code names it in English).
    description: translate(options.description ?? ""),
    description_allow_html: options.descriptionAllowHtml ?? false,
    style: modelReference(style),
  };
}

export const DESCRIPTION_STYLE: WireState = { description_width: "" };
