/**
 * Tiny wrappers that mark a string as HTML or Markdown, so `display(html("<b>hi</b>"))` and a cell
 * ending in `md("# Title")` render richly instead of showing a quoted string.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from "./protocol";
import { translateLines } from "../i18n/translate";

/** A string to be shown as HTML (with the raw source as the text/plain fallback). */
export class HtmlContent implements Displayable {
  constructor(readonly html: string) {}

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.html, "text/plain": this.html };
  }
}

/** A string to be shown as Markdown (rendered by the notebook front end). */
export class MarkdownContent implements Displayable {
  constructor(readonly markdown: string) {}

  [JUPYTER_DISPLAY](): MimeBundle {
    // A sentence the code writes in English is shown in the reader's language.
    const text = translateLines(this.markdown);
    return { "text/markdown": text, "text/plain": text };
  }
}

/** Marks `source` as HTML: `display(html("<b>bold</b>"))`. */
export function html(source: string): HtmlContent {
  return new HtmlContent(String(source));
}

/** Marks `source` as Markdown: `md("**bold** and $x^2$")`. */
export function md(source: string): MarkdownContent {
  return new MarkdownContent(String(source));
}
