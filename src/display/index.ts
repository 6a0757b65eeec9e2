/**
 * Rich display for notebooks: the protocol library objects implement, plus `display`, `format`,
 * `html` and `md` for cells.
 */
export * from "./protocol";
export { display, type DisplayHandle, updateWithoutIdMessage, rawBundleMessage } from "./display";
export { format, formatNow, plainText, FORMATTERS, type Formatter, badBundleMessage } from "./format";
export { html, md, HtmlContent, MarkdownContent } from "./markup";
