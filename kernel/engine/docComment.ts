/**
 * The doc comment of a declaration, read from the raw text of its file.
 *
 * The checker parses declaration files without their JSDoc (TypeScript's `ParseForTypeErrors` mode:
 * the same type errors, and a quarter less parsing of lib and @types/node at start-up), so the language
 * service's quick info has no documentation. Shift-Tab still shows it: this finds the comment that
 * precedes the declaration and renders it the way quick info would (text, then `@tag text` lines).
 */
import ts from "typescript";

/** Kinds whose leading comment documents the name they declare. */
function documented(node: ts.Node): ts.Node {
  let at = node;
  // identifier → its declaration; a variable's comment sits before its whole statement.
  if (ts.isIdentifier(at) && at.parent) at = at.parent;
  if (ts.isVariableDeclaration(at) && ts.isVariableDeclarationList(at.parent)) {
    const statement = at.parent.parent;
    if (at.parent.declarations[0] === at && ts.isVariableStatement(statement)) return statement;
  }
  return at;
}

/** The innermost node of `file` whose text contains `position`. */
function nodeAt(file: ts.SourceFile, position: number): ts.Node {
  let node: ts.Node = file;
  for (;;) {
    const child = ts.forEachChild(node, (c) => (c.getStart(file) <= position && position < c.end ? c : undefined));
    if (!child) return node;
    node = child;
  }
}

/** `/** … *\/` → its lines without the comment markers and the leading ` * `. */
function commentLines(raw: string): string[] {
  return raw
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").trimEnd());
}

/** Renders a JSDoc comment: the description, then one `@tag text` paragraph per tag. */
export function renderDocComment(raw: string): string {
  const parts: string[] = [];
  let current: string[] = [];
  for (const line of commentLines(raw)) {
    if (/^@\w/.test(line.trimStart()) && (current.length > 0 || parts.length > 0 || line !== "")) {
      if (current.join("\n").trim() !== "") parts.push(current.join("\n").trim());
      current = [line.trimStart()];
    } else current.push(line);
  }
  if (current.join("\n").trim() !== "") parts.push(current.join("\n").trim());
  return parts.map((part) => (part.startsWith("@") ? part.replace(/\s*\n\s*/g, " ") : part)).join("\n\n");
}

/** The doc comment before the declaration whose name starts at `position` in `file`, or "". */
export function docCommentAt(file: ts.SourceFile, position: number): string {
  const declaration = documented(nodeAt(file, position));
  const ranges = ts.getLeadingCommentRanges(file.text, declaration.pos) ?? [];
  const jsDoc = ranges.filter(
    (r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && file.text.startsWith("/**", r.pos),
  );
  const last = jsDoc.at(-1);
  return last ? renderDocComment(file.text.slice(last.pos, last.end)) : "";
}
