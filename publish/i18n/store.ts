/**
 * The translation store: one Markdown file per notebook and language (`i18n/zh/05-weight-decay-vs-l2.md`)
 * holding the translation of each English markdown cell, keyed by the cell's id and stamped with a
 * hash of the English text it was translated from:
 *
 *     <!-- cell 05-02 en:3f9a0c1d2b4e -->
 *     ## 1. 同一个惩罚项的两种写法
 *     …
 *
 * When the English cell changes, its hash no longer matches and the translation is reported stale.
 * Code is never stored here: the Chinese notebook takes its code cells from the English one.
 */
import { createHash } from "node:crypto";

/** One translated cell. */
export interface StoredTranslation {
  id: string;
  /** Hash of the English source this translation was made from (see `sourceHash`). */
  sourceHash: string;
  text: string;
}

/** A parsed store file: translations in file order. */
export interface TranslationFile {
  translations: StoredTranslation[];
}

const SECTION = /^<!-- cell (\S+) en:([0-9a-f]{6,64}) -->[ \t]*$/;

export const storeMessages = {
  duplicate: (file: string, id: string) => `${file}: cell ${id} is translated twice; keep one section per cell id.`,
  textBeforeFirst: (file: string, line: number) =>
    `${file}:${line}: text before the first "<!-- cell ID en:HASH -->" line belongs to no cell; move it into a cell's section or delete it.`,
} as const;

/** The hash a translation is stamped with: the first 12 hex digits of SHA-256 of the English source. */
export function sourceHash(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex").slice(0, 12);
}

/** The header line of a cell's section. */
export function sectionHeader(id: string, hash: string): string {
  return `<!-- cell ${id} en:${hash} -->`;
}

/** Header comment written at the top of a new store file. */
export function fileHeader(notebook: string, lang: string): string {
  return `<!-- Translation of ${notebook} (${lang}). One section per English markdown cell: "cell <id> en:<hash of the English text translated>". Regenerate the notebook with \`optimlab i18n build\`. -->`;
}

/** Parses a store file; throws with the file and line for text that belongs to no cell or duplicate ids. */
export function parseTranslationFile(text: string, file: string): TranslationFile {
  const translations: StoredTranslation[] = [];
  const seen = new Set<string>();
  let current: { id: string; sourceHash: string; lines: string[] } | undefined;
  const finish = (): void => {
    if (!current) return;
    translations.push({ id: current.id, sourceHash: current.sourceHash, text: current.lines.join("\n").replace(/^\s*\n/, "").trimEnd() });
  };
  text.replace(/\r\n/g, "\n").split("\n").forEach((line, index) => {
    const header = SECTION.exec(line);
    if (header) {
      finish();
      if (seen.has(header[1])) throw new Error(storeMessages.duplicate(file, header[1]));
      seen.add(header[1]);
      current = { id: header[1], sourceHash: header[2], lines: [] };
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() !== "" && !/^<!--.*-->\s*$/.test(line)) {
      throw new Error(storeMessages.textBeforeFirst(file, index + 1));
    }
  });
  finish();
  return { translations };
}

/** Writes a store file back (header comment, then one section per translation). */
export function formatTranslationFile(notebook: string, lang: string, translations: readonly StoredTranslation[]): string {
  const sections = translations.map((t) => `${sectionHeader(t.id, t.sourceHash)}\n${t.text.trimEnd()}\n`);
  return `${fileHeader(notebook, lang)}\n\n${sections.join("\n")}`;
}
