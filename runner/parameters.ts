/**
 * Papermill-style parameters: values from `--param name=value` / `--params-file F` become an
 * `injected-parameters` cell placed right after the cell tagged `parameters`.
 *
 * TypeScript convention: each cell of a TypeScript kernel is its own module whose top-level names
 * shadow earlier cells' names (tslab and our kernel both work this way), so a later cell may declare
 * `lr` again but may not assign to an earlier cell's `const`. The injected cell therefore re-declares
 * every parameter with the keyword and the type annotation of the parameters cell:
 *
 *     // parameters cell                      // injected-parameters cell
 *     let lr = 0.1;                           let lr = 0.5;
 *     let optimizer: "sgd" | "adam" = "sgd";  let optimizer: "sgd" | "adam" = "adam";
 *
 * so a value of the wrong type is a type error in the injected cell, not a surprise three cells later.
 */
import * as fs from "node:fs";
import * as YAML from "yaml";
import type { Json, JsonObject } from "../protocol/wire";
import { cellTags, isObject, joinSource, NotebookError, uniqueCellId, type CodeCell, type Notebook } from "./notebook";
import { TAG_INJECTED, TAG_PARAMETERS } from "./tags";

export type Parameters = { [name: string]: Json };

export const parameterMessages = {
  badParam: (text: string) => `--param "${text}" is not of the form name=value`,
  badName: (name: string) => `Parameter name "${name}" is not a valid identifier`,
  fileNotMapping: (file: string) => `${file}: a parameters file must hold a mapping of names to values`,
  fileUnreadable: (file: string, reason: string) => `${file}: cannot read parameters (${reason})`,
  typeMismatch: (name: string, defaultKind: LiteralKind, defaultText: string, value: Json) =>
    `Parameter "${name}": its default in the parameters cell is a ${defaultKind} (${defaultText}), ` +
    `but the value given is ${describeValue(value)}; pass a ${defaultKind}, or annotate the declaration ` +
    `with the type you mean`,
  unsupportedLanguage: (language: string) =>
    `Parameters cannot be injected for kernel language "${language}": supported are typescript, javascript and python`,
} as const;

/** A number that would reach the notebook changed (rounded, or as null): refused before anything runs. */
export const unsafeNumberMessage = (name: string, shown: string): string =>
  `Parameter "${name}": the number ${shown} cannot be passed exactly (numbers must be finite, and integers ` +
  `within ±${Number.MAX_SAFE_INTEGER}); pass it as a string if that is meant, e.g. --param '${name}="${shown}"'`;

/** Whether a JSON number survives the trip to the notebook unchanged (JSON.stringify, the kernel's parser). */
function exactNumber(value: number): boolean {
  return Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value));
}

/** Throws unsafeNumberMessage for the first number in `value` (nested lists and mappings too) that would change. */
export function checkNumbers(name: string, value: unknown, text?: string): void {
  if (typeof value === "number") {
    // NotebookError: reached from executeNotebook, a value that cannot go into the notebook is bad input.
    if (!exactNumber(value)) throw new NotebookError(unsafeNumberMessage(name, text ?? String(value)));
  } else if (Array.isArray(value)) {
    for (const item of value) checkNumbers(name, item);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) checkNumbers(name, item);
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `name=value`: the value is JSON when it parses as JSON (numbers, booleans, lists…), else a string. */
export function parseParamArgument(text: string): [string, Json] {
  const at = text.indexOf("=");
  if (at <= 0) throw new Error(parameterMessages.badParam(text));
  const name = text.slice(0, at).trim();
  if (!IDENTIFIER.test(name)) throw new Error(parameterMessages.badName(name));
  const raw = text.slice(at + 1);
  let value: Json;
  try {
    value = JSON.parse(raw) as Json;
  } catch {
    return [name, raw];
  }
  checkNumbers(name, value, typeof value === "number" ? raw.trim() : undefined);
  return [name, value];
}

/** Reads a JSON or YAML mapping (YAML when the file is not JSON; JSON is valid YAML anyway). */
export function readParamsFile(file: string): Parameters {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(parameterMessages.fileUnreadable(file, (error as Error).message));
  }
  let value: unknown;
  try {
    value = file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new Error(parameterMessages.fileUnreadable(file, (error as Error).message.split("\n")[0]));
  }
  if (!isObject(value)) throw new Error(parameterMessages.fileNotMapping(file));
  for (const [name, item] of Object.entries(value)) {
    if (!IDENTIFIER.test(name)) throw new Error(parameterMessages.badName(name));
    checkNumbers(name, item); // before toJson, which would turn Infinity into null
  }
  return toJson(value) as Parameters;
}

/** YAML may produce dates and other non-JSON values; keep JSON's view of them. */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** A top-level declaration in a parameters cell: keyword, name and optional type annotation. */
export interface Declaration {
  keyword: "let" | "const" | "var";
  type?: string;
  /** The initializer's text on the declaration's line (up to `;`), e.g. `0.1`. */
  initial?: string;
}

/** The kinds of default a parameters cell's literal can give away without a type annotation. */
export type LiteralKind = "number" | "string" | "boolean";

/** The kind of a literal default (`0.1`, `"sgd"`, `'sgd'`, `true`, `True`), undefined for anything else. */
export function literalKind(text: string): LiteralKind | undefined {
  const literal = text.trim();
  if (/^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:e[-+]?\d+)?$/i.test(literal)) return "number";
  if (/^(["'`])(?:(?!\1)[^\\]|\\.)*\1$/.test(literal)) return "string";
  if (/^(?:true|false|True|False)$/.test(literal)) return "boolean";
  return undefined;
}

function valueKind(value: Json): string {
  return value === null ? "null" : Array.isArray(value) ? "list" : typeof value;
}

function describeValue(value: Json): string {
  const kind = valueKind(value);
  if (kind === "string" || kind === "number" || kind === "boolean") return `the ${kind} ${JSON.stringify(value)}`;
  return kind === "null" ? "null" : kind === "list" ? "a list" : "an object";
}

/** Refuses a value whose type differs from the literal default of an unannotated declaration. */
function checkAgainstDefault(
  name: string,
  value: Json,
  declared: { type?: string; initial?: string } | undefined,
): void {
  if (!declared || declared.type || declared.initial === undefined) return;
  const kind = literalKind(declared.initial);
  if (kind && valueKind(value) !== kind) {
    throw new NotebookError(parameterMessages.typeMismatch(name, kind, declared.initial.trim(), value));
  }
}

/** Finds `name[: type] = …` assignments at the start of lines in a Python parameters cell. */
export function parsePythonAssignments(source: string): Map<string, { type?: string; initial: string }> {
  const found = new Map<string, { type?: string; initial: string }>();
  const pattern = /^([A-Za-z_]\w*)[ \t]*(?::[ \t]*([^=\n]+?))?[ \t]*=(?!=)[ \t]*([^#\n]*?)[ \t]*(?:#.*)?$/gm;
  for (const match of source.matchAll(pattern)) {
    if (!found.has(match[1])) found.set(match[1], { type: match[2]?.trim(), initial: match[3] });
  }
  return found;
}

/** Finds `let|const|var name[: Type] = …` declarations at the start of lines. */
export function parseDeclarations(source: string): Map<string, Declaration> {
  const found = new Map<string, Declaration>();
  const pattern =
    /^[ \t]*(?:export\s+)?(let|const|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=;\n]+?))?\s*=(?!=)[ \t]*([^;\n]*)/gm;
  for (const match of source.matchAll(pattern)) {
    if (!found.has(match[2])) {
      const initial = match[4].replace(/\s*\/\/.*$/, "").trim();
      found.set(match[2], { keyword: match[1] as Declaration["keyword"], type: match[3]?.trim(), initial });
    }
  }
  return found;
}

/** A JSON value as a Python literal. */
export function pythonLiteral(value: Json): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number" || typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}: ${pythonLiteral(item)}`)
    .join(", ")}}`;
}

/** The source of the injected cell for a kernel language. */
export function parameterSource(parameters: Parameters, language: string, parametersCellSource = ""): string {
  const lang = language.toLowerCase();
  const header = lang === "python" ? "# Parameters" : "// Parameters";
  const lines = [header + " injected by optimlab"];
  if (lang === "python") {
    const assignments = parsePythonAssignments(parametersCellSource);
    for (const [name, value] of Object.entries(parameters)) {
      checkAgainstDefault(name, value, assignments.get(name));
      lines.push(`${name} = ${pythonLiteral(value)}`);
    }
  } else if (lang === "typescript" || lang === "javascript") {
    const declarations = parseDeclarations(parametersCellSource);
    for (const [name, value] of Object.entries(parameters)) {
      const declared = declarations.get(name);
      checkAgainstDefault(name, value, declared);
      const keyword = declared?.keyword ?? "const";
      const type = declared?.type && lang === "typescript" ? `: ${declared.type}` : "";
      // JSON text is a valid JavaScript/TypeScript expression for every JSON value.
      lines.push(`${keyword} ${name}${type} = ${JSON.stringify(value)};`);
    }
  } else {
    throw new NotebookError(parameterMessages.unsupportedLanguage(language));
  }
  return lines.join("\n");
}

/**
 * Inserts the injected cell after the first `parameters` cell (at the top when there is none),
 * replacing any `injected-parameters` cell from an earlier run. Returns the inserted cell.
 */
export function injectParameters(notebook: Notebook, parameters: Parameters, language: string): CodeCell {
  for (const [name, value] of Object.entries(parameters)) checkNumbers(name, value);
  notebook.cells = notebook.cells.filter((cell) => !cellTags(cell).includes(TAG_INJECTED));
  const at = notebook.cells.findIndex((cell) => cell.cell_type === "code" && cellTags(cell).includes(TAG_PARAMETERS));
  const defaults = at >= 0 ? joinSource(notebook.cells[at].source) : "";
  const taken = new Set(notebook.cells.map((cell) => cell.id).filter((id): id is string => typeof id === "string"));
  const cell: CodeCell = {
    id: uniqueCellId(TAG_INJECTED, taken), // stable across runs, like every id the runner adds
    cell_type: "code",
    source: parameterSource(parameters, language, defaults),
    metadata: { tags: [TAG_INJECTED] },
    outputs: [],
    execution_count: null,
  };
  notebook.cells.splice(at + 1, 0, cell);
  const metadata: JsonObject = isObject(notebook.metadata.optimlab) ? notebook.metadata.optimlab : {};
  notebook.metadata.optimlab = { ...metadata, parameters };
  return cell;
}
