/**
 * The regularization path: each coefficient as a function of the penalty strength λ.
 * With L1 (lasso) coefficients hit exactly zero one after another; with L2 they shrink together.
 */
import type { LanguageOption } from "./localize";
import { Figure } from "./figure";
import type { Trace } from "./figureTypes";
import { baseLayout, runColour } from "./style";

export interface CoefficientPathData {
  /** Penalty strengths λ, one per fit. */
  lambdas: ArrayLike<number>;
  /** `coefficients[i][j]` = coefficient j fitted with `lambdas[i]`. */
  coefficients: readonly ArrayLike<number>[];
  /** Names of the coefficients (default w₁, w₂, …). */
  names?: readonly string[];
}

export interface CoefficientPathOptions extends LanguageOption {
  title?: string;
  /** Logarithmic λ axis (default true: λ is usually swept on a log grid). */
  logX?: boolean;
  /** Name of the penalty for the axis title, e.g. "L1" (default "λ"). */
  penalty?: string;
}

export const pathShapeMessage = (row: number, got: number, expected: number): string =>
  `coefficientPath: coefficients[${row}] has ${got} values, expected ${expected} (one per coefficient, the same for every λ).`;
export const pathLengthMessage = (lambdas: number, rows: number): string =>
  `coefficientPath: ${lambdas} lambdas but ${rows} rows of coefficients; pass one row per λ.`;

/** Regularization path figure. */
export function coefficientPath(path: CoefficientPathData, options: CoefficientPathOptions = {}): Figure {
  const lambdas = Array.from(path.lambdas);
  if (lambdas.length !== path.coefficients.length)
    throw new RangeError(pathLengthMessage(lambdas.length, path.coefficients.length));
  const width = path.coefficients[0]?.length ?? 0;
  path.coefficients.forEach((row, i) => {
    if (row.length !== width) throw new RangeError(pathShapeMessage(i, row.length, width));
  });
  const names = path.names ?? Array.from({ length: width }, (_, j) => `w${j + 1}`);
  const data: Trace[] = names.map((name, j) => ({
    type: "scatter",
    mode: "lines",
    name,
    x: lambdas,
    y: path.coefficients.map((row) => row[j]),
    line: { color: runColour(j), width: 2 },
  }));
  const penalty = options.penalty ? `${options.penalty} penalty λ` : "λ (penalty strength)";
  const title = options.title ?? `Regularization path${options.penalty ? ` (${options.penalty})` : ""}`;
  const logX = options.logX ?? true;
  return new Figure({
    language: options.language,
    data,
    layout: baseLayout(
      title,
      { title: `${penalty}${logX ? ", log scale" : ""}`, log: logX },
      { title: "coefficient value" },
      {
        shapes: [
          { type: "line", xref: "paper", x0: 0, x1: 1, y0: 0, y1: 0, line: { color: "#888", width: 1, dash: "dot" } },
        ],
      },
    ),
  });
}
