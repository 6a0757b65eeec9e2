/**
 * Markdown cells → HTML at build time: markdown-it (HTML allowed, as in Jupyter), math with KaTeX
 * via markdown-it-texmath (`$…$`, `$$…$$`), fenced code highlighted by highlight.js, cell
 * attachments (`attachment:name`) pointed at the files the builder wrote for them, headings with
 * ids and anchor links (headings.ts), and references to other notebooks linked (notebookLinks.ts).
 */
import katex from "katex";
import MarkdownIt from "markdown-it";
import texmath from "markdown-it-texmath";
import { escapeHtml } from "../src/display/escapeHtml";
import { headingText, identifyHeadings, type PageHeadings } from "./headings";
import { highlightCode } from "./highlight";
import { linkNotebookReferences } from "./notebookLinks";

/** Per-render context: where each attachment of the cell was written (name → relative URL), and the page's headings. */
export interface MarkdownEnv {
  attachments?: { [name: string]: string };
  /** Given: headings get ids and anchor links, and are recorded here. */
  headings?: PageHeadings;
  /** Given: "notebook 07" / "笔记本 07" in the text links to the page this returns for "07" (none: plain text). */
  notebookLink?: (number: string) => string | undefined;
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
