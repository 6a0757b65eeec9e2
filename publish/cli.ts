/**
 * `optimlab site [notebooks…] [--out DIR] [--no-execute] [--timeout S] [--kernel NAME]`:
 * builds the offline tutorial site. Exit status 0 when every notebook succeeded, 1 when any failed
 * (the pages still show them), 2 for bad arguments.
 */
import { buildSite } from "./build";
import { discoverNotebooks } from "../runner";

export const DEFAULT_OUT_DIR = "site";
export const DEFAULT_INPUT = "notebooks";

export const siteCliMessages = {
  unknownOption: (option: string) => `optimlab site: unknown option ${option} (see optimlab site --help)`,
  missingValue: (option: string) => `optimlab site: option ${option} needs a value`,
  badTimeout: (value: string) => `optimlab site: --timeout expects a positive number of seconds, got "${value}"`,
} as const;

export const SITE_USAGE = [
  "Usage: optimlab site [notebooks…] [options]",
  "",
  "Executes every notebook (folders, files or globs; default notebooks/) through its kernel and writes",
  "an offline HTML site: index.html plus one page per notebook, with assets in assets/.",
  "",
  "Options:",
  `  --out DIR        output folder (default ${DEFAULT_OUT_DIR})`,
  "  --no-execute     build from the outputs stored in the notebooks, without a kernel",
  "  --timeout S      per-cell timeout in seconds",
  "  --kernel NAME    kernelspec to use instead of each notebook's own",
  "  --help           show this help",
].join("\n");

export interface SiteArgs {
  inputs: string[];
  outDir: string;
  execute: boolean;
  timeout?: number;
  kernel?: string;
  help: boolean;
}

/** Parses the command line; throws an Error with a `siteCliMessages` text on bad arguments. */
export function parseSiteArgs(args: readonly string[]): SiteArgs {
  const parsed: SiteArgs = { inputs: [], outDir: DEFAULT_OUT_DIR, execute: true, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(siteCliMessages.missingValue(flag));
      return v;
    };
    if (flag === "--help" || flag === "-h") parsed.help = true;
    else if (flag === "--no-execute") parsed.execute = false;
    else if (flag === "--out" || flag === "-o") parsed.outDir = value();
    else if (flag === "--kernel") parsed.kernel = value();
    else if (flag === "--timeout") {
      const text = value();
      const seconds = Number(text);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(siteCliMessages.badTimeout(text));
      parsed.timeout = seconds;
    } else if (flag.startsWith("-")) throw new Error(siteCliMessages.unknownOption(flag));
    else parsed.inputs.push(arg);
  }
  if (parsed.inputs.length === 0) parsed.inputs.push(DEFAULT_INPUT);
  return parsed;
}

export async function main(args: string[]): Promise<number> {
  let parsed: SiteArgs;
  try {
    parsed = parseSiteArgs(args);
    // A missing path or a pattern that matches nothing is a bad argument (2), as for the runner.
    discoverNotebooks(parsed.inputs);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (parsed.help) {
    console.log(SITE_USAGE);
    return 0;
  }
  try {
    const result = await buildSite({
      inputs: parsed.inputs,
      outDir: parsed.outDir,
      execute: parsed.execute,
      timeout: parsed.timeout,
      kernel: parsed.kernel,
    });
    return result.ok ? 0 : 1;
  } catch (error) {
    console.error(`optimlab site: ${(error as Error).message}`);
    return 1;
  }
}
