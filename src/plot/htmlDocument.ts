/**
 * The HTML document every optimlab page is written in — a standalone figure (`Figure.toHTML()`) and
 * each page of the tutorial site: doctype, `lang`, UTF-8, the viewport and the title in one place.
 */
import { escapeHtml } from "../display/escapeHtml";

export interface HtmlDocumentParts {
  /** BCP 47 tag of the page's language ("en", "zh-CN"). */
  lang: string;
  /** Plain text (escaped here). */
  title: string;
  /** Extra lines for `<head>` (stylesheets, scripts, alternate links), already HTML. */
  head?: readonly string[];
  /** Attributes of `<body>`, already HTML, e.g. `style="margin:1rem"`. */
  bodyAttributes?: string;
  /** The body's content, already HTML. */
  body: string;
}

/** A complete HTML document. */
export function htmlDocument(parts: HtmlDocumentParts): string {
  return [
    "<!DOCTYPE html>",
    `<html lang="${escapeHtml(parts.lang)}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    ...(parts.head ?? []),
    "</head>",
    parts.bodyAttributes ? `<body ${parts.bodyAttributes}>` : "<body>",
    parts.body,
    "</body>",
    "</html>",
    "",
  ]
    .filter((line) => line !== "")
    .join("\n")
    .concat("\n");
}
