/**
 * A checked cell → the JavaScript the REPL evaluates.
 *
 * V8's REPL mode (see evaluator.ts) runs scripts, not modules, so module syntax is rewritten first,
 * on the TypeScript source, without moving any line (stack traces keep the cell's line numbers):
 *   import * as tf from "m"      → const tf = await __optimlab.load("m");
 *   import d, { a, b as c } from "m" → const { default: d, a, b: c } = await __optimlab.load("m");
 *   import "m"                   → await __optimlab.load("m");
 *   import x = require("m")      → const x = __optimlab.require("m");
 *   import { Buffer } from "m"   → __optimlab.checkGlobals(await __optimlab.load("m"), "m", [["Buffer","Buffer"]]);
 *                                  (a name of Node's globals is not bound: see globalNames.ts)
 *   import type …                → (removed)
 *   import("m")                  → __optimlab.import("m")
 *   export const x = …           → const x = …
 * Then TypeScript strips the types (transpileModule: no checking, that happened before).
 */
import ts from "typescript";
import { exportKeywords } from "./cellSyntax";
import { isSharedGlobal } from "./globalNames";

/** The global object cells reach the kernel's module loader through (see modules.ts). */
export const LOADER_GLOBAL = "__optimlab";

interface Edit {
  start: number;
  end: number;
  text: string;
}

const keepLines = (original: string, replacement: string): string => {
  const lines = original.split("\n").length - 1;
  return replacement + "\n".repeat(Math.max(0, lines - (replacement.split("\n").length - 1)));
};

export function rewriteModuleSyntax(file: ts.SourceFile): string {
  const text = file.text;
  const edits: Edit[] = [];
  const replace = (node: ts.Node, replacement: string): void => {
    const start = node.getStart(file);
    edits.push({ start, end: node.getEnd(), text: keepLines(text.slice(start, node.getEnd()), replacement) });
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = text.slice(statement.moduleSpecifier.getStart(file), statement.moduleSpecifier.getEnd());
      const clause = statement.importClause;
      if (!clause) {
        replace(statement, `await ${LOADER_GLOBAL}.load(${from});`);
        continue;
      }
      if (clause.isTypeOnly) {
        replace(statement, "");
        continue;
      }
      // A name of Node's globals is not bound (the engine allowed only imports of the global object
      // itself: binding it would shadow the global for every module, see globalNames.ts); the loader
      // checks, when the cell runs, that it is that object.
      const shared: [string, string][] = [];
      const load = `await ${LOADER_GLOBAL}.load(${from})`;
      const checked = (namespace: string): string =>
        shared.length === 0
          ? namespace
          : `${LOADER_GLOBAL}.checkGlobals(${namespace}, ${from}, ${JSON.stringify(shared)})`;
      const parts: string[] = [];
      if (clause.name) {
        if (isSharedGlobal(clause.name.text)) shared.push([clause.name.text, "default"]);
        else parts.push(`default: ${clause.name.text}`);
      }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        if (isSharedGlobal(bindings.name.text)) {
          shared.push([bindings.name.text, "*"]);
          replace(
            statement,
            parts.length > 0 ? `const { ${parts.join(", ")} } = ${checked(load)};` : `${checked(load)};`,
          );
          continue;
        }
        const declarations = [`const ${bindings.name.text} = ${checked(load)};`];
        if (parts.length > 0) declarations.push(`const { ${parts.join(", ")} } = ${bindings.name.text};`);
        replace(statement, declarations.join(" "));
        continue;
      }
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if (element.isTypeOnly) continue;
          if (isSharedGlobal(element.name.text)) {
            shared.push([element.name.text, (element.propertyName ?? element.name).text]);
            continue;
          }
          parts.push(
            element.propertyName ? `${element.propertyName.getText(file)}: ${element.name.text}` : element.name.text,
          );
        }
      }
      replace(statement, parts.length > 0 ? `const { ${parts.join(", ")} } = ${checked(load)};` : `${checked(load)};`);
    } else if (ts.isImportEqualsDeclaration(statement)) {
      if (statement.isTypeOnly) replace(statement, "");
      else if (ts.isExternalModuleReference(statement.moduleReference)) {
        const name = statement.name.text;
        const from = statement.moduleReference.expression.getText(file);
        const required = `${LOADER_GLOBAL}.require(${from})`;
        replace(
          statement,
          isSharedGlobal(name)
            ? `${LOADER_GLOBAL}.checkGlobals(${required}, ${from}, ${JSON.stringify([[name, "="]])});`
            : `const ${name} = ${required};`,
        );
      }
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      // The kernel has taken a cell's exports out before checking it (cellSyntax.ts, withoutExports);
      // the rewrite still removes any, so that what reaches the REPL is never module syntax.
      replace(statement, "");
    } else {
      for (const keyword of exportKeywords(statement))
        edits.push({ start: keyword.getStart(file), end: keyword.getEnd(), text: "" });
    }
  }
  // Dynamic import() anywhere in the cell goes through the loader (inspector-evaluated code has no
  // module to import relative to: V8 would fail with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      edits.push({
        start: node.expression.getStart(file),
        end: node.expression.getEnd(),
        text: `${LOADER_GLOBAL}.import`,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

const TRANSPILE_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleDetection: ts.ModuleDetectionKind.Legacy,
  experimentalDecorators: true,
  useDefineForClassFields: true,
  verbatimModuleSyntax: false,
  isolatedModules: false,
  removeComments: false,
  sourceMap: false,
};

/** TypeScript → JavaScript for REPL evaluation (module syntax already rewritten). */
export function toJavaScript(file: ts.SourceFile): string {
  return toJavaScriptWithMap(file).js;
}

/**
 * `toJavaScript`, with the source map from the cell's text to the JavaScript (transpileModule moves
 * lines: it erases interfaces and re-prints statements; stackTraces.ts maps frames back with it).
 */
export function toJavaScriptWithMap(file: ts.SourceFile): { js: string; sourceMap: string | undefined } {
  const source = rewriteModuleSyntax(file);
  const { outputText, sourceMapText } = ts.transpileModule(source, {
    compilerOptions: { ...TRANSPILE_OPTIONS, sourceMap: true },
    fileName: "cell.ts",
    reportDiagnostics: false,
  });
  // transpileModule ends a file it considers a module with `export {};`; a script must not have it.
  const js = outputText.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n").replace(/\nexport \{\};\s*$/, "\n");
  return { js: lexicalTopLevel(js), sourceMap: sourceMapText };
}

/**
 * V8's REPL mode lets a cell declare again a name an earlier cell declared with the same keyword
 * (`let` after `let`, `const` after `const`), but not with another one (`let` after `const`,
 * `const` after `function`, …: "Identifier has already been declared"). So every top-level binding
 * is made a `let`: `var x` and `const x` → `let x` (enums and namespaces too),
 * `function f() {}` → `let f = function f() {};`, `class C {}` → `let C = class C {};`. A cell's
 * constants stay constant: the type checker refuses an assignment to a `const` of this or an
 * earlier cell before anything runs. The price: a function is no longer hoisted above earlier
 * statements of its own cell.
 */
export function lexicalTopLevel(js: string): string {
  if (!/\b(var|const|function|class)\b/.test(js)) return js;
  const file = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const asLet = (statement: ts.Statement, name: string): void => {
    const start = statement.getStart(file);
    edits.push({ start: statement.getEnd(), end: statement.getEnd(), text: ";" });
    edits.push({ start, end: start, text: `let ${name} = ` });
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement) && !(statement.declarationList.flags & ts.NodeFlags.Let)) {
      const start = statement.declarationList.getStart(file);
      const keyword = statement.declarationList.flags & ts.NodeFlags.Const ? "const" : "var";
      edits.push({ start, end: start + keyword.length, text: "let" });
    } else if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      asLet(statement, statement.name.text);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      asLet(statement, statement.name.text);
    }
  }
  let out = js;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
