/**
 * Code highlighting at build time with highlight.js (no JavaScript needed in the page).
 */
import hljs from "highlight.js";
import { escapeHtml } from "../src/display/escapeHtml";

/** Languages a notebook may name that highlight.js knows under another name. */
const LANGUAGE_ALIASES: { [name: string]: string } = {
  ts: "typescript",
  tsx: "typescript",
  js: "javascript",
  node: "javascript",
  ipython3: "python",
  ipython: "python",
  sh: "bash",
};

/** highlight.js's name for a notebook language, or undefined when it has none. */
export function highlightLanguage(language: string | undefined): string | undefined {
  if (!language) return undefined;
  const name = LANGUAGE_ALIASES[language.toLowerCase()] ?? language.toLowerCase();
  return hljs.getLanguage(name) ? name : undefined;
}

/** Highlighted HTML for `code` (escaped plain text for unknown languages). */
export function highlightCode(code: string, language: string | undefined): string {
  const name = highlightLanguage(language);
  return name ? hljs.highlight(code, { language: name, ignoreIllegals: true }).value : escapeHtml(code);
}
