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
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
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
