/**
 * Where the translations of a notebook folder live, and the three jobs on them:
 * - `buildTranslations`: writes `notebooks/<lang>/<name>.ipynb` for every English `notebooks/<name>.ipynb`
 *   from the store `i18n/<lang>/<name>.md`, plus `notebooks/<lang>/optimlab.json` (the setting that puts
 *   a kernel started there in that language);
 * - `checkTranslations`: everything that makes a translated notebook wrong or incomplete (see `ProblemKind`);
 * - `translationTodo`: the English text of every missing or stale cell, with the section header to paste.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Notebook } from "../../runner";
import { hasTranslation } from "../../src/i18n/translate";
import { LANGUAGE_FILE, parseLanguage } from "../../src/i18n/language";
import { joinSource, localizeNotebook, notebookText, type CellProblem, type LocalizedNotebook } from "./localizeNotebook";
import { visiblePhrases } from "./phrases";
import { formatTranslationFile, parseTranslationFile, sectionHeader, sourceHash, type StoredTranslation } from "./store";

export interface I18nLayout {
  /** Folder of the English notebooks (its *.ipynb, not recursive). */
  notebooksDir: string;
  /** Folder of the store: `<storeDir>/<lang>/<name>.md`. */
  storeDir: string;
  lang: string;
}

export type ProblemKind = CellProblem["kind"] | "unused" | "not-built" | "out-of-date" | "code-differs" | "orphan" | "phrase" | "setting" | "store";

export interface TranslationProblem {
  kind: ProblemKind;
  /** The notebook (English file name) or file concerned. */
  file: string;
  message: string;
}

export const i18nMessages = {
  missing: (file: string, id: string) => `${file}: markdown cell ${id} has no translation (run \`optimlab i18n todo ${file}\`).`,
  stale: (file: string, id: string) => `${file}: the English text of cell ${id} changed since it was translated; update the translation and its en: hash.`,
  untranslated: (file: string, id: string) => `${file}: the translation of cell ${id} contains no Chinese; it looks like a copy of the English text.`,
  noId: (file: string) => `${file}: a markdown cell has no id; give every cell an id (nbformat 4.5) so its translation can be keyed.`,
  unused: (file: string, id: string) => `${file}: the store translates cell ${id}, which the English notebook no longer has; delete that section.`,
  notBuilt: (out: string) => `${out} does not exist; run \`optimlab i18n build\`.`,
  outOfDate: (out: string) => `${out} is not what \`optimlab i18n build\` generates from the English notebook and the store; run it (never edit generated notebooks).`,
  codeDiffers: (out: string, id: string) => `${out}: code cell ${id} differs from the English notebook's (code has one source: the English notebook).`,
  orphan: (out: string) => `${out} has no English notebook; delete it (or run \`optimlab i18n build\`, which does).`,
  phrase: (file: string, role: string, phrase: string, lang: string) =>
    `${file}: ${role} "${phrase}" has no ${lang} entry in src/i18n/phrases.${lang}.json (readers would see English).`,
  setting: (file: string) => `${file} must say {"language": "…"} for the generated notebooks' kernels; run \`optimlab i18n build\`.`,
  unknownLanguage: (lang: string) => `unknown language "${lang}"; use zh.`,
} as const;

interface Planned {
  name: string;
  englishPath: string;
  storePath: string;
  outPath: string;
  english: Notebook;
  translations: StoredTranslation[];
  localized: LocalizedNotebook;
  text: string;
}

function readJson(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

export function englishNotebooks(layout: I18nLayout): string[] {
  return fs.readdirSync(layout.notebooksDir).filter((name) => name.endsWith(".ipynb")).sort();
}

function outDir(layout: I18nLayout): string {
  return path.join(layout.notebooksDir, layout.lang);
}

function plan(layout: I18nLayout, only?: (name: string) => boolean): Planned[] {
  if (!parseLanguage(layout.lang) || layout.lang === "en") throw new Error(i18nMessages.unknownLanguage(layout.lang));
  return englishNotebooks(layout)
    .filter((name) => !only || only(name))
    .map((name) => {
      const englishPath = path.join(layout.notebooksDir, name);
      const storePath = path.join(layout.storeDir, layout.lang, name.replace(/\.ipynb$/, ".md"));
      const english = readJson(englishPath);
      const translations = fs.existsSync(storePath) ? parseTranslationFile(fs.readFileSync(storePath, "utf8"), storePath).translations : [];
      const localized = localizeNotebook(english, translations, layout.lang, `../${name}`);
      return { name, englishPath, storePath, outPath: path.join(outDir(layout), name), english, translations, localized, text: notebookText(localized.notebook) };
    });
}

function settingText(lang: string): string {
  return `{ "language": ${JSON.stringify(lang)} }\n`;
}

/** Whether `file` is a language setting naming `lang` (any JSON formatting). */
function settingSays(file: string, lang: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { language?: unknown }).language === lang;
  } catch {
    return false;
  }
}

/** Writes every translated notebook (and the language setting); deletes translated notebooks whose English one is gone. */
export function buildTranslations(layout: I18nLayout): { written: string[]; removed: string[]; problems: TranslationProblem[] } {
  const planned = plan(layout);
  fs.mkdirSync(outDir(layout), { recursive: true });
  const setting = path.join(outDir(layout), LANGUAGE_FILE);
  if (!settingSays(setting, layout.lang)) fs.writeFileSync(setting, settingText(layout.lang));
  const written: string[] = [];
  for (const p of planned) {
    const current = fs.existsSync(p.outPath) ? fs.readFileSync(p.outPath, "utf8") : undefined;
    if (current !== p.text) {
      fs.writeFileSync(p.outPath, p.text);
      written.push(p.outPath);
    }
  }
  const names = new Set(planned.map((p) => p.name));
  const removed = fs.readdirSync(outDir(layout)).filter((name) => name.endsWith(".ipynb") && !names.has(name)).map((name) => path.join(outDir(layout), name));
  for (const file of removed) fs.rmSync(file);
  return { written, removed, problems: checkTranslations(layout) };
}

function cellProblems(p: Planned): TranslationProblem[] {
  const problems: TranslationProblem[] = p.localized.problems.map((problem) => {
    const message =
      problem.kind === "missing" ? i18nMessages.missing(p.name, problem.id)
      : problem.kind === "stale" ? i18nMessages.stale(p.name, problem.id)
      : problem.kind === "untranslated" ? i18nMessages.untranslated(p.name, problem.id)
      : i18nMessages.noId(p.name);
    return { kind: problem.kind, file: p.name, message };
  });
  for (const id of p.localized.unused) problems.push({ kind: "unused", file: p.name, message: i18nMessages.unused(p.name, id) });
  return problems;
}

function generatedProblems(p: Planned): TranslationProblem[] {
  if (!fs.existsSync(p.outPath)) return [{ kind: "not-built", file: p.name, message: i18nMessages.notBuilt(p.outPath) }];
  const text = fs.readFileSync(p.outPath, "utf8");
  if (text === p.text) return [];
  const problems: TranslationProblem[] = [];
  try {
    const translated = JSON.parse(text) as Notebook;
    const code = (nb: Notebook) => nb.cells.filter((c) => c.cell_type === "code").map((c) => ({ id: c.id ?? "?", source: joinSource(c.source) }));
    const theirs = code(translated);
    code(p.english).forEach((cell, i) => {
      if (theirs[i]?.source !== cell.source) problems.push({ kind: "code-differs", file: p.name, message: i18nMessages.codeDiffers(p.outPath, cell.id) });
    });
    if (theirs.length > code(p.english).length) problems.push({ kind: "code-differs", file: p.name, message: i18nMessages.codeDiffers(p.outPath, theirs[code(p.english).length].id) });
  } catch {
    // unreadable: reported as out of date below
  }
  problems.push({ kind: "out-of-date", file: p.name, message: i18nMessages.outOfDate(p.outPath) });
  return problems;
}

function phraseProblems(p: Planned, lang: string): TranslationProblem[] {
  const problems: TranslationProblem[] = [];
  const seen = new Set<string>();
  for (const cell of p.english.cells) {
    if (cell.cell_type !== "code") continue;
    for (const { phrase, role } of visiblePhrases(joinSource(cell.source))) {
      if (seen.has(phrase) || hasTranslation(phrase, lang as "zh")) continue;
      seen.add(phrase);
      problems.push({ kind: "phrase", file: p.name, message: i18nMessages.phrase(p.name, role, phrase, lang) });
    }
  }
  return problems;
}

/** Every problem of the translation into `layout.lang` (empty when all is translated, current and built). */
export function checkTranslations(layout: I18nLayout, only?: (name: string) => boolean): TranslationProblem[] {
  let planned: Planned[];
  try {
    planned = plan(layout, only);
  } catch (error) {
    return [{ kind: "store", file: layout.storeDir, message: (error as Error).message }];
  }
  const problems = planned.flatMap((p) => [...cellProblems(p), ...generatedProblems(p), ...phraseProblems(p, layout.lang)]);
  if (!only) {
    const names = new Set(planned.map((p) => p.name));
    const dir = outDir(layout);
    if (fs.existsSync(dir)) {
      for (const name of fs.readdirSync(dir)) {
        if (name.endsWith(".ipynb") && !names.has(name)) problems.push({ kind: "orphan", file: name, message: i18nMessages.orphan(path.join(dir, name)) });
      }
    }
    const setting = path.join(dir, LANGUAGE_FILE);
    if (!settingSays(setting, layout.lang)) problems.push({ kind: "setting", file: setting, message: i18nMessages.setting(setting) });
  }
  return problems;
}

/**
 * What a translator needs: for each missing or stale cell, the section header to use and the English
 * text (and, when stale, the old translation); plus the untranslated phrases.
 */
export function translationTodo(layout: I18nLayout, only?: (name: string) => boolean): string {
  const parts: string[] = [];
  for (const p of plan(layout, only)) {
    for (const problem of p.localized.problems) {
      if (problem.kind === "no-id") continue;
      parts.push(`### ${p.name} · ${problem.kind} · store: ${p.storePath}\n${sectionHeader(problem.id, sourceHash(problem.english))}\n${problem.english}\n`);
      if (problem.stored) parts.push(`--- current translation of ${problem.id}:\n${problem.stored}\n`);
    }
    for (const problem of phraseProblems(p, layout.lang)) parts.push(`### ${problem.message}\n`);
  }
  return parts.join("\n");
}

/**
 * Brings the store's hash of cell `id` up to date without changing its text: for a translator who
 * checked that an English edit (a typo, a number printed from code) needs no change in translation.
 */
export function confirmTranslations(layout: I18nLayout, name: string, ids: readonly string[]): string[] {
  const [p] = plan(layout, (n) => n === name);
  if (!p) throw new Error(`${name}: no such English notebook in ${layout.notebooksDir}`);
  const english = new Map(p.english.cells.filter((c) => c.cell_type === "markdown" && c.id).map((c) => [c.id as string, joinSource(c.source)]));
  const confirmed: string[] = [];
  const translations = p.translations.map((t) => {
    const source = english.get(t.id);
    if (!ids.includes(t.id) || source === undefined) return t;
    confirmed.push(t.id);
    return { ...t, sourceHash: sourceHash(source) };
  });
  fs.writeFileSync(p.storePath, formatTranslationFile(name, layout.lang, translations));
  return confirmed;
}
