/**
 * The headings of a notebook page: each markdown heading gets an id (a slug of its text, unique on
 * the page) and an anchor link, and the page lists them in its table of contents.
 */
import type MarkdownIt from "markdown-it";

/** One heading of a page: its level (1 for `#`), its id and its plain text. */
export interface Heading {
  level: number;
  id: string;
  text: string;
}

/** The headings of one page, shared by the renders of its cells so ids stay unique on the page. */
export interface PageHeadings {
  /** The accessible name of each heading's anchor link, in the page's language. */
  anchorLabel: string;
  /** Every heading rendered so far, in order. */
  headings: Heading[];
  used: Set<string>;
}

/** A page's (empty) heading list. */
export function pageHeadings(anchorLabel: string): PageHeadings {
  return { anchorLabel, headings: [], used: new Set() };
}

/**
 * A heading's id: its text in lower case, letters and digits of any script kept (Chinese headings
 * keep their characters), punctuation dropped, spaces as hyphens; "section" when nothing is left.
 */
export function headingSlug(text: string): string {
  const slug = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
    .replace(/[\s_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "section";
}

/** The plain text of a heading's inline token (text, inline code, TeX source of math). */
export function headingText(inline: MarkdownIt.Token | undefined): string {
  return (inline?.children ?? [])
    .filter((t) => t.type === "text" || t.type === "code_inline" || t.type.startsWith("math"))
    .map((t) => t.content)
    .join("")
    .trim();
}

/** Gives every heading an id unique on the page (`-2`, `-3`… after a repeat) and records it. */
export function identifyHeadings(tokens: MarkdownIt.Token[], headings: PageHeadings): void {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== "heading_open") continue;
    const text = headingText(tokens[i + 1]);
    const base = headingSlug(text);
    let id = base;
    for (let n = 2; headings.used.has(id); n++) id = `${base}-${n}`;
    headings.used.add(id);
    headings.headings.push({ level: Number(tokens[i].tag.slice(1)), id, text });
    tokens[i].attrSet("id", id);
    const close = tokens.slice(i + 1).find((t) => t.type === "heading_close");
    if (close) close.meta = { anchor: id };
  }
}
