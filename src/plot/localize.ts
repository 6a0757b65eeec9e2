/**
 * Figure text in the reader's language: titles (figure, axes, colour bars, legend), trace names,
 * annotations and slider labels are translated through the i18n phrase catalog. Builders take a
 * `language` option; without one, the reader's language (`i18n.language()`) is used.
 */
import { language as currentLanguage, type Language } from "../i18n/language";
import { translate } from "../i18n/translate";
import type { Frame, Json, Layout, Trace } from "./figureTypes";

/** The option every builder accepts. */
export interface LanguageOption {
  /** Language of the figure's text (default: `i18n.language()`, i.e. OPTIMLAB_LANG or optimlab.json). */
  language?: Language;
}

/** Keys whose string values are text a reader sees. */
const TEXT_KEYS = new Set(["text", "title", "name", "label", "prefix", "suffix", "hovertemplate"]);
/** Keys holding data, never translated. */
const DATA_KEYS = new Set(["x", "y", "z", "customdata", "ids", "values", "labels", "source", "meta"]);

/** A slider's current-value prefix is its label and " = " (slider.ts): the catalog knows the label alone. */
function translatePrefix(prefix: string, lang: Language): string {
  const match = /^(.*?)(\s*[=:]\s*)$/.exec(prefix);
  return match ? translate(match[1], lang) + match[2] : translate(prefix, lang);
}

/** Translates the reader-visible strings of a layout / trace / frame tree in place. */
function localizeTree(node: Json | undefined, lang: Language): Json | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = localizeTree(node[i], lang) as Json;
    return node;
  }
  if (typeof node !== "object" || node === null) return node;
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYS.has(key)) continue;
    if (typeof value === "string") {
      if (TEXT_KEYS.has(key)) node[key] = key === "prefix" ? translatePrefix(value, lang) : translate(value, lang);
    } else {
      localizeTree(value, lang);
    }
  }
  return node;
}

/** Puts a figure's text in `lang` (default: the reader's language), in place. */
export function localizeFigure(
  figure: { data: Trace[]; layout: Layout; frames: Frame[] },
  lang: Language = currentLanguage(),
): void {
  if (lang === "en") return;
  for (const trace of figure.data) localizeTree(trace, lang);
  localizeTree(figure.layout, lang);
  // A frame's own name links it to its slider step; only its traces and layout are text.
  for (const frame of figure.frames) {
    for (const trace of frame.data) localizeTree(trace, lang);
    if (frame.layout) localizeTree(frame.layout, lang);
  }
}
