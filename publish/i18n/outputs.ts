/**
 * English a reader of a translated notebook should never see, found in its outputs after a run:
 * words the library writes (progress bars, History summaries, figure labels it builds) and any
 * output line the phrase catalog translates, which means it reached the reader untranslated.
 *
 * Code cells are identical in both languages, so names and numbers (SGD, η = 0.1, lr=0.3) are
 * expected in Chinese outputs; only known English prose counts.
 */
import { proseWords } from "../../src/i18n/english";
import { translate } from "../../src/i18n/translate";
import type { Language } from "../../src/i18n/language";

/** English the library itself writes; each must be translated in a non-English notebook. */
export const LIBRARY_ENGLISH: readonly { what: string; pattern: RegExp }[] = [
  { what: "progress bar", pattern: /\bepoch \d+\/\d+|\bstep \d+\/\d+|\bsamples\/s\b|\bETA \d|\bdone in \d|\bstopped at (?:epoch|step) \d/ },
  { what: "History summary", pattern: /\b\d+ epochs?, \d+ steps\b|\bstopped early at epoch\b|\bdiverged at epoch\b/ },
  { what: "run label", pattern: /\(seed \d+\)|\((?:train|validation)\)$/ },
  { what: "axis label", pattern: /\(log scale\)|, log scale\b/ },
  { what: "trajectory marker", pattern: /^(?:start|end) \(/ },
  { what: "lr range test", pattern: /^lr range test:/ },
];

/** How a catalog translation quotes the English original it keeps (an error message, for searching). */
export const ORIGINAL = "（原文：";

/** One English line found in an output. */
export interface EnglishOutput {
  /** Index of the code cell in the notebook. */
  cell: number;
  /** Where in the output: "stream", "text/plain", "text/html", "text/markdown" or "figure". */
  where: string;
  line: string;
  /** Why it counts: a LIBRARY_ENGLISH entry, or "catalog" (the catalog translates it). */
  reason: string;
}

interface OutputJson {
  output_type: string;
  text?: string | string[];
  data?: { [mime: string]: unknown };
  ename?: string;
  evalue?: string;
}

const joined = (value: unknown): string => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "");

/** Text of a figure a reader reads: titles, names, labels, annotations (not data). */
function figureTexts(node: unknown, out: string[], key = ""): void {
  if (typeof node === "string") {
    if (["text", "title", "name", "label", "prefix", "suffix", "hovertemplate"].includes(key)) out.push(node);
  } else if (Array.isArray(node)) {
    if (!["x", "y", "z", "customdata", "ids", "values", "labels"].includes(key)) for (const item of node) figureTexts(item, out, key);
  } else if (typeof node === "object" && node !== null) {
    for (const [k, v] of Object.entries(node)) figureTexts(v, out, k);
  }
}

/** HTML as text: scripts dropped, tags become line breaks or spaces. */
function htmlText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, "\n")
    .replace(/<(?:br|\/tr|\/p|\/div|\/li|\/caption|\/td|\/th)\b[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The reader-visible texts of one output, by where they are shown. */
function outputTexts(output: OutputJson): { where: string; text: string }[] {
  if (output.output_type === "stream") return [{ where: "stream", text: joined(output.text) }];
  // A thrown error stays English in every language (docs/i18n.md, "Error messages stay in English").
  if (output.output_type === "error") return [];
  const data = output.data ?? {};
  const texts: { where: string; text: string }[] = [];
  const figure = data["application/vnd.plotly.v1+json"];
  if (figure !== undefined) {
    const out: string[] = [];
    figureTexts(figure, out);
    return out.map((text) => ({ where: "figure", text }));
  }
  // A front end shows the richest form: HTML, else Markdown, else plain text.
  if (data["text/html"] !== undefined) texts.push({ where: "text/html", text: htmlText(joined(data["text/html"])) });
  else if (data["text/markdown"] !== undefined) texts.push({ where: "text/markdown", text: joined(data["text/markdown"]) });
  else if (data["text/plain"] !== undefined) texts.push({ where: "text/plain", text: joined(data["text/plain"]) });
  return texts;
}

/** Three English words in a row: prose, not a name or a formula ("with momentum vs"). */
const PROSE = /\b[a-z]{2,}(?:[ ,]+[a-z]{2,}){2,}\b/;

/** An unquoted key of a printed object (`{ dataset: 'mnist' }`, `  finalLoss: 0.01,`): a name the code chose. */
const OBJECT_KEY = /(^|[{,]\s*|^\s+)[A-Za-z_$][\w$]*:(?=\s|$)/g;

/**
 * Why `line` is English a reader of `lang` should not see, or undefined: words the library writes,
 * a line the catalog translates, or any word of English prose, also inside a mixed line
 * ("斜率 after 20 steps", "L1 0.031×, L2 1.000× of 5.639"); names, symbols and identifiers are not
 * prose (Adam, SGD, MLP, L1, η, `clipGradNorm`, floor(η); `src/i18n/english.ts`). In a printed
 * object (`inspect`) the unquoted keys are names too. With `prose`, any three English words in a row count too.
 */
export function englishReason(line: string, lang: Exclude<Language, "en">, prose = false, inspect = false): string | undefined {
  for (const { what, pattern } of LIBRARY_ENGLISH) if (pattern.test(line)) return what;
  // A line the catalog would translate was shown as the code wrote it. Quotes and separators from
  // util.inspect are not part of the phrase.
  const core = line.replace(/^[\s'"{[]+|[\s'",}\]]+$/g, "");
  if (/[A-Za-z]{2,}/.test(core) && translate(core, lang) !== core) return "catalog";
  const text = line.replace(/%\{[^}]*\}|<[^>]*>/g, " ");
  const words = proseWords(inspect || /^\s*\{/.test(text) ? text.replace(OBJECT_KEY, "$1") : text);
  if (words.length > 0) return `English words: ${[...new Set(words)].join(", ")}`;
  return prose && PROSE.test(text) ? "prose" : undefined;
}

/** Every English line of prose in the outputs of an executed translated notebook. */
export function englishInOutputs(
  notebook: { cells: { cell_type: string; outputs?: OutputJson[] }[] },
  lang: Exclude<Language, "en">,
  options: { prose?: boolean } = {},
): EnglishOutput[] {
  const found: EnglishOutput[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    for (const output of cell.outputs ?? []) {
      for (const { where, text } of outputTexts(output)) {
        // util.inspect of an object or array (a cell's value, console.log(obj)): its keys are names.
        const inspect = where !== "figure" && /^\s*[{[]/.test(text);
        for (const raw of text.split(/[\r\n]+/)) {
          const line = raw.trim();
          // A message's English original, kept on purpose under its translation (docs/i18n.md).
          if (line === "" || line.startsWith(ORIGINAL)) continue;
          // Several parts of one line (table cells, bar segments) are checked on their own too.
          const reason =
            englishReason(line, lang, options.prose, inspect) ??
            line
              .split(/\s{2,}| · /)
              .map((part) => englishReason(part, lang, options.prose, inspect))
              .find(Boolean);
          if (reason) found.push({ cell: index, where, line, reason });
        }
      }
    }
  });
  return found;
}
