/**
 * A fast path for the commonest tiny cells (`1 + i`, `let qi = i; qi`, `x * 2 > y`): cells made only of
 * expression statements and `let`/`var` declarations over literals, operators and earlier names of a
 * primitive type (number, string, boolean, bigint). For this subset TypeScript's verdict is a handful
 * of rules, applied here exactly; anything outside it (a call, a property, an object, a `const`
 * literal type, an operator mixing types, any doubt) returns undefined and the cell goes through the
 * full language service. The cell then costs no new program or checker — the one thing that made a
 * trivial cell 20× slower than IPython's round trip.
 */
import ts from "typescript";

export type Primitive = "number" | "string" | "boolean" | "bigint";

export interface FastVerdict {
  /** The cell's new top-level names and their types (the declarations later cells see). */
  declared: Map<string, Primitive>;
}

const ARITHMETIC = new Set([
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.AmpersandToken,
  ts.SyntaxKind.BarToken,
  ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanToken,
]);
const RELATIONAL = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);
const EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken]);

/**
 * The verdict for `file`, or undefined when the cell is outside the subset. `earlier(name)` gives the
 * primitive type of an earlier cell's name (undefined: unknown or not primitive).
 */
export function fastCheck(
  file: ts.SourceFile,
  earlier: (name: string) => Primitive | undefined,
): FastVerdict | undefined {
  const declared = new Map<string, Primitive>();
  // A name this cell declares is its own (in its temporal dead zone before the declaration).
  const ownNames = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) ownNames.add(d.name.text);
  }
  const typeOf = (node: ts.Expression): Primitive | undefined => {
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return "number";
      case ts.SyntaxKind.BigIntLiteral:
        return "bigint";
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return "string";
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
        return "boolean";
      case ts.SyntaxKind.Identifier: {
        const name = (node as ts.Identifier).text;
        if (ownNames.has(name)) return declared.get(name);
        return earlier(name);
      }
      case ts.SyntaxKind.ParenthesizedExpression:
        return typeOf((node as ts.ParenthesizedExpression).expression);
      case ts.SyntaxKind.TemplateExpression: {
        const spans = (node as ts.TemplateExpression).templateSpans;
        return spans.every((span) => typeOf(span.expression) !== undefined) ? "string" : undefined;
      }
      case ts.SyntaxKind.PrefixUnaryExpression: {
        const { operator, operand } = node as ts.PrefixUnaryExpression;
        const inner = typeOf(operand);
        if (operator === ts.SyntaxKind.ExclamationToken) return inner === undefined ? undefined : "boolean";
        if (operator === ts.SyntaxKind.MinusToken || operator === ts.SyntaxKind.TildeToken)
          return inner === "number" || inner === "bigint" ? inner : undefined;
        if (operator === ts.SyntaxKind.PlusToken) return inner === "number" ? "number" : undefined;
        return undefined;
      }
      case ts.SyntaxKind.BinaryExpression: {
        const { left, operatorToken, right } = node as ts.BinaryExpression;
        const op = operatorToken.kind;
        const a = typeOf(left);
        const b = typeOf(right);
        if (a === undefined || b === undefined) return undefined;
        if (op === ts.SyntaxKind.PlusToken) {
          if (a === "string" || b === "string") return a === "bigint" || b === "bigint" ? undefined : "string";
          return a === b && (a === "number" || a === "bigint") ? a : undefined;
        }
        if (ARITHMETIC.has(op)) return a === b && (a === "number" || a === "bigint") ? a : undefined;
        if (RELATIONAL.has(op)) return a === b && a !== "boolean" ? "boolean" : undefined;
        if (EQUALITY.has(op)) return a === b ? "boolean" : undefined;
        if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken)
          return a === "boolean" && b === "boolean" ? "boolean" : undefined;
        return undefined;
      }
      default:
        return undefined;
    }
  };
  for (const statement of file.statements) {
    if (ts.isExpressionStatement(statement)) {
      if (typeOf(statement.expression) === undefined) return undefined;
    } else if (ts.isVariableStatement(statement)) {
      const flags = statement.declarationList.flags;
      // `const x = 1` has the literal type 1 in TypeScript: leave those to the full check.
      if (flags & ts.NodeFlags.Const || flags & ts.NodeFlags.Using || statement.modifiers?.length) return undefined;
      for (const declaration of statement.declarationList.declarations) {
        if (
          !ts.isIdentifier(declaration.name) ||
          !declaration.initializer ||
          declaration.type ||
          declaration.exclamationToken
        )
          return undefined;
        const name = declaration.name.text;
        const type = typeOf(declaration.initializer);
        if (type === undefined || declared.has(name)) return undefined;
        declared.set(name, type);
      }
    } else if (!ts.isEmptyStatement(statement)) {
      return undefined;
    }
  }
  return { declared };
}
