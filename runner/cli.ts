/**
 * `optimlab test [paths|globs…]`: execute notebooks through their kernels and report per cell
 * (exit status 1 on any failure). `optimlab run …`: execute and write the outputs (in place unless
 * --output-dir), without the per-cell verdict table.
 */
import {
  outputCollisionMessage,
  outputCollisions,
  outputOverwriteMessage,
  outputOverwrites,
  runNotebooks,
  type BatchOptions,
} from "./batch";
import { discoverNotebooks, parseShard, selectShard } from "./discover";
import { DEFAULT_CELL_TIMEOUT, DEFAULT_INTERRUPT_GRACE, DEFAULT_STARTUP_TIMEOUT } from "./execute";
import { badDirectoryReason } from "./launch";
import { writeFileAtomic } from "./notebook";
import { parseParamArgument, readParamsFile, type Parameters } from "./parameters";
import { readSanitizers } from "./regression";
import { completed, formatJunit, formatNotebook, formatRunLine, formatTotals, passed, type RunEntry } from "./report";
import { unwritableReason } from "./writable";

export { completed } from "./report";

type Mode = "test" | "run";

interface OptionSpec {
  takesValue: boolean;
  repeatable?: boolean;
  help: string;
  modes?: Mode[];
}

const OPTIONS: { [name: string]: OptionSpec } = {
  kernel: { takesValue: true, help: "kernelspec name to use instead of the notebook's metadata.kernelspec.name" },
  cwd: { takesValue: true, help: "working directory of the kernel (default: each notebook's folder)" },
  timeout: {
    takesValue: true,
    help: `per-cell timeout in seconds (default ${DEFAULT_CELL_TIMEOUT}); notebook metadata execution.timeout and a cell tag timeout=N take precedence`,
  },
  "notebook-timeout": { takesValue: true, help: "deadline for each whole notebook in seconds (default: none)" },
  "startup-timeout": {
    takesValue: true,
    help: `seconds to wait for the kernel to answer kernel_info (default ${DEFAULT_STARTUP_TIMEOUT})`,
  },
  "interrupt-grace": {
    takesValue: true,
    help: `seconds a timed-out cell gets to stop after the interrupt before the kernel is killed (default ${DEFAULT_INTERRUPT_GRACE})`,
  },
  "allow-errors": { takesValue: false, help: "keep executing after a cell raises (the cell still counts as failed)" },
  param: {
    takesValue: true,
    repeatable: true,
    help: "name=value for the parameters cell (value parsed as JSON when possible); repeatable",
  },
  "params-file": { takesValue: true, help: "JSON or YAML file mapping parameter names to values" },
  "check-outputs": {
    takesValue: false,
    help: "fail cells whose text outputs differ from those stored in the notebook",
    modes: ["test"],
  },
  sanitize: {
    takesValue: true,
    help: "file of `regex => replacement` lines applied before comparing outputs",
    modes: ["test"],
  },
  junit: { takesValue: true, help: "write a JUnit XML report (one testcase per cell) to this file", modes: ["test"] },
  "output-dir": {
    takesValue: true,
    help: "write executed notebooks into this folder (paths kept relative to the current folder)",
  },
  inplace: { takesValue: false, help: "overwrite the notebooks with their executed version" },
  jobs: { takesValue: true, help: "notebooks executed at once, each on its own kernel (default 1)" },
  shard: { takesValue: true, help: "i/n: run only the i-th of n deterministic slices of the notebooks (CI matrix)" },
  color: { takesValue: false, help: "colour the summary (default when stdout is a terminal)" },
  "no-color": { takesValue: false, help: "never colour the summary" },
  help: { takesValue: false, help: "show this help" },
};

export const cliMessages = {
  unknownOption: (option: string, mode: Mode) =>
    `optimlab ${mode}: unknown option ${option} (see optimlab ${mode} --help)`,
  missingValue: (option: string) => `option --${option} needs a value`,
  flagWithValue: (option: string, arg: string) =>
    `option --${option} takes no value, got ${arg}: give --${option} alone to turn it on, or leave it out` +
    (option === "color" ? " (--no-color turns colour off)" : ""),
  sanitizeWithoutCheck: () =>
    "--sanitize only applies to --check-outputs: add --check-outputs, or leave --sanitize out",
  junitNotWritten: (file: string, reason: string) =>
    `--junit ${file} could not be written (${reason}); the results above stand`,
  emptyValue: (option: string) =>
    `option --${option} needs a value, got an empty one: give a value or leave the option out`,
  notANumber: (option: string, value: string) => `option --${option} expects a positive number, got "${value}"`,
  noPaths: (mode: Mode) =>
    `optimlab ${mode}: give at least one notebook, folder or glob, e.g. optimlab ${mode} notebooks/`,
  outputConflict: "--output-dir and --inplace cannot be used together",
  unwritable: (option: string, target: string, reason: string) =>
    `${option} ${target} cannot be written (${reason}); choose another path. Nothing was run.`,
  shardEmpty: (shard: string, total: number) =>
    `shard ${shard} has no notebook to run (${total} in total): nothing to do`,
} as const;

export const badCwdMessage = (dir: string, reason: string): string =>
  `--cwd ${dir} ${reason}: give an existing folder for the kernels to run in. Nothing was run.`;

export interface ParsedArgs {
  paths: string[];
  values: { [name: string]: string[] };
  flags: Set<string>;
}

export function parseArgs(args: string[], mode: Mode): ParsedArgs {
  const parsed: ParsedArgs = { paths: [], values: {}, flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      parsed.paths.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      if (arg === "-h") parsed.flags.add("help");
      else parsed.paths.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = OPTIONS[name];
    if (!spec || (spec.modes && !spec.modes.includes(mode))) throw new Error(cliMessages.unknownOption(arg, mode));
    if (!spec.takesValue) {
      // `--allow-errors=false` must not quietly mean "on".
      if (eq >= 0) throw new Error(cliMessages.flagWithValue(name, arg));
      parsed.flags.add(name);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new Error(cliMessages.missingValue(name));
    // `--output-dir ""` would mean "in place" to `run`, `--shard ""` "no shard": refuse, never guess.
    if (value === "") throw new Error(cliMessages.emptyValue(name));
    parsed.values[name] = spec.repeatable ? [...(parsed.values[name] ?? []), value] : [value];
  }
  return parsed;
}

export const notAPositiveIntegerMessage = (option: string, value: string): string =>
  `option --${option} expects a whole number of at least 1, got "${value}"`;

function positiveInteger(parsed: ParsedArgs, name: string): number | undefined {
  const text = parsed.values[name]?.[0];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(notAPositiveIntegerMessage(name, text));
  return value;
}

function positiveNumber(parsed: ParsedArgs, name: string): number | undefined {
  const text = parsed.values[name]?.[0];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(cliMessages.notANumber(name, text));
  return value;
}

export function usage(mode: Mode): string {
  const summary =
    mode === "test"
      ? "Execute notebooks through their Jupyter kernel and report per cell; exit status 1 on any failure."
      : "Execute notebooks and write their outputs (in place unless --output-dir); exit status 1 if a notebook could not run to its end.";
  const lines = Object.entries(OPTIONS)
    .filter(([, spec]) => !spec.modes || spec.modes.includes(mode))
    .map(([name, spec]) => `  --${(name + (spec.takesValue ? " VALUE" : "")).padEnd(24)} ${spec.help}`);
  return [
    `Usage: optimlab ${mode} [options] <notebook.ipynb | folder | glob>…`,
    "",
    summary,
    "",
    "Options:",
    ...lines,
  ].join("\n");
}

/** Turns parsed arguments into batch options (reading parameter and sanitizer files). */
export function batchOptions(parsed: ParsedArgs, mode: Mode): BatchOptions {
  if (parsed.flags.has("inplace") && parsed.values["output-dir"]) throw new Error(cliMessages.outputConflict);
  const parameters: Parameters = {};
  const paramsFile = parsed.values["params-file"]?.[0];
  if (paramsFile) Object.assign(parameters, readParamsFile(paramsFile));
  for (const text of parsed.values.param ?? []) {
    const [name, value] = parseParamArgument(text);
    parameters[name] = value;
  }
  const cwd = parsed.values.cwd?.[0];
  const cwdProblem = cwd === undefined ? undefined : badDirectoryReason(cwd);
  if (cwd !== undefined && cwdProblem) throw new Error(badCwdMessage(cwd, cwdProblem));
  const sanitizeFile = parsed.values.sanitize?.[0];
  if (sanitizeFile !== undefined && !parsed.flags.has("check-outputs")) {
    throw new Error(cliMessages.sanitizeWithoutCheck());
  }
  const outputDir = parsed.values["output-dir"]?.[0];
  return {
    kernel: parsed.values.kernel?.[0],
    cwd,
    timeout: positiveNumber(parsed, "timeout"),
    notebookTimeout: positiveNumber(parsed, "notebook-timeout"),
    startupTimeout: positiveNumber(parsed, "startup-timeout"),
    interruptGrace: positiveNumber(parsed, "interrupt-grace"),
    allowErrors: parsed.flags.has("allow-errors"),
    parameters: Object.keys(parameters).length > 0 ? parameters : undefined,
    checkOutputs: parsed.flags.has("check-outputs"),
    sanitizers: sanitizeFile ? readSanitizers(sanitizeFile) : undefined,
    jobs: positiveInteger(parsed, "jobs"),
    outputDir,
    // `run` exists to write outputs: in place unless told where.
    inplace: parsed.flags.has("inplace") || (mode === "run" && !outputDir),
  };
}

async function command(args: string[], mode: Mode): Promise<number> {
  let parsed: ParsedArgs;
  let options: BatchOptions;
  let files: string[];
  try {
    parsed = parseArgs(args, mode);
    if (parsed.flags.has("help")) {
      console.log(usage(mode));
      return 0;
    }
    // Values first: `--timeout ok.ipynb` took the notebook as its value, and that is the mistake to report.
    options = batchOptions(parsed, mode);
    if (parsed.paths.length === 0) throw new Error(cliMessages.noPaths(mode));
    checkOutputsWritable(parsed);
    files = discoverNotebooks(parsed.paths, { outputDir: options.outputDir });
    const shardText = parsed.values.shard?.[0];
    if (shardText) {
      const all = files.length;
      files = selectShard(files, parseShard(shardText));
      if (files.length === 0) {
        // CI collects one report per matrix slot: an empty slot's is an empty, valid one.
        const junit = parsed.values.junit?.[0];
        if (junit) writeFileAtomic(junit, formatJunit([]));
        console.log(cliMessages.shardEmpty(shardText, all));
        return 0;
      }
    }
    // Two notebooks written to one file: the second would silently replace the first.
    const collisions = options.outputDir ? outputCollisions(files, options.outputDir) : [];
    if (collisions.length > 0) throw new Error(outputCollisionMessage(collisions));
    // An executed notebook written over an input: the source would be lost.
    const overwrites = options.outputDir ? outputOverwrites(files, options.outputDir) : [];
    if (overwrites.length > 0) throw new Error(outputOverwriteMessage(overwrites));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const color = parsed.flags.has("no-color") ? false : parsed.flags.has("color") || process.stdout.isTTY === true;
  const entries = await runNotebooks(files, {
    ...options,
    onNotebookDone: (entry: RunEntry, writtenTo?: string) => {
      if (mode === "test") console.log(formatNotebook(entry, { color }) + "\n");
      else console.log(formatRunLine(entry, writtenTo, { color, allowErrors: options.allowErrors }));
    },
  });
  // The verdict the exit status gives is the one the totals print.
  const succeeded = (entry: RunEntry): boolean =>
    mode === "test" ? passed(entry) : completed(entry, options.allowErrors === true);
  console.log(formatTotals(entries, { passed: succeeded }));
  const junit = parsed.values.junit?.[0];
  if (junit) {
    // Checked up front, but the path may have changed during the run: the results are printed, say why it failed.
    try {
      writeFileAtomic(junit, formatJunit(entries));
    } catch (error) {
      console.error(cliMessages.junitNotWritten(junit, (error as Error).message));
      return 1;
    }
  }
  return entries.every(succeeded) ? 0 : 1;
}

/** --output-dir and --junit must be writable before anything runs (results would be lost at the end). */
function checkOutputsWritable(parsed: ParsedArgs): void {
  const targets: [string, string | undefined, "folder" | "file"][] = [
    ["--output-dir", parsed.values["output-dir"]?.[0], "folder"],
    ["--junit", parsed.values.junit?.[0], "file"],
  ];
  for (const [option, target, kind] of targets) {
    const reason = target === undefined ? undefined : unwritableReason(target, kind);
    if (target !== undefined && reason) throw new Error(cliMessages.unwritable(option, target, reason));
  }
}

/** `optimlab test …` */
export function main(args: string[]): Promise<number> {
  return command(args, "test");
}

/** `optimlab run …` */
export function runMain(args: string[]): Promise<number> {
  return command(args, "run");
}
