/**
 * An English notebook + its stored translations → the translated notebook: markdown cells replaced
 * by their translations, every other cell copied unchanged (code is never translated: the phrase
 * catalog translates what it prints and draws at run time), and the notebook marked with its
 * language. A cell without a usable translation keeps its English text under a visible note, so the
 * generated notebook is always complete; `checkTranslations` reports it.
 */
import type { Cell, Notebook } from "../../runner";
import { sourceHash, type StoredTranslation } from "./store";

/** Why a markdown cell is not (correctly) translated. */
export type CellProblemKind = "missing" | "stale" | "untranslated" | "no-id";

export interface CellProblem {
  kind: CellProblemKind;
  id: string;
  /** The English source (what to translate). */
  english: string;
  /** The stored translation, for a stale or untranslated cell. */
  stored?: string;
}

export interface LocalizedNotebook {
  notebook: Notebook;
  problems: CellProblem[];
  /** Stored translations whose cell id the English notebook no longer has. */
  unused: string[];
}

/** Shown above the English text of a cell that has no current translation. */
export const UNTRANSLATED_NOTES: { [lang: string]: string } = {
  zh: "> **（本段尚未翻译，以下为英文原文。）**",
};

export function joinSource(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** nbformat's list-of-lines form (each line keeps its "\n", the last none). */
export function splitSource(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line, i, all) => !(i === all.length - 1 && line === ""));
}

/** Han characters (a translation into Chinese has some; an untouched English copy has none). */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

/** English prose outside code and math: a cell with some needs a translation that reads differently. */
export function hasProse(markdown: string): boolean {
  const prose = markdown.replace(/```[\s\S]*?```/g, " ").replace(/`[^`]*`/g, " ").replace(/\$\$[\s\S]*?\$\$/g, " ").replace(/\$[^$]*\$/g, " ").replace(/<[^>]+>/g, " ");
  return (prose.match(/[A-Za-z]{3,}/g) ?? []).length >= 3;
}

const CJK = "\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef\\u2018-\\u201d";
const ENDS_CJK = new RegExp(`[${CJK}]$`, "u");
const STARTS_CJK = new RegExp(`^[${CJK}]`, "u");

/**
 * Joins soft line breaks between two Chinese characters. Markdown renders a line break inside a
 * paragraph as a space, which Latin text needs and Chinese text shows as a gap ("太大， 也"). Breaks
 * inside code fences, after a heading or table row, before a new block and around Latin text are
 * kept; a blockquote continues across its `> ` prefix, a list item across its indentation.
 */
export function joinCjkSoftBreaks(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    const previous = out[out.length - 1];
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const quoted = line.startsWith(">");
    const content = quoted ? line.replace(/^>\s?/, "") : line;
    const body = content.replace(/^ {1,3}(?=\S)/, "");
    const previousBody = previous?.replace(/^>\s?/, "").trimStart() ?? "";
    const joinable =
      !fenced &&
      previous !== undefined &&
      quoted === previous.startsWith(">") &&
      ENDS_CJK.test(previousBody) &&
      STARTS_CJK.test(body) &&
      !/^ {4}/.test(content) &&
      !/^(#|\|)/.test(previousBody);
    if (joinable) out[out.length - 1] = previous + body;
    else out.push(line);
  }
  return out.join("\n");
}

/** Translates `english` with `translations` into `lang`. */
export function localizeNotebook(english: Notebook, translations: readonly StoredTranslation[], lang: string, englishPath: string): LocalizedNotebook {
  const byId = new Map(translations.map((t) => [t.id, t]));
  const used = new Set<string>();
  const problems: CellProblem[] = [];
  const cells = english.cells.map((cell): Cell => {
    if (cell.cell_type !== "markdown") return structuredClone(cell);
    const source = joinSource(cell.source);
    const id = cell.id;
    const stored = id === undefined ? undefined : byId.get(id);
    if (id !== undefined && stored) used.add(id);
    let text: string | undefined = stored?.text;
    if (id === undefined) problems.push({ kind: "no-id", id: "(no id)", english: source });
    else if (!stored) problems.push({ kind: "missing", id, english: source });
    else if (stored.sourceHash !== sourceHash(source)) problems.push({ kind: "stale", id, english: source, stored: stored.text });
    else if (lang === "zh" && hasProse(source) && !hasHan(stored.text)) {
      problems.push({ kind: "untranslated", id, english: source, stored: stored.text });
      text = undefined;
    }
    const body = text === undefined ? `${UNTRANSLATED_NOTES[lang] ?? ""}\n\n${source}` : lang === "zh" ? joinCjkSoftBreaks(text) : text;
    return { ...structuredClone(cell), source: splitSource(body) };
  });
  const metadata = structuredClone(english.metadata);
  const previous = metadata.optimlab;
  const kept = typeof previous === "object" && previous !== null && !Array.isArray(previous) ? previous : {};
  metadata.optimlab = { ...kept, language: lang, translatedFrom: englishPath };
  return {
    notebook: { ...structuredClone(english), metadata, cells },
    problems,
    unused: translations.map((t) => t.id).filter((id) => !used.has(id)),
  };
}

/** The notebook as the file we write (nbformat's one-space indent, Unicode kept). */
export function notebookText(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
