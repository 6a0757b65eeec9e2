/**
 * `optimlab i18n build|check|todo|confirm`: the translated notebooks (notebooks/zh/) from the English
 * ones and the translation store (i18n/zh/). Exit status 0 when the translation is complete and
 * current, 1 when `check` (or `build`) finds problems, 2 for bad arguments.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseLanguage } from "../../src/i18n/language";
import { englishInOutputs } from "./outputs";
import { buildTranslations, checkTranslations, confirmTranslations, translationTodo, type I18nLayout } from "./project";

export const I18N_USAGE = [
  "Usage: optimlab i18n <build|check|todo|confirm|outputs> [options]",
  "",
  "  build               write notebooks/<lang>/*.ipynb from notebooks/*.ipynb and i18n/<lang>/*.md, then check",
  "  check               report missing, stale or untranslated cells, code cells that differ from the English",
  "                      notebook, generated notebooks that are out of date, untranslated figure/printed phrases",
  "  todo [NAME…]        print the English text of every cell to translate, with its section header",
  "  confirm NAME ID…    mark the translations of cells ID… of notebook NAME current (the English edit needs none)",
  "  outputs FILE…       report English a reader should not see in executed translated notebooks (run them first:",
  "                      optimlab run notebooks/zh --output-dir /tmp/zh); --prose also lists 3 English words in a row",
  "",
  "Options:",
  "  --lang L            target language (default zh)",
  "  --notebooks DIR     English notebooks (default notebooks)",
  "  --store DIR         translation store (default i18n)",
].join("\n");

export const i18nCliMessages = {
  unknownCommand: (command: string) => `optimlab i18n: unknown command "${command}" (expected build, check, todo, confirm or outputs; see --help)`,
  outputsArgs: "optimlab i18n outputs: name executed translated notebooks, e.g. `optimlab i18n outputs /tmp/zh/notebooks/zh/07-gradient-clipping.ipynb`",
  outputsLanguage: (lang: string) => `optimlab i18n outputs: --lang must name a translated language such as zh, got "${lang}"`,
  missingValue: (option: string) => `optimlab i18n: option ${option} needs a value`,
  unknownOption: (option: string) => `optimlab i18n: unknown option ${option} (see optimlab i18n --help)`,
  confirmArgs: "optimlab i18n confirm: name the notebook and at least one cell id, e.g. `optimlab i18n confirm 05-weight-decay-vs-l2.ipynb 05-02`",
} as const;

interface Parsed {
  command: string;
  names: string[];
  layout: I18nLayout;
  prose: boolean;
}

function parse(args: readonly string[]): Parsed | "help" {
  const layout: I18nLayout = { notebooksDir: "notebooks", storeDir: "i18n", lang: "zh" };
  const names: string[] = [];
  let command: string | undefined;
  let prose = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return "help";
    if (arg === "--prose") {
      prose = true;
      continue;
    }
    if (arg === "--lang" || arg === "--notebooks" || arg === "--store") {
      const value = args[++i];
      if (value === undefined) throw new Error(i18nCliMessages.missingValue(arg));
      if (arg === "--lang") layout.lang = value;
      else if (arg === "--notebooks") layout.notebooksDir = value;
      else layout.storeDir = value;
    } else if (arg.startsWith("-")) throw new Error(i18nCliMessages.unknownOption(arg));
    else if (command === undefined) command = arg;
    else names.push(arg);
  }
  if (command === undefined) return "help";
  if (!["build", "check", "todo", "confirm", "outputs"].includes(command)) throw new Error(i18nCliMessages.unknownCommand(command));
  return { command, names, layout, prose };
}

/** The command (synchronous work; `optimlab` expects a promise of the exit status). */
export function main(args: string[]): Promise<number> {
  return Promise.resolve(run(args));
}

function run(args: string[]): number {
  let parsed: Parsed | "help";
  try {
    parsed = parse(args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (parsed === "help") {
    console.log(I18N_USAGE);
    return 0;
  }
  const { command, names, layout, prose } = parsed;
  const only = names.length > 0 && command !== "confirm" ? (name: string) => names.some((n) => path.basename(n) === name || `${n}.ipynb` === name) : undefined;
  try {
    if (command === "todo") {
      console.log(translationTodo(layout, only) || "nothing to translate");
      return 0;
    }
    if (command === "outputs") return reportOutputs(names, layout.lang, prose);
    if (command === "confirm") {
      const [name, ...ids] = names;
      if (!name || ids.length === 0) throw new Error(i18nCliMessages.confirmArgs);
      const confirmed = confirmTranslations(layout, path.basename(name), ids);
      console.log(`confirmed ${confirmed.length} translation${confirmed.length === 1 ? "" : "s"}: ${confirmed.join(", ") || "none (no such translated cell)"}`);
      return confirmed.length === ids.length ? 0 : 1;
    }
    let problems;
    if (command === "build") {
      const result = buildTranslations(layout);
      for (const file of result.written) console.log(`wrote ${file}`);
      for (const file of result.removed) console.log(`removed ${file}`);
      problems = result.problems;
    } else {
      problems = checkTranslations(layout, only);
    }
    for (const problem of problems) console.error(problem.message);
    console.log(problems.length === 0 ? `i18n ${layout.lang}: every notebook translated, current and built.` : `i18n ${layout.lang}: ${problems.length} problem${problems.length === 1 ? "" : "s"}.`);
    return problems.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(`optimlab i18n: ${(error as Error).message}`);
    return 1;
  }
}

/** `outputs`: English lines in executed translated notebooks; exit 1 when any. */
function reportOutputs(files: readonly string[], langName: string, prose: boolean): number {
  if (files.length === 0) throw new Error(i18nCliMessages.outputsArgs);
  const lang = parseLanguage(langName);
  if (lang === undefined || lang === "en") throw new Error(i18nCliMessages.outputsLanguage(langName));
  let count = 0;
  for (const file of files) {
    const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as Parameters<typeof englishInOutputs>[0];
    for (const found of englishInOutputs(notebook, lang, { prose })) {
      count++;
      console.error(`${file}: cell ${found.cell} ${found.where} (${found.reason}): ${found.line}`);
    }
  }
  console.log(count === 0 ? `i18n ${lang}: no English in the outputs of ${files.length} notebook${files.length === 1 ? "" : "s"}.` : `i18n ${lang}: ${count} English line${count === 1 ? "" : "s"} in the outputs.`);
  return count === 0 ? 0 : 1;
}
