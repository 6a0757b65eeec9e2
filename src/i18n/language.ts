/**
 * Which language readers see: figure titles, axis labels, legend names and printed sentences are
 * written in English in the code and shown in the reader's language.
 *
 * The language is, in order: the one set with `setLanguage`, the `OPTIMLAB_LANG` environment
 * variable, the `"language"` of an `optimlab.json` file in the working directory (a kernel runs in
 * its notebook's folder, so `notebooks/zh/optimlab.json` makes every Chinese notebook Chinese while
 * its code cells stay identical to the English ones), else English.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The languages optimlab speaks (BCP 47 primary tags). */
export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_ENV = "OPTIMLAB_LANG";
export const LANGUAGE_FILE = "optimlab.json";

export const languageMessages = {
  unknown: (value: string, where: string) =>
    `${where}: unknown language "${value}"; optimlab speaks ${LANGUAGES.map((l) => `"${l}"`).join(" and ")} (e.g. OPTIMLAB_LANG=zh).`,
  badFile: (file: string, reason: string) => `${file}: cannot read the language setting (${reason}); expected {"language": "zh"}.`,
} as const;

/** "zh", "zh-CN", "zh_CN.UTF-8", "ZH" → "zh"; "en-US" → "en"; anything else → undefined. */
export function parseLanguage(value: string): Language | undefined {
  const primary = value.trim().toLowerCase().split(/[-_.@]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : undefined;
}

let chosen: Language | undefined;
const warned = new Set<string>();

/** Warns once per problem (a bad setting must not break a notebook, nor pass unnoticed). */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`optimlab: ${message}\n`);
}

/** The language named by `optimlab.json` in `dir`, if that file exists. */
export function languageFileSetting(dir: string): Language | undefined {
  const file = path.join(dir, LANGUAGE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const value = (JSON.parse(text) as { language?: unknown }).language;
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw new Error(`"language" must be a string`);
    const parsed = parseLanguage(value);
    if (!parsed) warnOnce(languageMessages.unknown(value, file));
    return parsed;
  } catch (error) {
    warnOnce(languageMessages.badFile(file, (error as Error).message));
    return undefined;
  }
}

/** The reader's language (see the module comment for the order). */
export function language(): Language {
  if (chosen) return chosen;
  const env = process.env[LANGUAGE_ENV];
  if (env !== undefined && env !== "") {
    const parsed = parseLanguage(env);
    if (parsed) return parsed;
    warnOnce(languageMessages.unknown(env, LANGUAGE_ENV));
  }
  return languageFileSetting(process.cwd()) ?? "en";
}

/** Sets the language for this process (`undefined` goes back to the environment / optimlab.json). */
export function setLanguage(value: Language | undefined): void {
  if (value !== undefined && !parseLanguage(value)) throw new RangeError(languageMessages.unknown(String(value), "setLanguage"));
  chosen = value === undefined ? undefined : parseLanguage(value);
}

/** The BCP 47 tag an HTML page in `lang` declares (`lang` attribute, `hreflang`). */
export function htmlLanguageTag(lang: Language): string {
  return lang === "zh" ? "zh-CN" : lang;
}
