/**
 * Markdown cells → HTML at build time: markdown-it (HTML allowed, as in Jupyter), math with KaTeX
 * via markdown-it-texmath (`$…$`, `$$…$$`), fenced code highlighted by highlight.js, cell
 * attachments (`attachment:name`) pointed at the files the builder wrote for them, and headings
 * with ids (slugs of their text, unique on the page) and an anchor link, which the page lists.
 */
import katex from "katex";
import MarkdownIt from "markdown-it";
import texmath from "markdown-it-texmath";
import { escapeHtml } from "../src/display/escapeHtml";
import { highlightCode } from "./highlight";

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

/** Per-render context: where each attachment of the cell was written (name → relative URL), and the page's headings. */
export interface MarkdownEnv {
  attachments?: { [name: string]: string };
  /** Given: headings get ids and anchor links, and are recorded here. */
  headings?: PageHeadings;
  /** Given: "notebook 07" / "笔记本 07" in the text links to the page this returns for "07" (none: plain text). */
  notebookLink?: (number: string) => string | undefined;
}

/** A reference to another notebook by its two-digit number, in English or Chinese. */
const NOTEBOOK_REFERENCE = /\b[Nn]otebook (\d{2})(?!\d)|笔记本 ?(\d{2})(?!\d)/g;

/**
 * Links references to other notebooks ("see notebook 07", "（笔记本 07）") in the text of
 * paragraphs and lists, never inside a link or a heading, and only where `link` knows the page.
 */
function linkNotebookReferences(state: MarkdownIt.StateCore, link: (number: string) => string | undefined): void {
  state.tokens.forEach((block, index) => {
    if (block.type !== "inline" || !block.children || state.tokens[index - 1]?.type === "heading_open") return;
    const children: MarkdownIt.Token[] = [];
    let depth = 0;
    for (const token of block.children) {
      if (token.type === "link_open") depth++;
      if (token.type === "link_close") depth--;
      if (token.type !== "text" || depth > 0) {
        children.push(token);
        continue;
      }
      let rest = 0;
      const text = (content: string): void => {
        if (!content) return;
        const piece = new state.Token("text", "", 0);
        piece.content = content;
        children.push(piece);
      };
      for (const match of token.content.matchAll(NOTEBOOK_REFERENCE)) {
        const href = link(match[1] ?? match[2]);
        if (href === undefined) continue;
        text(token.content.slice(rest, match.index));
        const open = new state.Token("link_open", "a", 1);
        open.attrs = [
          ["href", href],
          ["class", "notebook-link"],
        ];
        children.push(open);
        text(match[0]);
        children.push(new state.Token("link_close", "a", -1));
        rest = match.index + match[0].length;
      }
      if (rest === 0) children.push(token);
      else text(token.content.slice(rest));
    }
    block.children = children;
  });
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
function headingText(inline: MarkdownIt.Token | undefined): string {
  return (inline?.children ?? [])
    .filter((t) => t.type === "text" || t.type === "code_inline" || t.type.startsWith("math"))
    .map((t) => t.content)
    .join("")
    .trim();
}

/** Gives every heading an id unique on the page (`-2`, `-3`… after a repeat) and records it. */
function identifyHeadings(tokens: MarkdownIt.Token[], headings: PageHeadings): void {
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

const KATEX_OPTIONS = { throwOnError: false, output: "htmlAndMathml" as const };

/** A fenced code block: `<pre><code class="hljs language-x">`, highlighted, like a code cell's input. */
function codeBlock(code: string, language: string | undefined): string {
  const languageClass = language ? ` language-${escapeHtml(language)}` : "";
  return `<pre><code class="hljs${languageClass}">${highlightCode(code, language)}</code></pre>`;
}

function createRenderer(): MarkdownIt {
  const md = new MarkdownIt({
    html: true,
    linkify: true,
    typographer: false,
    // The whole block, as code cells write it (`hljs` included), so both get the same box.
    highlight: (code, language) => codeBlock(code, language || undefined),
  });
  md.use(texmath, { engine: katex, delimiters: "dollars", katexOptions: KATEX_OPTIONS });
  const defaultImage = md.renderer.rules.image;
  md.renderer.rules.image = (tokens, index, options, env: MarkdownEnv, self) => {
    const token = tokens[index];
    const src = token.attrGet("src") ?? "";
    if (src.startsWith("attachment:")) {
      const target = env.attachments?.[decodeURIComponent(src.slice("attachment:".length))];
      if (target) token.attrSet("src", target);
    }
    return defaultImage ? defaultImage(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
  };
  md.core.ruler.push("heading_ids", (state) => {
    const headings = (state.env as MarkdownEnv).headings;
    if (headings) identifyHeadings(state.tokens, headings);
  });
  md.core.ruler.push("notebook_links", (state) => {
    const link = (state.env as MarkdownEnv).notebookLink;
    if (link) linkNotebookReferences(state, link);
  });
  md.renderer.rules.heading_close = (tokens, index, _options, env: MarkdownEnv) => {
    const anchor = (tokens[index].meta as { anchor?: string } | null)?.anchor;
    const link = anchor
      ? `<a class="heading-anchor" href="#${escapeHtml(anchor)}" aria-label="${escapeHtml(env.headings?.anchorLabel ?? "")}">#</a>`
      : "";
    return `${link}</${tokens[index].tag}>\n`;
  };
  // markdown-it's link validator rejects `attachment:` as an unknown scheme; let it through to the rule above.
  const validate = md.validateLink.bind(md);
  md.validateLink = (url: string) => url.startsWith("attachment:") || validate(url);
  return md;
}

let renderer: MarkdownIt | undefined;

/** Markdown source → HTML. */
export function renderMarkdown(source: string, env: MarkdownEnv = {}): string {
  renderer ??= createRenderer();
  return renderer.render(source, env);
}

/** LaTeX (a `text/latex` output, usually `$…$` or `$$…$$`) → KaTeX HTML in display mode. */
export function renderLatex(source: string): string {
  const tex = source
    .trim()
    .replace(/^\$\$([\s\S]*)\$\$$/, "$1")
    .replace(/^\$([\s\S]*)\$$/, "$1");
  return katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: true });
}

/** The first level-1 (else any) ATX heading of a markdown text, as plain text, if any. */
export function firstHeading(source: string): string | undefined {
  renderer ??= createRenderer();
  const tokens = renderer.parse(source, {});
  let fallback: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== "heading_open") continue;
    const text = headingText(tokens[i + 1]);
    if (tokens[i].tag === "h1") return text;
    fallback ??= text;
  }
  return fallback;
}
