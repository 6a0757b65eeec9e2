/**
 * `optimlab <command> …`: one entry point, one module per command. Each command module exports
 * `main(args)` resolving to the process exit code; modules load lazily so `kernel` start stays fast.
 */
type CommandMain = (args: string[]) => Promise<number>;

const commands: { [name: string]: { summary: string; load: () => Promise<{ main: CommandMain }> } } = {
  kernel: {
    summary: "install, list, uninstall or start the TypeScript Jupyter kernel",
    load: () => import("../kernel/cli"),
  },
  test: {
    summary: "execute notebooks through their kernel and report per cell (CI)",
    load: () => import("../runner/cli"),
  },
  run: {
    summary: "execute notebooks and write their outputs, without the test verdict",
    load: () => import("../runner/cli").then((m) => ({ main: m.runMain })),
  },
  site: {
    summary: "execute every notebook and build the offline HTML tutorial site",
    load: () => import("../publish/cli"),
  },
  i18n: {
    summary: "build and check the translated notebooks (notebooks/zh) from the translation store",
    load: () => import("../publish/i18n/cli"),
  },
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return [
    "Usage: optimlab <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `optimlab <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`optimlab: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.main(rest);
}
