/**
 * `optimlab kernel <install | list | uninstall | start>`.
 *
 * `start` is what kernel.json's argv runs: Jupyter passes `--connection-file {connection_file}`.
 */
import { readConnectionFile } from "./connection";
import { installKernelSpec, uninstallKernelSpec, type InstallScope } from "./install";
import { KERNEL_NAME, listKernelSpecs } from "./kernelspecs";

export const KERNEL_USAGE = [
  "Usage: optimlab kernel <command> [options]",
  "",
  "Commands:",
  "  install [--user | --sys-prefix | --prefix DIR] [--name NAME]",
  '                      install the TypeScript kernelspec (default: --user, name "optimlab")',
  "  list [--json]       list the kernelspecs Jupyter can find",
  "  uninstall [--name NAME]",
  "                      remove an installed kernelspec",
  "  start --connection-file FILE",
  "                      run the kernel (Jupyter does this through kernel.json)",
].join("\n");

export const usageError = (problem: string): string => `optimlab kernel: ${problem}\n\n${KERNEL_USAGE}`;

interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
}

const VALUE_OPTIONS = new Set(["--prefix", "--name", "--connection-file", "-f"]);

function parseArgs(args: string[], allowed: string[]): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const [option, inline] = args[i].split(/=(.*)/s, 2) as [string, string | undefined];
    if (!allowed.includes(option)) throw new Error(usageError(`unknown option "${args[i]}"`));
    if (VALUE_OPTIONS.has(option)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === "") throw new Error(usageError(`${option} needs a value`));
      values.set(option, value);
    } else {
      flags.add(option);
    }
  }
  return { flags, values };
}

function installScope(parsed: ParsedArgs): InstallScope {
  const chosen = ["--user", "--sys-prefix", "--prefix"].filter(
    (option) => parsed.flags.has(option) || parsed.values.has(option),
  );
  if (chosen.length > 1)
    throw new Error(usageError(`choose one of --user, --sys-prefix, --prefix (got ${chosen.join(", ")})`));
  if (parsed.values.has("--prefix")) return { kind: "prefix", prefix: parsed.values.get("--prefix") as string };
  if (parsed.flags.has("--sys-prefix")) return { kind: "sys-prefix" };
  return { kind: "user" };
}

async function start(parsed: ParsedArgs): Promise<number> {
  const file = parsed.values.get("--connection-file") ?? parsed.values.get("-f");
  if (!file) throw new Error(usageError("start needs --connection-file FILE"));
  const info = readConnectionFile(file);
  // Loaded here so install/list stay instant.
  const { KernelServer } = await import("./server");
  const server = new KernelServer(info, { onExit: (code) => process.exit(code) });
  await server.start();
  return 0; // the sockets keep the process alive until shutdown_request or a signal
}

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case "install": {
        const parsed = parseArgs(rest, ["--user", "--sys-prefix", "--prefix", "--name"]);
        const dir = installKernelSpec({ scope: installScope(parsed), name: parsed.values.get("--name") });
        console.log(`Installed kernelspec ${parsed.values.get("--name") ?? KERNEL_NAME} in ${dir}`);
        return 0;
      }
      case "list": {
        const parsed = parseArgs(rest, ["--json"]);
        const specs = listKernelSpecs();
        if (parsed.flags.has("--json")) {
          const kernelspecs = Object.fromEntries(specs.map((s) => [s.name, { resource_dir: s.dir, spec: s.spec }]));
          console.log(JSON.stringify({ kernelspecs }, null, 2));
        } else if (specs.length === 0) {
          console.log("No kernelspecs installed. Run `optimlab kernel install`.");
        } else {
          const width = Math.max(...specs.map((s) => s.name.length));
          console.log("Available kernels:");
          for (const spec of specs) console.log(`  ${spec.name.padEnd(width)}    ${spec.dir}`);
        }
        return 0;
      }
      case "uninstall": {
        const parsed = parseArgs(rest, ["--name"]);
        const removed = uninstallKernelSpec(parsed.values.get("--name") ?? KERNEL_NAME);
        console.log(`Removed kernelspec ${removed.name} from ${removed.dir}`);
        return 0;
      }
      case "start":
        return await start(parseArgs(rest, ["--connection-file", "-f"]));
      case undefined:
      case "--help":
      case "-h":
      case "help":
        console.log(KERNEL_USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new Error(usageError(`unknown command "${command}"`));
    }
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}
