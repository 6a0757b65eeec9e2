/**
 * Type-checks cells with the project's own `typescript` package, through one language service whose
 * files are virtual and live in the notebook's folder (so `import … from "optimlab"` resolves there).
 *
 * Earlier cells are visible as declarations: every cell that declares names leaves a declaration file
 * `__cell<N>.d.ts` (TypeScript's own declaration emit of that cell) whose names are global; a later
 * cell that declares the same name removes it from the older file, so the newest declaration of a name
 * wins, also with a new type. Names a cell imported are not global: the imports are repeated, hidden,
 * before each later cell (a "header"; diagnostics and cursor positions are shifted back past it).
 *
 * Cost: each check builds a new program, but every unchanged file (lib, @types, earlier cells'
 * declarations, packages) is reused parsed and bound, so a cell costs its own checking plus the new
 * checker's lazy look-ups; declaration files change only when a cell declares something.
 */
import * as fs from "node:fs";
import { builtinModules, isBuiltin } from "node:module";
import * as path from "node:path";
import ts from "typescript";
import { parseCell, type CellSyntax } from "./cellSyntax";
import { docCommentAt } from "./docComment";
import { fastCheck, type Primitive } from "./fastCheck";
import { nameCellTypes } from "./redeclaredTypes";

export interface CellDiagnostic {
  /** 1-based line and column inside the cell. */
  line: number;
  column: number;
  message: string;
}

export interface CheckResult {
  diagnostics: CellDiagnostic[];
  syntax: CellSyntax;
  /** Checked by the fast path (fastCheck.ts): the cell is plain JavaScript, nothing to strip. */
  fast?: boolean;
}

export interface Completion {
  /** UTF-16 offsets into the cell. */
  start: number;
  end: number;
  matches: string[];
}

/** One earlier cell's contribution: its declarations (per name) and the imports they need. */
interface CellDeclarations {
  file: string;
  /** The cell's name in messages (`In[3]`, `<cell>`), as its stack frames call it. */
  cell: string;
  /** Import statements of the cell's emitted .d.ts (module level, kept whole). */
  imports: string[];
  /** name → declaration statements (without `declare`/`export`), in emit order. */
  declarations: Map<string, string[]>;
}

interface ImportedName {
  name: string;
  /** The import statement that binds only this name, e.g. `import * as tf from "@tensorflow/tfjs";`. */
  statement: string;
}

/** The cell globals and helpers the kernel defines (display, prompt, …): see kernel/globals.ts. */
export interface CheckerOptions {
  rootDir: string;
  /** Ambient declarations of the kernel's own globals. */
  prelude: string;
}

/**
 * TS1202, "Import assignment cannot be used when targeting ECMAScript modules": `import x =
 * require("m")` is a CommonJS form that `module: ESNext` refuses, but a cell is not emitted as a
 * module — transpile.ts turns it into the loader's `require` — so the check lets it through.
 */
const IMPORT_ASSIGNMENT_IN_ESM = 1202;

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ["lib.es2023.d.ts"],
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  skipDefaultLibCheck: true,
  declaration: true,
  noEmit: false,
  // Cells import the notebook's own .ts files, also as `./helper.ts` (modules.ts loads them); the
  // checker emits only declarations (for later cells), which this option requires.
  allowImportingTsExtensions: true,
  emitDeclarationOnly: true,
  experimentalDecorators: true,
  allowJs: false,
  types: [],
};

const HEADER_END = "\n";

export class CellChecker {
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly diskSnapshots = new Map<string, ts.IScriptSnapshot | null>();
  private readonly service: ts.LanguageService;
  private readonly cellFile: string;
  private readonly preludeFile: string;
  private readonly earlier: CellDeclarations[] = [];
  private readonly imported = new Map<string, ImportedName>();
  private cellCount = 0;
  /** Where the current cell starts in the checked file (the hidden header's length). */
  private headerLength = 0;
  /** The name of the cell being checked (see `check`). */
  private currentCell = "<cell>";
  private readonly options: ts.CompilerOptions;

  constructor(private readonly settings: CheckerOptions) {
    const dir = settings.rootDir;
    this.cellFile = path.join(dir, "__cell.ts");
    this.preludeFile = path.join(dir, "__kernel_globals.d.ts");
    this.options = { ...COMPILER_OPTIONS, ...nodeTypes(dir) };
    this.setFile(this.preludeFile, settings.prelude);
    this.setFile(this.cellFile, "");
    // JSDoc is parsed only where it can change a type error (TypeScript's own tsc mode): that skips
    // most of the comments of lib and @types/node, a quarter of the warm-up; docComment.ts reads
    // doc comments from the text instead, for Shift-Tab.
    const jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    const registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, dir, jsDocParsingMode);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (file) => String(this.files.get(file)?.version ?? 0),
      getScriptSnapshot: (file) => {
        const virtual = this.files.get(file);
        if (virtual) return ts.ScriptSnapshot.fromString(virtual.text);
        // Library and package files do not change during a session: read each once.
        let snapshot = this.diskSnapshots.get(file);
        if (snapshot === undefined) {
          snapshot = fs.existsSync(file) ? ts.ScriptSnapshot.fromString(fs.readFileSync(file, "utf8")) : null;
          this.diskSnapshots.set(file, snapshot);
        }
        return snapshot ?? undefined;
      },
      getCurrentDirectory: () => dir,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => this.files.has(file) || ts.sys.fileExists(file),
      readFile: (file) => this.files.get(file)?.text ?? ts.sys.readFile(file),
      readDirectory: (...args) => ts.sys.readDirectory(...args),
      directoryExists: (dir) => ts.sys.directoryExists(dir),
      getDirectories: (dir) => ts.sys.getDirectories(dir),
      realpath: (file) => ts.sys.realpath?.(file) ?? file,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      jsDocParsingMode,
    };
    this.service = ts.createLanguageService(host, registry);
  }

  private setFile(file: string, text: string): void {
    const old = this.files.get(file);
    if (old && old.text === text) return;
    this.files.set(file, { text, version: (old?.version ?? 0) + 1 });
  }

  /** Parses and binds the standard library and Node's types now (the full path, not fastCheck). */
  warmUp(): void {
    this.setCell("0", new Set());
    this.service.getSemanticDiagnostics(this.cellFile);
  }

  /**
   * Checks `code` as the next cell; on success its declarations become visible to later cells.
   * `cell`: its name in messages (`In[3]`; `<cell>` without an execution count), as its frames say.
   */
  check(code: string, cell = "<cell>"): CheckResult {
    this.currentCell = cell;
    const syntax = parseCell(code);
    const own = new Set(syntax.names.map((n) => n.name));
    if (syntax.parseDiagnostics.length === 0) {
      const verdict = fastCheck(syntax.file, (name) => this.primitiveType(name));
      if (verdict) {
        this.rememberPrimitives(verdict.declared);
        return { diagnostics: [], syntax, fast: true };
      }
    }
    this.setCell(code, own, syntax);
    if (syntax.parseDiagnostics.length > 0)
      return { diagnostics: this.toCellDiagnostics(syntax.parseDiagnostics), syntax };
    const semantic = this.service.getSemanticDiagnostics(this.cellFile);
    // The language service adds declaration emit's diagnostics to the semantic ones; they are not
    // type errors of the cell, only say that a name's inferred type cannot be written out
    // (`remember` types such a name in another way).
    const emitProblems = this.declarationDiagnostics();
    const diagnostics = [...this.service.getSyntacticDiagnostics(this.cellFile), ...semantic].filter(
      (d) =>
        d.category === ts.DiagnosticCategory.Error &&
        d.code !== IMPORT_ASSIGNMENT_IN_ESM &&
        !emitProblems.some((e) => e.code === d.code && e.start === d.start) &&
        (d.start === undefined || d.start >= this.headerLength),
    );
    if (diagnostics.length > 0) return { diagnostics: this.toCellDiagnostics(diagnostics), syntax };
    if (syntax.names.length > 0) this.remember(syntax, own, emitProblems);
    this.rememberGlobalAugmentations(syntax);
    return { diagnostics: [], syntax };
  }

  /** Puts `code` in the cell file behind the header of earlier imports (minus names it redeclares). */
  private setCell(code: string, own: Set<string>, syntax?: CellSyntax, exportNames = true): void {
    const header = [...this.imported.values()]
      .filter((i) => !own.has(i.name))
      .map((i) => i.statement)
      .join(" ");
    this.headerLength = header.length + HEADER_END.length;
    const exported = exportNames && syntax ? syntax.names.filter((n) => !n.fromImport).map((n) => n.name) : [];
    // Exporting the cell's names at the end (no line moves) makes declaration emit describe them all.
    const tail = exported.length > 0 ? `\n;export { ${exported.join(", ")} };` : "";
    this.setFile(this.cellFile, `${header}${HEADER_END}${code}${tail}`);
  }

  /**
   * A checked cell's `declare global { … }` blocks, kept as they are for later cells (they declare
   * types of globals, not names of the cell: the declaration emit of `remember` leaves them out).
   */
  private rememberGlobalAugmentations(syntax: CellSyntax): void {
    for (const statement of syntax.file.statements) {
      if (!(ts.isModuleDeclaration(statement) && statement.flags & ts.NodeFlags.GlobalAugmentation)) continue;
      const file = path.join(this.settings.rootDir, `__cellGlobals${++this.cellCount}.d.ts`);
      this.setFile(file, `export {};\n${syntax.file.text.slice(statement.getStart(), statement.getEnd())}\n`);
    }
  }

  /** Declaration emit's diagnostics for the cell file ("… has or is using name … but cannot be named"). */
  private declarationDiagnostics(): readonly ts.Diagnostic[] {
    const program = this.service.getProgram();
    const file = program?.getSourceFile(this.cellFile);
    return program && file ? program.getDeclarationDiagnostics(file) : [];
  }

  /** Records the checked cell's declarations (TypeScript's declaration emit) for later cells. */
  private remember(syntax: CellSyntax, own: Set<string>, emitProblems: readonly ts.Diagnostic[] = []): void {
    for (const cell of this.earlier) for (const name of own) cell.declarations.delete(name);
    for (const name of own) this.imported.delete(name);
    const cellText = syntax.file.text;
    for (const statement of syntax.file.statements) {
      if (ts.isImportDeclaration(statement) && statement.importClause && !statement.importClause.isTypeOnly) {
        for (const single of splitImport(statement, cellText)) this.imported.set(single.name, single);
      } else if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) {
        for (const single of splitImport(statement, cellText)) this.imported.set(single.name, single);
      } else if (ts.isImportEqualsDeclaration(statement)) {
        this.imported.set(statement.name.text, {
          name: statement.name.text,
          statement: cellText.slice(statement.getStart(), statement.getEnd()).replace(/\s+/g, " "),
        });
      }
    }
    const declaredHere = syntax.names.filter((n) => !n.fromImport);
    if (declaredHere.length === 0) {
      this.publishDeclarations();
      return;
    }
    let dts = "";
    this.service.getProgram()?.emit(
      this.service.getProgram()?.getSourceFile(this.cellFile),
      (fileName, text) => {
        if (fileName.endsWith(".d.ts")) dts = text;
      },
      undefined,
      true,
    );
    const file = path.join(this.settings.rootDir, `__cell${++this.cellCount}.d.ts`);
    const declarations = splitDeclarations(file, this.currentCell, dts);
    for (const [name, type] of unnameableTypes(syntax, emitProblems, this.headerLength))
      declarations.declarations.set(name, [`let ${name}: ${type};`]);
    this.earlier.push(declarations);
    this.publishDeclarations();
  }

  /** The primitive type of an earlier cell's name, when that is all it is (for fastCheck). */
  private primitiveType(name: string): Primitive | undefined {
    if (this.imported.has(name)) return undefined;
    for (let i = this.earlier.length - 1; i >= 0; i--) {
      const texts = this.earlier[i].declarations.get(name);
      if (!texts) continue;
      if (texts.length !== 1) return undefined;
      const match = /^(?:\/\*\*[\s\S]*?\*\/\s*)?(?:let|var) [\w$]+: (number|string|boolean|bigint);$/.exec(
        texts[0].trim(),
      );
      return match ? (match[1] as Primitive) : undefined;
    }
    return undefined;
  }

  /** Records a fast-checked cell's declarations (no emit needed: their types are known). */
  private rememberPrimitives(declared: Map<string, Primitive>): void {
    if (declared.size === 0) return;
    for (const cell of this.earlier) for (const name of declared.keys()) cell.declarations.delete(name);
    for (const name of declared.keys()) this.imported.delete(name);
    const declarations = new Map([...declared].map(([name, type]) => [name, [`let ${name}: ${type};`]]));
    this.earlier.push({
      file: path.join(this.settings.rootDir, `__cell${++this.cellCount}.d.ts`),
      cell: this.currentCell,
      imports: [],
      declarations,
    });
    this.publishDeclarations();
  }

  /** Rewrites every earlier cell's declaration file (those whose names all moved on become empty). */
  private publishDeclarations(): void {
    for (const cell of this.earlier) {
      const body = [...cell.declarations.values()]
        .flat()
        .map((text) => `  ${text.replace(/\n/g, "\n  ")}`)
        .join("\n");
      this.setFile(
        cell.file,
        body === "" ? "export {};\n" : `${cell.imports.join("\n")}\ndeclare global {\n${body}\n}\nexport {};\n`,
      );
    }
  }

  private toCellDiagnostics(diagnostics: readonly ts.Diagnostic[]): CellDiagnostic[] {
    const text = this.files.get(this.cellFile)?.text ?? "";
    const cellText = text.slice(this.headerLength);
    return diagnostics.map((d) => {
      const offset = Math.max(
        0,
        (d.start ?? this.headerLength) -
          (d.file === undefined || d.file.fileName === "cell.ts" ? 0 : this.headerLength),
      );
      const before = cellText.slice(0, Math.min(offset, cellText.length)).split("\n");
      return {
        line: before.length,
        column: before[before.length - 1].length + 1,
        // A type the cell declared again reads `In[2].Dir`, not `import("/…/__cell").Dir` (redeclaredTypes.ts).
        message: nameCellTypes(ts.flattenDiagnosticMessageText(d.messageText, "\n"), this.currentCell, (name) =>
          this.earlierCellOf(name),
        ),
      };
    });
  }

  /** The name of the earlier cell whose declaration of `name` later cells see now, if a cell declared it. */
  private earlierCellOf(name: string): string | undefined {
    for (let i = this.earlier.length - 1; i >= 0; i--)
      if (this.earlier[i].declarations.has(name)) return this.earlier[i].cell;
    return undefined;
  }

  /** Completions at `cursor` (UTF-16 offset) in `code`, typed against earlier cells. */
  complete(code: string, cursor: number): Completion {
    const before = code.slice(0, cursor);
    const builtin = NODE_SPECIFIER.exec(before)?.[1];
    if (builtin !== undefined)
      return {
        start: cursor - builtin.length,
        end: cursor,
        matches: nodeBuiltins().filter((m) => m.startsWith(builtin)),
      };
    this.setCell(code, new Set(parseCell(code).names.map((n) => n.name)), undefined, false);
    const at = this.headerLength + cursor;
    const info = this.service.getCompletionsAtPosition(this.cellFile, at, { includeCompletionsWithInsertText: false });
    // The identifier being typed: Unicode letters and marks too (`中文`, `π`, `donné`).
    const word = IDENTIFIER_TAIL.exec(before)?.[0] ?? "";
    const start = cursor - word.length;
    const matches = (info?.entries ?? [])
      .filter((entry) => entry.name.startsWith(word) && !entry.name.startsWith("__"))
      .sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText.localeCompare(b.sortText)))
      .map((entry) => entry.name);
    return { start, end: cursor, matches };
  }

  /** Signature and doc comment of what is at `cursor` (Shift-Tab), or undefined. */
  inspect(code: string, cursor: number): string | undefined {
    this.setCell(code, new Set(parseCell(code).names.map((n) => n.name)), undefined, false);
    const at = this.headerLength + Math.max(0, cursor - (cursor > 0 && /[\w$]/.test(code[cursor] ?? "") ? 0 : 1));
    const info = this.service.getQuickInfoAtPosition(this.cellFile, at);
    // A name TypeScript cannot resolve has quick info of kind "" saying "any": nothing was found.
    if (!info || info.kind === ts.ScriptElementKind.unknown) return undefined;
    const signature = ts.displayPartsToString(info.displayParts);
    const docs = ts.displayPartsToString(info.documentation) || this.docComment(at);
    const tags = (info.tags ?? []).map(
      (tag) => `@${tag.name}${tag.text ? ` ${ts.displayPartsToString(tag.text)}` : ""}`,
    );
    return [signature, docs, ...tags].filter((part) => part !== "").join("\n\n");
  }

  /** The doc comment of the declaration of what is at `position` in the cell file (see docComment.ts). */
  private docComment(position: number): string {
    const program = this.service.getProgram();
    for (const definition of this.service.getDefinitionAtPosition(this.cellFile, position) ?? []) {
      const file = program?.getSourceFile(definition.fileName);
      const docs = file ? docCommentAt(file, definition.textSpan.start) : "";
      if (docs !== "") return docs;
    }
    return "";
  }
}

/** The end of an identifier (ECMAScript's IdentifierPart: ID_Continue, `$`, ZWNJ and ZWJ). */
const IDENTIFIER_TAIL = /[\p{ID_Continue}$\u200c\u200d]*$/u;

/** A `node:` module specifier being typed (`from "node:f`, `import("node:`, `require('node:`). */
const NODE_SPECIFIER = /(?:\bfrom|\bimport|\bimport\s*\(|\brequire\s*\()\s*["'](node:[\w/]*)$/;

let builtins: string[] | undefined;

/** `node:fs`, `node:fs/promises`, … (Node's public built-in modules, `node:test` included). */
function nodeBuiltins(): string[] {
  builtins ??= [...new Set([...builtinModules, "test", "test/reporters", "sea", "sqlite"])]
    .filter((name) => !name.startsWith("_") && !name.startsWith("node:") && isBuiltin(`node:${name}`))
    .map((name) => `node:${name}`)
    .sort();
  return builtins;
}

/**
 * Node's types (console, process, node:fs …): the notebook folder's own @types/node when it has one,
 * else the copy the kernel was installed with.
 */
function nodeTypes(dir: string): ts.CompilerOptions {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, "node_modules", "@types", "node", "package.json"))) return { types: ["node"] };
    if (path.dirname(at) === at) break;
  }
  try {
    const own = path.dirname(require.resolve("@types/node/package.json"));
    return { types: ["node"], typeRoots: [path.dirname(own)] };
  } catch {
    return { types: [] };
  }
}

/** One import statement per bound name, so a later redeclaration can drop just that name. */
function splitImport(statement: ts.ImportDeclaration, text: string): ImportedName[] {
  const from = text.slice(statement.moduleSpecifier.getStart(), statement.moduleSpecifier.getEnd());
  const clause = statement.importClause;
  if (!clause) return [];
  const typeOnly = clause.isTypeOnly ? "type " : "";
  const out: ImportedName[] = [];
  if (clause.name)
    out.push({ name: clause.name.text, statement: `import ${typeOnly}${clause.name.text} from ${from};` });
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings))
    out.push({ name: bindings.name.text, statement: `import ${typeOnly}* as ${bindings.name.text} from ${from};` });
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) {
      const imported = element.propertyName
        ? `${element.propertyName.text} as ${element.name.text}`
        : element.name.text;
      out.push({
        name: element.name.text,
        statement: `import { ${typeOnly || (element.isTypeOnly ? "type " : "")}${imported} } from ${from};`,
      });
    }
  }
  return out;
}

/**
 * The names whose inferred type declaration emit could not write out (a type their package does not
 * export, e.g. the module object of `await import("util")`), with the type later cells see instead:
 * `typeof import("m")` for `const m = await import("m")`, else `any` (annotating the declaration
 * keeps it checked; docs/kernel.md says so).
 */
function unnameableTypes(
  syntax: CellSyntax,
  problems: readonly ts.Diagnostic[],
  headerLength: number,
): Map<string, string> {
  const types = new Map<string, string>();
  const starts = problems.map((p) => (p.start ?? -1) - headerLength);
  for (const statement of syntax.file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const name = declaration.name;
      if (!starts.some((start) => start >= name.getStart(syntax.file) && start < name.getEnd())) continue;
      const specifier = dynamicImportSpecifier(declaration.initializer);
      types.set(name.text, specifier === undefined ? "any" : `typeof import(${JSON.stringify(specifier)})`);
    }
  }
  return types;
}

/** "m" for `await import("m")`. */
function dynamicImportSpecifier(expression: ts.Expression | undefined): string | undefined {
  if (!expression || !ts.isAwaitExpression(expression)) return undefined;
  const call = expression.expression;
  if (!ts.isCallExpression(call) || call.expression.kind !== ts.SyntaxKind.ImportKeyword) return undefined;
  const [argument] = call.arguments;
  return argument && ts.isStringLiteralLike(argument) ? argument.text : undefined;
}

/** Splits an emitted .d.ts into its imports and its declarations per name (made ambient-global). */
function splitDeclarations(file: string, cell: string, dts: string): CellDeclarations {
  const source = ts.createSourceFile(file, dts, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: string[] = [];
  const declarations = new Map<string, string[]>();
  const add = (name: string, text: string): void => {
    const list = declarations.get(name) ?? [];
    list.push(text);
    declarations.set(name, list);
  };
  for (const statement of source.statements) {
    const text = dts.slice(statement.getStart(), statement.getEnd());
    // Doc comments travel with their declaration (Shift-Tab in a later cell shows them).
    const doc = dts.slice(statement.getStart(source, true), statement.getStart());
    if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) {
      imports.push(text);
      continue;
    }
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) continue;
    const ambient = text.replace(/^(export\s+)?(declare\s+)?/, "");
    if (ts.isVariableStatement(statement)) {
      // One statement per declarator, so each name can be replaced on its own.
      const keyword = ambient.match(/^(const|let|var)\b/)?.[1] ?? "let";
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name))
          add(declaration.name.text, `${doc}${keyword} ${dts.slice(declaration.getStart(), declaration.getEnd())};`);
      }
    } else if ("name" in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) {
      add((statement.name as ts.Identifier).text, `${doc}${ambient}`);
    }
  }
  return { file, cell, imports, declarations };
}

export { parseCell };
