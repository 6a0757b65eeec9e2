/**
 * Grid and random search. The objective trains and returns a score, several metrics, or a
 * History; results come back as a danfojs DataFrame, one row per trial.
 */
import { ready } from "../backend";
import { rng } from "../backend/random";
import { danfo, type DataFrame } from "../plot/danfo";
import { checkOptionNames } from "../messages/options";
import { shown } from "../optim/errors";
import { DivergenceError } from "../train/divergence";
import { History } from "../train/history";
import { resolveSpace, sampleAxis, type Params, type Space } from "./space";

/** What an objective may return: a score, named metrics, or a training History (its final epoch is used). */
export type TrialResult = number | { [metric: string]: number } | History;
export type Objective = (params: Params, trial: number) => TrialResult | Promise<TrialResult>;

export function nonFiniteGridMessage(param: string): string {
  return `gridSearch: axis "${param}" is continuous; give a list of values (e.g. [1e-3, 1e-2, 1e-1]) or use randomSearch`;
}

export function invalidTrialsMessage(trials: unknown): string {
  return `Invalid trials: ${shown(trials)} (expected a positive integer)`;
}

export function badResultMessage(result: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are JSON-stringified first
  return `The objective returned ${typeof result === "object" ? JSON.stringify(result) : String(result)}; return a number, { metric: number } or a History`;
}

/** The columns every result has besides the parameters and the metrics. */
const RESULT_COLUMNS = ["trial", "status"];

/** A parameter named like a result column would overwrite it (or be overwritten) in the rows. */
export function reservedParamMessage(search: string, param: string): string {
  return `${search}: the parameter "${param}" has the name of a result column (${RESULT_COLUMNS.join(", ")}); rename the parameter, e.g. "${param}Param"`;
}

/** An objective's metric named like a parameter or a result column would overwrite that column. */
export function metricCollisionMessage(search: string, metric: string, trial: number): string {
  const what = RESULT_COLUMNS.includes(metric) ? "a result column" : "a parameter of the search";
  return `${search}: trial ${trial}'s objective returned a metric "${metric}", which is also ${what}; rename the metric (e.g. { ${metric}Result: … }) so that both columns are kept`;
}

/** Keys of a History's epoch records that are bookkeeping, not results. */
const BOOKKEEPING = new Set(["epoch", "step", "time", "samplesPerSecond", "lr"]);

function metricsOf(result: TrialResult): { [metric: string]: number } {
  if (typeof result === "number") return { score: result };
  if (result instanceof History) {
    const last = result.epochs[result.epochs.length - 1] ?? {};
    return Object.fromEntries(
      Object.entries(last).filter(([key, value]) => !BOOKKEEPING.has(key) && typeof value === "number"),
    ) as { [metric: string]: number };
  }
  if (typeof result === "object" && result !== null && Object.values(result).every((v) => typeof v === "number"))
    return result;
  throw new Error(badResultMessage(result));
}

function checkParamNames(search: string, names: readonly string[]): void {
  for (const name of names) if (RESULT_COLUMNS.includes(name)) throw new Error(reservedParamMessage(search, name));
}

type Row = { [column: string]: number | string | boolean };

export function trialFailedMessage(search: string, trial: number, params: Params, cause: unknown): string {
  const reason = cause instanceof Error ? cause.message : shown(cause);
  return (
    `${search}: trial ${trial} (${JSON.stringify(params)}) failed: ${reason}${/[.!?]$/.test(reason) ? "" : "."} ` +
    `The ${trial} completed trial${trial === 1 ? " is" : "s are"} in error.results (a DataFrame); the original error is error.cause.`
  );
}

/**
 * Raised by `gridSearch` / `randomSearch` when the objective throws anything but a
 * `DivergenceError` (which becomes a row): the search stops there, as torch code and Optuna's
 * `optimize` stop on an exception, but keeps what was done. `results` holds the completed trials
 * (the DataFrame the search would have returned for them), `cause` the objective's error.
 */
export class TrialError extends Error {
  override readonly name = "TrialError";
  /** The index of the trial that failed. */
  readonly trial: number;
  /** Its parameters. */
  readonly params: Params;
  /** The trials completed before it, as the search returns them. */
  readonly results: DataFrame;

  constructor(search: string, trial: number, params: Params, results: DataFrame, cause: unknown) {
    super(trialFailedMessage(search, trial, params, cause), { cause });
    this.trial = trial;
    this.params = params;
    this.results = results;
  }
}

/** One row per trial; metrics missing from a trial (e.g. no valLoss after divergence) become NaN. */
function frameOf(rows: readonly Row[], paramNames: readonly string[]): DataFrame {
  const columns: string[] = rows.length === 0 ? ["trial", ...paramNames, "status"] : [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const values = rows.map((row) => columns.map((column) => row[column] ?? Number.NaN));
  return new (danfo().DataFrame)(values, { columns });
}

async function runTrials(search: string, trials: Params[], objective: Objective): Promise<DataFrame> {
  await ready();
  const rows: Row[] = [];
  for (let i = 0; i < trials.length; i++) {
    let metrics: { [metric: string]: number };
    let status = "ok";
    try {
      try {
        metrics = metricsOf(await objective(trials[i], i));
      } catch (error) {
        if (!(error instanceof DivergenceError)) throw error;
        // A diverged run is a result (the lr was too high), not a crash of the search.
        status = "diverged";
        metrics = { ...metricsOf(error.history), loss: Number.NaN };
      }
      for (const metric of Object.keys(metrics))
        if (RESULT_COLUMNS.includes(metric) || Object.keys(trials[i]).includes(metric))
          throw new Error(metricCollisionMessage(search, metric, i));
    } catch (error) {
      throw new TrialError(search, i, trials[i], frameOf(rows, Object.keys(trials[i])), error);
    }
    // A NaN or infinite result (e.g. a score computed from a loss that blew up) is not a success.
    if (status === "ok" && Object.values(metrics).some((value) => !Number.isFinite(value))) status = "not finite";
    rows.push({ trial: i, ...trials[i], ...metrics, status });
  }
  return frameOf(rows, Object.keys(trials[0] ?? {}));
}

/**
 * Tries every combination of the listed values (the last parameter varies fastest).
 *
 * @example
 * const results = await tune.gridSearch({ lr: [0.3, 0.1, 0.03], momentum: [0, 0.9] },
 *   ({ lr, momentum }) => train.fit(models.mlp({ sizes: [2, 16, 2], seed: 0 }), { optimizer: new optim.SGD({ lr, momentum }), … }));
 */
export async function gridSearch(space: Space, objective: Objective): Promise<DataFrame> {
  const axes = resolveSpace(space);
  checkParamNames("gridSearch", Object.keys(axes));
  let grid: Params[] = [{}];
  for (const [name, axis] of Object.entries(axes)) {
    if (axis.kind !== "choice") throw new Error(nonFiniteGridMessage(name));
    grid = grid.flatMap((partial) => axis.values.map((value) => ({ ...partial, [name]: value })));
  }
  return runTrials("gridSearch", grid, objective);
}

/**
 * Draws `trials` parameter sets at random (seeded), e.g. `{ lr: tune.logUniform(1e-4, 1), momentum: tune.uniform(0, 0.99) }`.
 */
export async function randomSearch(
  space: Space,
  objective: Objective,
  options: { trials?: number; seed?: number } = {},
): Promise<DataFrame> {
  checkOptionNames("randomSearch", options, ["trials", "seed"]);
  const axes = resolveSpace(space);
  checkParamNames("randomSearch", Object.keys(axes));
  const trials = options.trials ?? 10;
  if (!Number.isInteger(trials) || trials <= 0) throw new Error(invalidTrialsMessage(trials));
  const random = rng(options.seed);
  const drawn: Params[] = [];
  for (let i = 0; i < trials; i++)
    drawn.push(Object.fromEntries(Object.entries(axes).map(([name, axis]) => [name, sampleAxis(axis, random)])));
  return runTrials("randomSearch", drawn, objective);
}
