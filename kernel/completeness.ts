/**
 * `is_complete_request`: should a console run the code on Enter, or wait for more lines?
 * TypeScript's parser decides: when every syntax error sits at the end of the code (an open block,
 * an unterminated template or comment, a dangling operator) more lines may complete it
 * ("incomplete", with an indent hint); an error before the end is "invalid"; no error, "complete".
 */
import type ts from "typescript";

/** Loaded on first use: requiring the compiler costs ~0.5 s, which start-up must not pay. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const typescript = (): typeof ts => require("typescript") as typeof ts;

export interface IsCompleteReply {
  status: "complete" | "incomplete" | "invalid";
  indent?: string;
}

export function isComplete(code: string): IsCompleteReply {
  if (code.trim() === "") return { status: "complete" };
  const ts = typescript();
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const errors = (file as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  if (errors.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  const unterminated = errors.some((d) =>
    /Unterminated template|'\*\/' expected/.test(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
  );
  if (!unterminated && !errors.every((d) => (d.start ?? 0) >= end)) return { status: "invalid" };
  return { status: "incomplete", indent: "  ".repeat(openBrackets(code)) };
}

/** How many (, [ or { are still open at the end (the indent hint: two spaces each). */
function openBrackets(code: string): number {
  const ts = typescript();
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  let depth = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (
      token === ts.SyntaxKind.OpenBraceToken ||
      token === ts.SyntaxKind.OpenParenToken ||
      token === ts.SyntaxKind.OpenBracketToken
    )
      depth++;
    if (
      token === ts.SyntaxKind.CloseBraceToken ||
      token === ts.SyntaxKind.CloseParenToken ||
      token === ts.SyntaxKind.CloseBracketToken
    )
      depth--;
  }
  return Math.max(0, depth);
}
