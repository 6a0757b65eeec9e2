/**
 * Output regression (`--check-outputs`): a cell's new text outputs must equal those stored in the
 * notebook, after sanitizers (regex => replacement) have removed what legitimately varies (timings,
 * addresses, random ids). Images, display ids and execution counts are not compared.
 */
import * as fs from "node:fs";
import { joinSource, type Output } from "./notebook";

export interface Sanitizer {
  pattern: RegExp;
  replacement: string;
}

export const regressionMessages = {
  badSanitizerLine: (file: string, line: number) => `${file}:${line}: expected "regex => replacement"`,
  badSanitizerRegex: (file: string, line: number, reason: string) =>
    `${file}:${line}: invalid regular expression (${reason})`,
  sanitizerUnreadable: (file: string, reason: string) =>
    `--sanitize ${file} cannot be read (${reason}): give a file of "regex => replacement" lines. Nothing was run.`,
} as const;

/**
 * Parses a sanitizer file: one `regex => replacement` per line (`regex =>` deletes matches); blank
 * lines and `#` comments are skipped.
 */
export function parseSanitizers(text: string, file = "sanitizers"): Sanitizer[] {
  const sanitizers: Sanitizer[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    // The pattern is taken verbatim (a leading space can matter); an empty replacement deletes.
    const match = /^(.*?) =>(?: (.*))?$/.exec(line);
    if (!match || match[1] === "") throw new Error(regressionMessages.badSanitizerLine(file, index + 1));
    try {
      sanitizers.push({ pattern: new RegExp(match[1], "g"), replacement: match[2] ?? "" });
    } catch (error) {
      throw new Error(regressionMessages.badSanitizerRegex(file, index + 1, (error as Error).message));
    }
  });
  return sanitizers;
}

/** Reads a sanitizer file; one that cannot be read is named with the reason (not Node's raw ENOENT/EISDIR). */
export function readSanitizers(file: string): Sanitizer[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a folder, not a file"
          : (code ?? (error as Error).message);
    throw new Error(regressionMessages.sanitizerUnreadable(file, reason));
  }
  return parseSanitizers(text, file);
}

export function sanitize(text: string, sanitizers: Sanitizer[]): string {
  return sanitizers.reduce((current, { pattern, replacement }) => current.replace(pattern, replacement), text);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The comparable text of a cell's outputs: streams, text/* data and errors, one block each. */
export function outputsText(outputs: Output[], sanitizers: Sanitizer[] = []): string {
  const blocks: string[] = [];
  for (const output of outputs) {
    switch (output.output_type) {
      case "stream":
        blocks.push(`[${output.name}]\n${joinSource(output.text)}`);
        break;
      case "display_data":
      case "execute_result": {
        for (const mime of Object.keys(output.data).sort()) {
          const value = output.data[mime];
          if (!mime.startsWith("text/") || (typeof value !== "string" && !Array.isArray(value))) continue;
          blocks.push(`[${output.output_type} ${mime}]\n${joinSource(value as string | string[])}`);
        }
        break;
      }
      case "error":
        blocks.push(`[error]\n${output.ename}: ${output.evalue}`);
        break;
    }
  }
  return sanitize(stripAnsi(blocks.map((block) => (block.endsWith("\n") ? block : block + "\n")).join("")), sanitizers);
}

/**
 * A unified-style line diff ("- expected", "+ actual", "  same"), with up to `context` unchanged
 * lines around each change. Empty when the texts are equal.
 */
export function lineDiff(expected: string, actual: string, context = 2): string {
  if (expected === actual) return "";
  const a = expected.split("\n");
  const b = actual.split("\n");
  // Longest common subsequence table, from the end (texts here are cell outputs: small).
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const lines: { tag: " " | "-" | "+"; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ tag: " ", text: a[i++] });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1]))
      lines.push({ tag: "-", text: a[i++] });
    else lines.push({ tag: "+", text: b[j++] });
  }
  const keep = lines.map((line, index) =>
    lines.slice(Math.max(0, index - context), index + context + 1).some((near) => near.tag !== " "),
  );
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (keep[index]) out.push(`${line.tag} ${line.text}`);
    else if (index === 0 || keep[index - 1]) out.push("  …"); // once per elided run
  });
  return out.join("\n");
}

/** Big inputs would make the LCS table huge: fall back to the first differing line. */
const MAX_DIFF_CELLS = 4_000_000;

/** Compares expected and actual outputs; undefined when they match, else a readable diff. */
export function compareOutputs(expected: Output[], actual: Output[], sanitizers: Sanitizer[]): string | undefined {
  const want = outputsText(expected, sanitizers);
  const got = outputsText(actual, sanitizers);
  if (want === got) return undefined;
  const wantLines = want.split("\n");
  const gotLines = got.split("\n");
  if (wantLines.length * gotLines.length > MAX_DIFF_CELLS) {
    const at = wantLines.findIndex((line, index) => line !== gotLines[index]);
    return `outputs differ from line ${at + 1}:\n- ${wantLines[at] ?? "(end)"}\n+ ${gotLines[at] ?? "(end)"}`;
  }
  return lineDiff(want, got);
}
