/**
 * The text a reader sees that code cells write in English: figure titles, axis labels, legend names
 * (`title:`, `xLabel:`, `yLabel:`, `label:`, `name:` options), `console.log` sentences, sentences
 * a cell evaluates to and the claims of `checkAgainstControl(…)` checks. Found statically in the
 * source, so the checker can tell which of them the phrase catalog does not translate yet. A
 * template literal becomes a catalog pattern: each `${…}` turns into `{}`.
 */
import { hasProse } from "../../src/i18n/english";

/** One reader-visible literal in a code cell. */
export interface VisiblePhrase {
  /** The catalog key it needs (a pattern when the literal is a template with `${…}`). */
  phrase: string;
  /** Where it was found, e.g. "title". */
  role: string;
}

/** A string or template literal at `start` (a quote character): its catalog key and end offset. */
function readLiteral(code: string, start: number): { phrase: string; end: number } | undefined {
  const quote = code[start];
  let out = "";
  let i = start + 1;
  while (i < code.length) {
    const c = code[i];
    if (c === "\\") {
      const next = code[i + 1];
      out += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i += 2;
      continue;
    }
    if (c === quote) return { phrase: out, end: i + 1 };
    if (quote !== "`" && c === "\n") return undefined;
    if (quote === "`" && c === "$" && code[i + 1] === "{") {
      // Skip the interpolation, counting braces (nested templates in it are rare in notebooks).
      let depth = 1;
      i += 2;
      while (i < code.length && depth > 0) {
        if (code[i] === "{") depth++;
        else if (code[i] === "}") depth--;
        i++;
      }
      out += "{}";
      continue;
    }
    out += c;
    i++;
  }
  return undefined;
}

/** Does the phrase contain words a reader reads (not just numbers, symbols, names such as Adam, or an identifier)? */
export function isReadable(phrase: string): boolean {
  return hasProse(phrase.replace(/\{\}/g, " "));
}

const OPTION_ROLES = ["title", "xLabel", "yLabel", "label", "zLabel", "colorLabel"];

/** Reader-visible English literals of one code cell. */
export function visiblePhrases(code: string): VisiblePhrase[] {
  const found: VisiblePhrase[] = [];
  const add = (at: number, role: string): void => {
    const literal = readLiteral(code, at);
    if (literal && isReadable(literal.phrase)) found.push({ phrase: literal.phrase.trim(), role });
  };
  for (const match of code.matchAll(new RegExp(`\\b(${OPTION_ROLES.join("|")})\\s*:\\s*(?=["'\`])`, "g"))) add((match.index ?? 0) + match[0].length, match[1]);
  for (const match of code.matchAll(/console\.(?:log|info|warn)\(\s*(?=["'`])/g)) add((match.index ?? 0) + match[0].length, "console.log");
  // A notebook check's row: checkAgainstControl("claim", …, detail) and check(claim, holds, show, [label, v], [label, v]),
  // whose claim, effect and control labels and the texts `show` builds are composed into the table's cells.
  for (const match of code.matchAll(/(?<![\w$.])(?:checkAgainstControl|check)\(\s*/g)) {
    const start = (match.index ?? 0) + match[0].length;
    for (const at of checkArgumentLiterals(code, start)) add(at, at === start ? "check claim" : "check detail");
  }
  // The sentence a cell ends with (its value is shown): a literal alone on the last line.
  const lines = code.trimEnd().split("\n");
  const last = lines[lines.length - 1]?.trim() ?? "";
  if (/^["'`]/.test(last)) {
    const offset = code.trimEnd().length - lines[lines.length - 1].trimStart().length;
    add(offset, "cell value");
  }
  // Legend names: quoted keys of an object literal passed to a plot builder, e.g. plot.line({ "SGD + L2": … }).
  for (const match of code.matchAll(/plot\.\w+\(\s*\{/g)) {
    let depth = 0;
    for (let i = (match.index ?? 0) + match[0].length - 1; i < code.length; i++) {
      const c = code[i];
      if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
      else if (depth === 1 && (c === '"' || c === "`")) {
        const literal = readLiteral(code, i);
        if (!literal) break;
        if (/^\s*:/.test(code.slice(literal.end)) && isReadable(literal.phrase)) found.push({ phrase: literal.phrase.trim(), role: "legend" });
        i = literal.end - 1;
      }
    }
  }
  return found;
}

/**
 * Offsets of the string and template literals inside a call's arguments (from `start`, just after its
 * opening bracket) that a reader sees: not an argument of a nested call (`rowOf("Adam")`, `.join(", ")`),
 * nor an index (`runs["SGD"]`), nor inside a nested template's `${…}`.
 */
function checkArgumentLiterals(code: string, start: number): number[] {
  const found: number[] = [];
  const calls: boolean[] = []; // for each open bracket: does it open a nested call or index?
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === "`") {
      const literal = readLiteral(code, i);
      if (!literal) break;
      if (!calls.some(Boolean)) found.push(i);
      i = literal.end - 1;
    } else if (c === "(" || c === "[" || c === "{") {
      calls.push(c !== "{" && /[\w$)\]]$/.test(code.slice(Math.max(0, i - 1), i)));
    } else if (c === ")" || c === "]" || c === "}") {
      if (calls.length === 0) break;
      calls.pop();
    }
  }
  return found;
}
