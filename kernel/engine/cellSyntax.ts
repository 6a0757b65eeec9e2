/**
 * What a cell declares and imports, read from its syntax alone (no type checker): the top-level names
 * a cell binds (so they replace earlier cells' declarations of the same name), and its import
 * statements (which the runnable JavaScript turns into calls of the kernel's module loader).
 */
import ts from "typescript";

/** A top-level name a cell binds, and whether it is (also) a value at run time. */
export interface DeclaredName {
  name: string;
  /** Bound by an `import` (its declaration is the import itself, not a type). */
  fromImport: boolean;
}

export interface CellSyntax {
  file: ts.SourceFile;
  names: DeclaredName[];
  /** Syntax errors (the cell cannot even be parsed). */
  parseDiagnostics: readonly ts.Diagnostic[];
}

export function parseCell(code: string, fileName = "cell.ts"): CellSyntax {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const names: DeclaredName[] = [];
  const add = (name: string, fromImport = false): void => {
    if (!names.some((n) => n.name === name)) names.push({ name, fromImport });
  };
  const addBinding = (binding: ts.BindingName): void => {
    if (ts.isIdentifier(binding)) add(binding.text);
    else for (const element of binding.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      add(statement.name.text);
    } else if (
      ts.isModuleDeclaration(statement) &&
      ts.isIdentifier(statement.name) &&
      !(statement.flags & ts.NodeFlags.GlobalAugmentation) // `declare global { … }` binds no name "global"
    ) {
      add(statement.name.text);
    } else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) add(clause.name.text, true);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name.text, true);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) add(element.name.text, true);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      add(statement.name.text, true);
    }
  }
  const parseDiagnostics = (file as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return { file, names, parseDiagnostics };
}

/** A statement's `export` and `default` keywords (what taking its export out removes; transpile.ts too). */
export function exportKeywords(statement: ts.Statement): ts.Modifier[] {
  const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
  return modifiers.filter((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword);
}

/** Where a cell's `export` cannot be taken out, and why (1-based line and column, as diagnostics). */
export interface ExportProblem {
  line: number;
  column: number;
  message: string;
}

export const exportDefaultMessage = (): string =>
  "`export default` of a value has no meaning in a notebook cell: give it a name (`const result = …`); every top-level declaration is visible to later cells";
export const exportAssignmentMessage = (): string =>
  "`export =` has no meaning in a notebook cell: every top-level declaration is visible to later cells";
export const reExportMessage = (): string =>
  'a notebook cell cannot re-export another module: import what you need (`import { name } from "module"`)';

/**
 * The cell with its `export`s taken out, or the first export that cannot be: a cell is not a
 * module, and every top-level declaration is visible to later cells already, so `export const a`,
 * `export function f`, `export default class C` and `export { a, b }` mean the same as without
 * the keyword (code pasted from a module keeps working). Blanked with spaces: lines and columns
 * of everything else stay where they were.
 */
export function withoutExports(code: string): { code: string } | { problem: ExportProblem } {
  if (!/\bexport\b/.test(code)) return { code };
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const blanks: [number, number][] = [];
  const problemAt = (node: ts.Node, message: string) => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    return { problem: { line: line + 1, column: character + 1, message } };
  };
  for (const statement of file.statements) {
    if (ts.isExportAssignment(statement))
      return problemAt(statement, statement.isExportEquals ? exportAssignmentMessage() : exportDefaultMessage());
    if (ts.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier) return problemAt(statement, reExportMessage());
      blanks.push([statement.getStart(file), statement.getEnd()]);
      continue;
    }
    const keywords = exportKeywords(statement);
    if (!keywords.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const named = !("name" in statement) || statement.name !== undefined;
    if (keywords.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) && !named)
      return problemAt(statement, exportDefaultMessage());
    for (const keyword of keywords) blanks.push([keyword.getStart(file), keyword.getEnd()]);
  }
  let out = code;
  for (const [start, end] of blanks.reverse())
    out = out.slice(0, start) + out.slice(start, end).replace(/[^\n]/g, " ") + out.slice(end);
  return { code: out };
}

/** A top-level binding of a cell that reaches the REPL's global lexical scope (see globalNames.ts). */
export interface TopLevelBinding {
  name: string;
  node: ts.Node;
  /** For an import: the module and the export the name reads (`"*"`: the namespace, `"="`: `import x = require`). */
  from?: { specifier: string; imported: string };
}

/** Whether a namespace declares values (an instantiated one becomes a variable of the cell). */
function instantiated(statement: ts.Statement): boolean {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return false;
  if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) return false;
  if (ts.isModuleDeclaration(statement)) {
    if (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return false;
    const body = statement.body;
    if (!body) return false;
    if (ts.isModuleBlock(body)) return body.statements.some(instantiated);
    return ts.isModuleDeclaration(body) ? instantiated(body) : true;
  }
  return true;
}

/**
 * The cell's top-level value bindings (what becomes a `let` of the REPL's global scope): variables,
 * functions with a body, classes, enums and namespaces with values, not `declare`d; imports too,
 * with where they come from. Types (interface, type, `import type`) bind no value.
 */
export function topLevelBindings(file: ts.SourceFile): TopLevelBinding[] {
  const out: TopLevelBinding[] = [];
  const declared = (statement: ts.Statement): boolean =>
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  const addBinding = (binding: ts.BindingName): void => {
    if (ts.isIdentifier(binding)) out.push({ name: binding.text, node: binding });
    else for (const element of binding.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const specifier = statement.moduleSpecifier.text;
      if (clause.name)
        out.push({ name: clause.name.text, node: clause.name, from: { specifier, imported: "default" } });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings))
        out.push({ name: bindings.name.text, node: bindings.name, from: { specifier, imported: "*" } });
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) {
          if (element.isTypeOnly) continue;
          const imported = (element.propertyName ?? element.name).text;
          out.push({ name: element.name.text, node: element.name, from: { specifier, imported } });
        }
    } else if (ts.isImportEqualsDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      const reference = statement.moduleReference;
      if (ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression))
        out.push({
          name: statement.name.text,
          node: statement.name,
          from: { specifier: reference.expression.text, imported: "=" },
        });
      else out.push({ name: statement.name.text, node: statement.name });
    } else if (declared(statement)) {
      continue;
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if (ts.isFunctionDeclaration(statement)) {
      if (statement.name && statement.body) out.push({ name: statement.name.text, node: statement.name });
    } else if (ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
      if (statement.name) out.push({ name: statement.name.text, node: statement.name });
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name) && instantiated(statement)) {
      out.push({ name: statement.name.text, node: statement.name });
    }
  }
  return out;
}

/**
 * `({ a: 1, b: 2 })` for a cell that is `{ a: 1, b: 2 }`, as Node's REPL reads it: a cell that starts
 * with `{` and ends with `}` is an object literal when it parses as one expression (else it stays a
 * block: `{ const x = 1; x }`). JavaScript would read `{ a: 1, b: 2 }` as a block (a syntax error) and
 * `{ a: 1 }` as a block with a label (the value 1). Undefined when the cell is not such a cell.
 */
export function objectLiteralCell(code: string): string | undefined {
  if (!/^\s*\{[\s\S]*\}\s*$/.test(code)) return undefined;
  const wrapped = `(${code})`;
  const { file, parseDiagnostics } = parseCell(wrapped);
  const [statement, ...rest] = file.statements;
  return parseDiagnostics.length === 0 &&
    rest.length === 0 &&
    statement !== undefined &&
    ts.isExpressionStatement(statement) &&
    ts.isParenthesizedExpression(statement.expression) &&
    statement.expression.end === wrapped.length
    ? wrapped
    : undefined;
}
