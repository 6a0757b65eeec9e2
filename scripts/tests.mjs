#!/usr/bin/env node
// Lists and runs one tier of the test suite. The split (see CONTRIBUTING.md, "Tests"):
//   unit         pure library tests, run from the TypeScript sources with tsx (no build needed);
//   integration  kernel, runner, browser and nbconvert tests, run from dist/ (needs `npm run build`).
// Usage: node scripts/tests.mjs unit|integration [FILTER ...] [--list] [--isolated] [node --test flags]
//   FILTER: run only the tier's test files whose path contains it (e.g. `unit test/optim lbfgs`).
//
// Unit tests run in two processes that each load half of the files (starting Node, tsx and tfjs
// costs ~1.5 s of CPU per process, more than most test files); `--isolated` runs one process per
// file instead, as `node --test` does. Integration tests always run one process per file.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** Test folders that start processes (kernels, Python, Chromium, the CLI) or need the build. */
const INTEGRATION_FOLDERS = ["test/kernel", "test/runner", "test/publish", "test/notebooks"];
/** Single files in otherwise-unit folders that drive a real Jupyter client or browser. */
const INTEGRATION_FILES = [
  "test/widgets/jupyterClient.test.ts",
  "test/widgets/browser.test.ts",
  "test/widgets/jupyterlabServices.test.ts",
];

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith(".test.ts") ? [relative(root, full)] : [];
  });
}

const isIntegration = (file) =>
  INTEGRATION_FILES.includes(file) || INTEGRATION_FOLDERS.some((folder) => file.startsWith(folder + "/"));

const [tier, ...args] = process.argv.slice(2);
const filters = args.filter((arg) => !arg.startsWith("-"));
const rest = args.filter((arg) => arg.startsWith("-"));
const all = testFiles(join(root, "test"))
  .sort()
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
let files;
let nodeArgs;
if (tier === "unit") {
  files = all.filter((f) => !isIntegration(f));
  nodeArgs = ["--import", "tsx", "--test", "--test-concurrency=2"];
} else if (tier === "integration") {
  files = all.filter(isIntegration).map((f) => join("dist", f.replace(/\.ts$/, ".js")));
  nodeArgs = ["--test", "--test-concurrency=2"];
} else {
  console.error("usage: node scripts/tests.mjs unit|integration [--list] [node --test flags]");
  process.exit(2);
}
if (files.length === 0) {
  console.error(`no ${tier} test file matches ${filters.map((f) => JSON.stringify(f)).join(", ")}`);
  process.exit(2);
}
if (rest.includes("--list")) {
  console.log(files.join("\n"));
  process.exit(0);
}
if (tier === "unit" && !rest.includes("--isolated")) {
  const shards = [[], []];
  files.forEach((file, i) => shards[i % shards.length].push(file));
  const reporter = rest.find((arg) => arg.startsWith("--test-reporter=")) ?? "--test-reporter=dot";
  // Each shard is a small entry file that requires its test files (not `node -e`, whose script
  // would travel in process.execArgv to the child processes some tests start).
  const entries = join(root, ".cache", "tests");
  mkdirSync(entries, { recursive: true });
  const runs = shards.map(
    (shard, index) =>
      new Promise((resolve) => {
        const entry = join(entries, `unit-shard-${index}.cjs`);
        writeFileSync(entry, shard.map((file) => `require(${JSON.stringify(join(root, file))});\n`).join(""));
        const child = spawn(process.execPath, ["--import", "tsx", reporter, entry], { cwd: root, stdio: "inherit" });
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      }),
  );
  const codes = await Promise.all(runs);
  process.exit(codes.some((code) => code !== 0) ? 1 : 0);
}
const flags = rest.filter((arg) => arg !== "--isolated");
const result = spawnSync(process.execPath, [...nodeArgs, ...flags, ...files], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
