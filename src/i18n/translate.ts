/**
 * English text → the reader's language, from a phrase catalog (`phrases.zh.json`).
 *
 * A catalog key is either an exact phrase ("learning rate η") or a pattern whose `{}` stand for any
 * text ("Dropout p = {}" → "暂退法（Dropout）p = {}"); the translation takes the matched parts in
 * order with `{}` or by position with `{0}`, `{1}` (word order differs: "{} of {} runs" → "{1} 次运行的{0}").
 * A matched part is itself translated when the catalog has it. Text not in the catalog is left
 * as it is (numbers, optimizer names and code identifiers read the same in both languages).
 */
import { hasProse } from "./english";
import { language, type Language } from "./language";
import { localizeUnits } from "./units";
import zhPhrases from "./phrases.zh.json";

/** English phrase or pattern → translation. */
export type PhraseCatalog = { [english: string]: string };

const PLACEHOLDER = "{}";

interface CompiledCatalog {
  lang: Exclude<Language, "en">;
  exact: Map<string, string>;
  patterns: { regex: RegExp; template: string; literal: number }[];
}

const CATALOGS: { [L in Exclude<Language, "en">]: PhraseCatalog } = { zh: zhPhrases };
const compiled = new Map<PhraseCatalog, CompiledCatalog>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compile(lang: Exclude<Language, "en">): CompiledCatalog {
  const catalog = CATALOGS[lang];
  let done = compiled.get(catalog);
  if (done) return done;
  done = { lang, exact: new Map(), patterns: [] };
  for (const [english, translated] of Object.entries(catalog)) {
    if (!english.includes(PLACEHOLDER)) {
      done.exact.set(english, translated);
      continue;
    }
    const regex = new RegExp(`^${english.split(PLACEHOLDER).map(escapeRegExp).join("(.+?)")}$`, "s");
    done.patterns.push({ regex, template: translated, literal: english.split(PLACEHOLDER).join("").length });
  }
  // The pattern with the most fixed text is the most specific: "{} (train)" before "{}, seed {}".
  done.patterns.sort((a, b) => b.literal - a.literal);
  compiled.set(catalog, done);
  return done;
}

/** The phrase catalog of a language (empty for English, which needs none). */
export function phraseCatalog(lang: Language): PhraseCatalog {
  return lang === "en" ? {} : CATALOGS[lang];
}

/** Translates one phrase (surrounding white space kept); unknown text comes back unchanged. */
export function translate(text: string, lang: Language = language()): string {
  if (lang === "en" || text.trim() === "") return text;
  const core = text.trim();
  const start = text.indexOf(core);
  const catalog = compile(lang);
  const translated = lookup(core, catalog) ?? lookupList(core, catalog);
  return translated === undefined ? text : text.slice(0, start) + translated + text.slice(start + core.length);
}

const OPENING: { [close: string]: string } = { ")": "(", "]": "[", "）": "（" };

/** True when every bracket in `text` closes the one opened last. */
function balanced(text: string): boolean {
  const open: string[] = [];
  for (const c of text) {
    if (c === "(" || c === "[" || c === "（") open.push(c);
    else if (c in OPENING && open.pop() !== OPENING[c]) return false;
  }
  return open.length === 0;
}

/**
 * The translation of `text`, or undefined. A pattern whose `{}` would keep English prose in the line
 * ("slope {}" against "slope after 20 steps: 1.6") gives way to one that translates everything; without
 * one it is used as before (a run name the catalog does not know, "once: 1 epoch, 1 step"), unless
 * `strict` (the phrase check: the code's text must have an entry of its own).
 */
function lookup(text: string, catalog: CompiledCatalog, depth = 0, strict = false): string | undefined {
  const exact = catalog.exact.get(text);
  if (exact !== undefined) return exact;
  if (depth > 2) return undefined;
  const viaPattern = lookupPattern(text, catalog, depth, strict);
  // A list the code joined whose every item translates ("0.58 vs 0.67, 0.54 vs 0.64, 0.59 vs 0.63"):
  // a pattern's lazy {} cuts it at its first separator and, levels down, leaves the last items in
  // English. Item by item then, where that leaves fewer English words (else the pattern's wording,
  // e.g. its Chinese comma, is kept).
  const list = lookupList(text, catalog, depth, strict);
  if (list !== undefined && !hasProse(list) && (viaPattern === undefined || latinWords(list) < latinWords(viaPattern)))
    return list;
  return viaPattern;
}

/** How many words of two or more Latin letters `text` has (names included). */
function latinWords(text: string): number {
  return text.match(/[A-Za-z]{2,}/g)?.length ?? 0;
}

/** {@link lookup} by the catalog's {} patterns (their parts translated too), or undefined. */
function lookupPattern(text: string, catalog: CompiledCatalog, depth: number, strict: boolean): string | undefined {
  let partial: string | undefined;
  for (const { regex, template } of catalog.patterns) {
    const match = regex.exec(text);
    // A `{}` stands for a value or a phrase, not for more sentences: "GD η={}: f → {}" must not
    // swallow "…; momentum: f → 2e-11. Stable-η limits …" (the line is then translated sentence by sentence).
    // Nor does it cut a bracket in two: "{} (seed {})" must not read "x (seed 1) (train)" as "x" and "1) (train".
    if (!match || match.slice(1).some((part) => SENTENCE_BOUNDARY.test(part) || !balanced(part))) continue;
    // A matched part is translated too ("plain, seed 1" inside "{} (validation)").
    const parts = match
      .slice(1)
      .map(
        (part) =>
          lookup(part.trim(), catalog, depth + 1, strict) ??
          lookupList(part, catalog, depth + 1, strict) ??
          localizeUnits(part, catalog.lang),
      );
    let next = 0;
    const translated = template.replace(/\{(\d*)\}/g, (_, index: string) => parts[index === "" ? next++ : Number(index)] ?? "");
    if (!parts.some(hasProse)) return translated;
    if (!strict) partial ??= translated;
  }
  return partial;
}

/**
 * A list the code joined ("diverged, 4.1e+7, diverged"): translated item by item when at least one item
 * is a catalog entry and every other item is a number or symbol, never half-translated.
 */
function lookupList(text: string, catalog: CompiledCatalog, depth = 0, strict = false): string | undefined {
  const items = text.split(/(,\s*)/);
  if (items.length < 3) return undefined;
  let translated = 0;
  const out = items.map((item, i) => {
    if (i % 2 === 1) return item;
    if (!/[A-Za-z]{2,}/.test(item)) return localizeUnits(item, catalog.lang); // "0.27 s" → "0.27 秒"
    const found = lookup(item.trim(), catalog, depth + 1, strict);
    if (found === undefined) return undefined;
    translated++;
    return item.replace(item.trim(), found);
  });
  return translated > 0 && out.every((item) => item !== undefined) ? out.join("") : undefined;
}

/** True when the catalog of `lang` translates `text` (English needs no translation). */
export function hasTranslation(text: string, lang: Language): boolean {
  return lang === "en" || text.trim() === "" || lookup(text.trim(), compile(lang), 0, true) !== undefined;
}

/**
 * A sentence boundary inside a line: ". " or "; " (a period must end a word or number, not sit inside
 * "e.g."), kept so the pieces can be joined again.
 */
const SENTENCE_BOUNDARY = /(?<=[^\s.][.;])\s+(?=\S)/;

/** The punctuation that ends a translated sentence in `lang`, for the English one. */
const SENTENCE_END: { [L in Exclude<Language, "en">]: { [english: string]: string } } = { zh: { ".": "。", ";": "；" } };

/**
 * Translates one line: as a whole when the catalog has it, otherwise sentence by sentence (a summary
 * the code builds from several sentences, each a catalog entry with its own word order).
 */
function translateLine(line: string, lang: Exclude<Language, "en">): string {
  const whole = translate(line, lang);
  if (whole !== line) return whole;
  const sentences = line.trim().split(SENTENCE_BOUNDARY);
  if (sentences.length < 2) return line;
  let changed = false;
  const out = sentences.map((sentence) => {
    const end = /[.;]$/.exec(sentence)?.[0] ?? "";
    const body = end ? sentence.slice(0, -1) : sentence;
    const translated = translate(body, lang);
    if (translated === body) return { text: sentence, chinese: false };
    changed = true;
    return { text: translated + (SENTENCE_END[lang][end] ?? end), chinese: true };
  });
  if (!changed) return line;
  const start = line.indexOf(line.trim());
  // Between two Chinese sentences no space; next to an English one, the English spacing.
  const joined = out.map((s, i) => (i > 0 && !(s.chinese && out[i - 1].chinese) ? " " : "") + s.text).join("");
  return line.slice(0, start) + joined + line.slice(start + line.trim().length);
}

/**
 * Translates printed text line by line (and each carriage-return segment of a progress bar), so a
 * known sentence is translated wherever it appears in a stream.
 */
export function translateLines(text: string, lang: Language = language()): string {
  if (lang === "en") return text;
  return text.replace(/[^\r\n]+/g, (line) => translateLine(line, lang));
}
