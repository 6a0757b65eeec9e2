/**
 * `optimlab test` / `optimlab run` end to end: bad input (no kernel needed), then real runs on the
 * python3 kernel for JUnit, output notebooks, jobs/shard and signal cleanup.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { isAlive } from "../../runner/cleanup";
import {
  badCwdMessage,
  batchOptions,
  cliMessages,
  completed,
  main,
  notAPositiveIntegerMessage,
  parseArgs,
  runMain,
} from "../../runner/cli";
import { discoverMessages } from "../../runner/discover";
import {
  executeMessages,
  availableKernelNames,
  malformedKernelSpecMessage,
  noCodeCellsMessage,
  type CellResult,
  type NotebookResult,
} from "../../runner/execute";
import { outputCollisionMessage, outputOverwriteMessage, runNotebooks } from "../../runner/batch";
import { notebookMessages } from "../../runner/notebook";
import { unsafeNumberMessage } from "../../runner/parameters";
import { regressionMessages } from "../../runner/regression";
import { formatJunit, formatNotebook, formatTotals, isInputError } from "../../runner/report";
import { cliCommand, copyNotebooks, pythonKernelMissing, tempDir, waitFor } from "./helpers";

/** Runs a CLI entry point in-process, capturing what it prints. */
async function capture(
  run: (args: string[]) => Promise<number>,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...items: unknown[]) => void out.push(items.join(" "));
  console.error = (...items: unknown[]) => void err.push(items.join(" "));
  try {
    const code = await run(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** JSON.parse's own message for `text` (it differs between Node versions). */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

/** A code cell that has not run. */
const codeCell = (source: string) => ({ cell_type: "code", source, metadata: {}, outputs: [], execution_count: null });

/** Runs `fn` with JUPYTER_PATH at `folder` (the test's own kernelspecs), then puts the old value back. */
async function withJupyterPath<T>(folder: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.JUPYTER_PATH;
  process.env.JUPYTER_PATH = folder;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.JUPYTER_PATH;
    else process.env.JUPYTER_PATH = saved;
  }
}

const notebookJson = (cells: unknown[], kernel = "python3") =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: "python" } },
    cells,
  });

describe("optimlab test: bad input", () => {
  it("reports malformed JSON with file, line and column, and writes nothing", async () => {
    const dir = tempDir();
    const file = path.join(dir, "broken.ipynb");
    fs.writeFileSync(file, '{\n  "cells": [,\n}');
    const outDir = path.join(dir, "out");
    const { code, out } = await capture(main, [file, "--output-dir", outDir, "--junit", path.join(dir, "junit.xml")]);
    assert.equal(code, 1);
    assert.ok(
      out.includes(`ERROR ${file}\n    ${notebookMessages.notJson(file, 2, 13, 'expected a value, found ","')}`),
      out,
    );
    assert.equal(fs.existsSync(outDir), false, "no output notebook");
    assert.match(
      fs.readFileSync(path.join(dir, "junit.xml"), "utf8"),
      /<error message="[^"]*broken\.ipynb:2:13: not valid JSON/,
    );
  });

  it("rejects missing paths and non-notebook files before running anything", async () => {
    const dir = tempDir();
    const text = path.join(dir, "notes.txt");
    fs.writeFileSync(text, "hi");
    const { code, err } = await capture(main, [path.join(dir, "nope.ipynb"), text]);
    assert.equal(code, 2);
    assert.equal(
      err,
      [discoverMessages.missing(path.join(dir, "nope.ipynb")), discoverMessages.notNotebook(text)].join("\n"),
    );
  });

  it("passes a notebook without code cells (no kernel needed) and reports a .ipynb that is not a notebook", async () => {
    const dir = tempDir();
    const empty = path.join(dir, "empty.ipynb");
    const other = path.join(dir, "other.ipynb");
    fs.writeFileSync(empty, notebookJson([{ cell_type: "markdown", source: "only prose", metadata: {} }]));
    fs.writeFileSync(other, '{"name": "package"}');
    const { code, out } = await capture(main, [dir]);
    assert.equal(code, 1, "other.ipynb fails");
    assert.ok(out.includes(notebookMessages.notNotebook(other, 'it has no "cells" or no "nbformat" field')));
    const prose = path.join(dir, "prose", "p.ipynb");
    fs.mkdirSync(path.dirname(prose));
    const blank = codeCell("  \n");
    const noKernel = JSON.parse(notebookJson([{ cell_type: "markdown", source: "x", metadata: {} }, blank])) as {
      metadata: object;
    };
    noKernel.metadata = {}; // names no kernel: none is needed
    fs.writeFileSync(prose, JSON.stringify(noKernel));
    for (const file of [empty, prose]) {
      const passed = await capture(main, [file, "--junit", path.join(dir, "j.xml")]);
      assert.equal(passed.code, 0, passed.out);
      assert.match(passed.out, new RegExp(`^PASS ${file.replace(/[.]/g, "\\.")} .*\n {4}${noCodeCellsMessage()}`));
      assert.match(passed.out, /1 notebook: 1 passed, 0 failed/);
      assert.match(fs.readFileSync(path.join(dir, "j.xml"), "utf8"), /failures="0" errors="0"/);
    }
    const run = await capture(runMain, [empty]);
    assert.equal(run.code, 0);
    assert.ok(run.out.includes(noCodeCellsMessage()));
  });

  it("names the installed kernelspecs when the notebook's kernel is unknown", async () => {
    const dir = tempDir();
    const file = path.join(dir, "k.ipynb");
    fs.writeFileSync(file, notebookJson([codeCell("1")], "no-such-kernel"));
    const { code, out } = await capture(main, [file]);
    assert.equal(code, 1);
    assert.ok(out.includes(executeMessages.unknownKernel("no-such-kernel", availableKernelNames())), out);
    assert.ok(availableKernelNames().includes("optimlab"), "our kernel is always available");
  });

  it("says that a kernelspec is malformed, and where, instead of calling it unknown", async () => {
    const dir = tempDir();
    const kernels = path.join(dir, "jupyter", "kernels");
    fs.mkdirSync(path.join(kernels, "badjson"), { recursive: true });
    fs.writeFileSync(path.join(kernels, "badjson", "kernel.json"), '{"argv": ["x",]}');
    fs.mkdirSync(path.join(kernels, "noargv"));
    fs.writeFileSync(path.join(kernels, "noargv", "kernel.json"), '{"display_name": "n"}');
    const cell = codeCell("1");
    await withJupyterPath(path.join(dir, "jupyter"), async () => {
      for (const name of ["badjson", "noargv"]) {
        const file = path.join(dir, `${name}.ipynb`);
        fs.writeFileSync(file, notebookJson([cell], name));
        const { code, out } = await capture(main, [file]);
        assert.equal(code, 1);
        const kernelJson = path.join(kernels, name, "kernel.json");
        const reason =
          name === "badjson"
            ? `is not valid JSON (${jsonError(fs.readFileSync(kernelJson, "utf8"))})`
            : 'has no "argv" list (the command that starts the kernel)';
        assert.ok(out.includes(malformedKernelSpecMessage(name, kernelJson, reason)), out);
        assert.ok(!out.includes("No kernelspec named"), out);
      }
    });
  });

  it("--shard keeps a deterministic slice of the sorted notebooks", async () => {
    const dir = tempDir();
    for (const name of ["a", "b", "c", "d"]) fs.writeFileSync(path.join(dir, `${name}.ipynb`), "not json");
    const second = await capture(main, [dir, "--shard", "2/3"]);
    assert.deepEqual(second.out.match(/^ERROR .*$/gm), [`ERROR ${path.join(dir, "b.ipynb")}`]);
    const first = await capture(main, [dir, "--shard", "1/3"]);
    assert.deepEqual(first.out.match(/^ERROR .*$/gm), [
      `ERROR ${path.join(dir, "a.ipynb")}`,
      `ERROR ${path.join(dir, "d.ipynb")}`,
    ]);
    assert.equal((await capture(main, [dir, "--shard", "4/3"])).code, 2);
    // An empty shard still writes its (empty) report: CI reads one per matrix slot.
    const two = tempDir();
    for (const name of ["a", "b"]) fs.writeFileSync(path.join(two, `${name}.ipynb`), "not json");
    const junit = path.join(two, "reports", "j.xml");
    const empty = await capture(main, [two, "--shard", "3/3", "--junit", junit]);
    assert.deepEqual([empty.code, empty.out], [0, cliMessages.shardEmpty("3/3", 2)]);
    assert.equal(
      fs.readFileSync(junit, "utf8"),
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<testsuites name="optimlab test" tests="0" failures="0" errors="0" skipped="0">\n</testsuites>\n',
    );
  });

  it("turns options into batch options: params file then --param, run writes in place", () => {
    const dir = tempDir();
    const paramsFile = path.join(dir, "params.yaml");
    fs.writeFileSync(paramsFile, "lr: 0.1\noptimizer: sgd\n");
    const options = batchOptions(
      parseArgs(
        ["--params-file", paramsFile, "--param", "lr=0.5", "--param=tags=[1]", "--timeout", "2.5", "x.ipynb"],
        "test",
      ),
      "test",
    );
    assert.deepEqual(options.parameters, { lr: 0.5, optimizer: "sgd", tags: [1] });
    assert.equal(options.timeout, 2.5);
    assert.equal(options.inplace, false);
    assert.equal(batchOptions(parseArgs(["x.ipynb"], "run"), "run").inplace, true);
    assert.equal(batchOptions(parseArgs(["x.ipynb", "--output-dir", "o"], "run"), "run").inplace, false);
    assert.throws(() => batchOptions(parseArgs(["--inplace", "--output-dir", "o"], "test"), "test"), {
      message: cliMessages.outputConflict,
    });
  });

  it("run --allow-errors accepts cells that raised, not raises-exception cells whose check failed", () => {
    const cell = (kind?: "error" | "no-exception" | "wrong-exception" | "timeout"): CellResult => ({
      index: 0,
      number: 1,
      id: "c1",
      source: "x",
      tags: [],
      status: kind ? "failed" : "passed",
      failure: kind ? { kind, summary: kind, details: kind } : undefined,
      executionCount: 1,
      seconds: 0,
      outputs: [],
    });
    const entry = (
      kinds: ("error" | "no-exception" | "wrong-exception" | "timeout" | undefined)[],
    ): NotebookResult => ({
      path: "n.ipynb",
      notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] },
      cells: kinds.map(cell),
      ok: kinds.every((kind) => kind === undefined),
      kernelName: "python3",
      seconds: 0,
    });
    assert.equal(completed(entry([undefined, "error"]), true), true);
    assert.equal(completed(entry([undefined, "error"]), false), false);
    for (const kind of ["no-exception", "wrong-exception", "timeout"] as const) {
      assert.equal(completed(entry([kind]), true), false, kind);
    }
  });

  it("refuses a --cwd that is missing or not a folder, before running anything", async () => {
    const dir = tempDir();
    const file = path.join(dir, "k.ipynb");
    const cell = codeCell("1");
    fs.writeFileSync(file, notebookJson([cell], "no-such-kernel"));
    for (const [cwd, reason] of [
      [path.join(dir, "nope"), "does not exist"],
      [file, "is not a folder"],
    ]) {
      const { code, out, err } = await capture(main, [file, "--cwd", cwd]);
      assert.equal(code, 2);
      assert.equal(err, badCwdMessage(cwd, reason));
      assert.equal(out, "", "nothing ran");
    }
  });

  it("validates options", async () => {
    assert.equal(
      (await capture(main, ["--frobnicate", "x.ipynb"])).err,
      cliMessages.unknownOption("--frobnicate", "test"),
    );
    assert.equal(
      (await capture(main, ["--timeout", "soon", "x.ipynb"])).err,
      cliMessages.notANumber("timeout", "soon"),
    );
    assert.equal((await capture(main, [])).err, cliMessages.noPaths("test"));
    assert.equal(
      (await capture(main, ["--timeout", "ok.ipynb"])).err,
      cliMessages.notANumber("timeout", "ok.ipynb"),
      "the option that swallowed the notebook is named",
    );
    for (const jobs of ["1.5", "0", "-2", "two"]) {
      const { code, err } = await capture(main, ["--jobs", jobs, "x.ipynb"]);
      assert.deepEqual([code, err], [2, notAPositiveIntegerMessage("jobs", jobs)], jobs);
    }
    const big = await capture(runMain, ["--param", "seed=12345678901234567890", "x.ipynb"]);
    assert.deepEqual([big.code, big.err], [2, unsafeNumberMessage("seed", "12345678901234567890")]);
    assert.equal(
      (await capture(runMain, ["--junit", "j.xml", "x.ipynb"])).err,
      cliMessages.unknownOption("--junit", "run"),
      "junit belongs to test",
    );
    // An empty value is a mistake for every option that takes one: `run --output-dir ""` wrote over the
    // sources, `--shard ""` ran every notebook.
    const dir = tempDir();
    const file = path.join(dir, "k.ipynb");
    fs.writeFileSync(file, notebookJson([codeCell("1")], "no-such-kernel"));
    const before = fs.readFileSync(file, "utf8");
    for (const [run, option] of [
      [runMain, "output-dir"],
      [main, "output-dir"],
      [main, "shard"],
      [runMain, "kernel"],
      [main, "junit"],
      [main, "timeout"],
    ] as const) {
      for (const args of [[`--${option}`, ""], [`--${option}=`]]) {
        const { code, out, err } = await capture(run, [file, ...args]);
        assert.deepEqual([code, err, out], [2, cliMessages.emptyValue(option), ""], args.join(" "));
      }
    }
    assert.equal(fs.readFileSync(file, "utf8"), before, "the notebook was not written");
    // A flag takes no value: `--allow-errors=false` allowed errors, `--color=never` turned colour on.
    for (const arg of ["--allow-errors=false", "--color=never", "--check-outputs=", "--inplace=yes"]) {
      const { code, out, err } = await capture(main, [file, arg]);
      assert.deepEqual([code, err, out], [2, cliMessages.flagWithValue(arg.slice(2, arg.indexOf("=")), arg), ""], arg);
    }
    // --sanitize: a file that cannot be read is named with the problem; without --check-outputs it would do nothing.
    const missing = path.join(dir, "nosuch.txt");
    for (const [sanitize, reason] of [
      [missing, "no such file"],
      [dir, "it is a folder, not a file"],
    ]) {
      const { code, out, err } = await capture(main, [file, "--check-outputs", "--sanitize", sanitize]);
      assert.deepEqual([code, err, out], [2, regressionMessages.sanitizerUnreadable(sanitize, reason), ""], sanitize);
    }
    const alone = await capture(main, [file, "--sanitize", missing]);
    assert.deepEqual([alone.code, alone.err, alone.out], [2, cliMessages.sanitizeWithoutCheck(), ""]);
    const help = await capture(main, ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /--notebook-timeout VALUE/);
  });

  it("checks --output-dir and --junit up front, before running anything", async () => {
    const dir = tempDir();
    const file = path.join(dir, "k.ipynb");
    // A kernel that does not exist: had anything run, the output would say so.
    const cell = codeCell("1");
    fs.writeFileSync(file, notebookJson([cell], "no-such-kernel"));
    const blocker = path.join(dir, "a-file");
    fs.writeFileSync(blocker, "");
    const cases: [string[], string][] = [
      [
        ["--output-dir", path.join(blocker, "out")],
        cliMessages.unwritable("--output-dir", path.join(blocker, "out"), `${blocker} is a file, not a folder`),
      ],
      [
        ["--output-dir", blocker],
        cliMessages.unwritable("--output-dir", blocker, `${blocker} is a file, not a folder`),
      ],
      [["--junit", dir], cliMessages.unwritable("--junit", dir, `${dir} is a folder`)],
      [
        ["--junit", path.join(blocker, "j.xml")],
        cliMessages.unwritable("--junit", path.join(blocker, "j.xml"), `${blocker} is a file, not a folder`),
      ],
    ];
    for (const [options, message] of cases) {
      const { code, out, err } = await capture(main, [file, ...options]);
      assert.equal(code, 2, options.join(" "));
      assert.equal(err, message);
      assert.equal(out, "", "nothing ran");
    }
    assert.match(cliMessages.unwritable("--junit", "x", "why"), /--junit x cannot be written \(why\)/);
    const fine = await capture(main, [
      file,
      "--output-dir",
      path.join(dir, "new", "out"),
      "--junit",
      path.join(dir, "new", "j.xml"),
    ]);
    assert.equal(fine.code, 1, "a writable path that does not exist yet is fine");
    assert.ok(fine.out.includes(executeMessages.unknownKernel("no-such-kernel", availableKernelNames())));
  });

  it("refuses --output-dir when two notebooks would be written to the same file, before running anything", async () => {
    const dir = tempDir();
    const cell = codeCell("1");
    const [a, b] = ["a", "b"].map((folder) => {
      fs.mkdirSync(path.join(dir, folder));
      const file = path.join(dir, folder, "nb.ipynb");
      fs.writeFileSync(file, notebookJson([cell], "no-such-kernel")); // had it run, the output would say so
      return file;
    });
    const outDir = path.join(dir, "out");
    for (const run of [main, runMain]) {
      const { code, out, err } = await capture(run, [a, b, "--output-dir", outDir]);
      assert.equal(code, 2);
      assert.equal(err, outputCollisionMessage([{ target: path.join(outDir, "nb.ipynb"), files: [a, b] }]));
      assert.equal(out, "", "nothing ran");
      assert.equal(fs.existsSync(outDir), false, "nothing written");
    }
    assert.ok(
      outputCollisionMessage([{ target: "out/nb.ipynb", files: ["../a/nb.ipynb", "../b/nb.ipynb"] }]).startsWith(
        "--output-dir: ../a/nb.ipynb, ../b/nb.ipynb would all be written to out/nb.ipynb",
      ),
    );
  });

  it("--output-dir: refuses to write over an input, and folders and globs skip the output folder", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "out"));
    for (const file of ["x.ipynb", path.join("out", "x.ipynb")]) {
      fs.writeFileSync(path.join(dir, file), notebookJson([codeCell("1")], "no-such-kernel")); // nothing can run
    }
    const cli = (args: string[]) => {
      const { command, args: argv, env } = cliCommand(args);
      return spawnSync(command, argv, { env, cwd: dir, encoding: "utf8" });
    };
    const named = cli(["test", "x.ipynb", path.join("out", "x.ipynb"), "--output-dir", "out"]);
    assert.equal(named.status, 2, named.stdout);
    assert.equal(
      named.stderr.trim(),
      outputOverwriteMessage([{ file: "x.ipynb", target: path.join("out", "x.ipynb") }]),
    );
    assert.equal(named.stdout, "", "nothing ran");
    // A second run into the same folder does not test the first run's outputs (nor write out/out/…).
    for (const pattern of [".", "**/*.ipynb"]) {
      for (const run of ["test", "run"]) {
        const again = cli([run, pattern, "--output-dir", "out"]);
        assert.equal(again.status, 1, again.stderr);
        assert.deepEqual(again.stdout.match(/^ERROR .*$/gm), ["ERROR x.ipynb"], `${run} ${pattern}`);
      }
    }
    // The output folder named as the folder to run is walked: it was asked for.
    const inside = cli(["test", "out", "--output-dir", "out"]);
    assert.deepEqual(inside.stdout.match(/^ERROR .*$/gm), [`ERROR ${path.join("out", "x.ipynb")}`]);
  });

  it("starts a kernel again on new ports when one of its ports was taken at startup", async () => {
    // Seen in CI: ipykernel exited with "zmq.error.ZMQError: Address already in use" while several
    // kernels started at once, and the notebook failed before any cell ran.
    const dir = tempDir();
    const kernels = path.join(dir, "jupyter", "kernels", "port-taken-once");
    fs.mkdirSync(kernels, { recursive: true });
    const marker = path.join(dir, "first-start");
    const script = `if [ ! -e '${marker}' ]; then touch '${marker}'; echo 'zmq.error.ZMQError: Address already in use' >&2; exit 1; fi; exec /usr/bin/python3 -m ipykernel_launcher -f "$0"`;
    fs.writeFileSync(
      path.join(kernels, "kernel.json"),
      JSON.stringify({ argv: ["/bin/sh", "-c", script, "{connection_file}"], display_name: "p", language: "python" }),
    );
    const file = path.join(dir, "n.ipynb");
    fs.writeFileSync(file, notebookJson([codeCell("print(6 * 7)")], "port-taken-once"));
    await withJupyterPath(path.join(dir, "jupyter"), async () => {
      const { code, out } = await capture(main, [file]);
      assert.equal(code, 0, out);
      assert.ok(fs.existsSync(marker), "the first start did fail on its port");
    });
  });

  it("reports a kernel that dies during startup with its stderr", async () => {
    const dir = tempDir();
    const kernels = path.join(dir, "jupyter", "kernels", "crashing");
    fs.mkdirSync(kernels, { recursive: true });
    fs.writeFileSync(
      path.join(kernels, "kernel.json"),
      JSON.stringify({
        argv: ["/bin/sh", "-c", "echo cannot import numpy >&2; exit 7", "{connection_file}"],
        display_name: "crash",
        language: "python",
      }),
    );
    const file = path.join(dir, "n.ipynb");
    fs.writeFileSync(file, notebookJson([codeCell("1")], "crashing"));
    await withJupyterPath(path.join(dir, "jupyter"), async () => {
      const { code, out } = await capture(main, [file, "--inplace"]);
      assert.equal(code, 1);
      assert.match(
        out,
        /Kernel "crashing" exited during startup \(exit code 7\)\n {4}---- kernel stderr \(last lines\) ----\n {4}cannot import numpy/,
      );
      assert.match(out, /NOT RUN cell {3}1/);
      assert.equal(
        (JSON.parse(fs.readFileSync(file, "utf8")) as { nbformat_minor: number }).nbformat_minor,
        5,
        "input untouched (written with minor 5 above)",
      );
      const missingProgram = path.join(dir, "jupyter", "kernels", "missing-program");
      fs.mkdirSync(missingProgram);
      fs.writeFileSync(
        path.join(missingProgram, "kernel.json"),
        JSON.stringify({ argv: ["/nonexistent/kernel", "{connection_file}"], display_name: "m", language: "python" }),
      );
      const missing = await capture(main, [file, "--kernel", "missing-program"]);
      assert.equal(missing.code, 1);
      assert.match(
        missing.out,
        /Cannot start kernel "missing-program" \(\/nonexistent\/kernel\): spawn \/nonexistent\/kernel ENOENT/,
      );
    });
  });

  it("stops waiting for a kernel that never answers after --startup-timeout and kills it", async () => {
    const dir = tempDir();
    const kernels = path.join(dir, "jupyter", "kernels", "silent");
    fs.mkdirSync(kernels, { recursive: true });
    const pidFile = path.join(dir, "pid");
    fs.writeFileSync(
      path.join(kernels, "kernel.json"),
      JSON.stringify({
        argv: ["/bin/sh", "-c", `echo $$ > ${pidFile}; exec sleep 60`, "{connection_file}"],
        display_name: "silent",
        language: "python",
      }),
    );
    const file = path.join(dir, "n.ipynb");
    fs.writeFileSync(file, notebookJson([codeCell("1")], "silent"));
    await withJupyterPath(path.join(dir, "jupyter"), async () => {
      const started = Date.now();
      const { code, out } = await capture(main, [file, "--startup-timeout", "1"]);
      assert.equal(code, 1);
      assert.ok(Date.now() - started < 5000);
      assert.match(out, /Kernel "silent" did not answer kernel_info_request within 1 s/);
      assert.equal(isAlive(Number(fs.readFileSync(pidFile, "utf8"))), false, "the silent kernel was killed");
    });
  });
});

/** A cell that records the kernel's pid, a child's pid and the connection file, then a cell that sleeps. */
function slowCells(pidFile: string): unknown[] {
  const record =
    "import os, subprocess\nfrom ipykernel import get_connection_file\nchild = subprocess.Popen(['sleep', '60'])\n" +
    `open(${JSON.stringify(pidFile + ".part")}, 'w').write(f'{os.getpid()} {child.pid} {get_connection_file()}')\n` +
    `os.rename(${JSON.stringify(pidFile + ".part")}, ${JSON.stringify(pidFile)})`;
  return [
    { cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: record },
    { cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: "import time\ntime.sleep(60)" },
  ];
}

function readPids(pidFile: string): { pids: number[]; connectionFile: string } | undefined {
  if (!fs.existsSync(pidFile)) return undefined;
  const [kernel, child, connectionFile] = fs.readFileSync(pidFile, "utf8").split(" ");
  return { pids: [Number(kernel), Number(child)], connectionFile };
}

describe("optimlab test/run on the python3 kernel", { skip: pythonKernelMissing() }, () => {
  it("writes JUnit and valid nbformat 4.5 output notebooks, atomically, for --jobs 2", async () => {
    const { dir, files } = copyNotebooks("python", ["passing", "error"]);
    const outDir = path.join(dir, "out");
    const junit = path.join(dir, "junit.xml");
    const { code, out } = await capture(main, [
      dir,
      "--jobs",
      "2",
      "--output-dir",
      outDir,
      "--junit",
      junit,
      "--cwd",
      dir,
    ]);
    assert.equal(code, 1, "error.ipynb fails");
    assert.match(out, /2 notebooks: 1 passed, 1 failed; cells: 5 passed, 1 failed, 1 skipped, 1 not run$/);
    const xml = fs.readFileSync(junit, "utf8");
    assert.equal((xml.match(/<testcase /g) ?? []).length, 8);
    assert.match(xml, /<failure message="cell 2 \(id [\w-]+\) raised ValueError: bad value 1" type="error">/);
    const written = files.map((file) =>
      path.join(
        outDir,
        path.relative(process.cwd(), file).startsWith("..") ? path.basename(file) : path.relative(process.cwd(), file),
      ),
    );
    for (const file of written) assert.ok(fs.existsSync(file), `${file} written`);
    assert.deepEqual(
      fs.readdirSync(path.dirname(written[0])).filter((name) => name.endsWith(".tmp")),
      [],
      "no temp files left",
    );
    const validate = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, nbformat\nfor f in sys.argv[1:]:\n    nb = nbformat.read(f, as_version=4); nbformat.validate(nb); print(nb.nbformat_minor)",
        ...written,
      ],
      { encoding: "utf8" },
    );
    assert.equal(validate.stderr, "");
    assert.equal(validate.stdout, "5\n5\n");
  });

  it("a notebook that cannot be written after running keeps its verdicts and says why", async () => {
    const dir = tempDir();
    const file = path.join(dir, "ok.ipynb");
    fs.writeFileSync(
      file,
      notebookJson([{ cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: "1" }]),
    );
    const blocker = path.join(dir, "a-file");
    fs.writeFileSync(blocker, "");
    // The up-front check passed, then the folder became unusable while the notebook ran.
    const [entry] = await runNotebooks([file], { outputDir: path.join(blocker, "out"), baseDir: dir });
    assert.ok(!isInputError(entry), "not mislabelled as a notebook that could not be loaded");
    assert.equal(entry.cells[0].status, "passed");
    assert.equal(entry.ok, false);
    assert.match(
      entry.writeError ?? "",
      /^executed, but the notebook could not be written to .*a-file\/out\/ok\.ipynb \(ENOTDIR/,
    );
    assert.match(formatNotebook(entry), /^FAIL (.*\n)+ {4}executed, but the notebook could not be written/);
    assert.match(formatTotals([entry]), /1 notebook: 0 passed, 1 failed; cells: 1 passed/);
    const xml = formatJunit([entry]);
    assert.match(xml, /<testsuite [^>]*tests="2" failures="0" errors="1"/);
    assert.match(
      xml,
      /<testcase [^>]*name="write executed notebook"[^>]*>\n {6}<error message="executed, but the notebook could not be written/,
    );
  });

  it("runNotebooks: a hook that throws starts no further notebook, lets the running ones end, then rejects", async () => {
    const dir = tempDir();
    const write = (name: string, source: string) => {
      const file = path.join(dir, `${name}.ipynb`);
      fs.writeFileSync(file, notebookJson([codeCell(source)]));
      return file;
    };
    const pidFile = path.join(dir, "slow.pid");
    const started = path.join(dir, "third-started");
    const files = [
      write("fast", "1"),
      write("slow", `import os, time\nopen(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\ntime.sleep(3)`),
      write("third", `open(${JSON.stringify(started)}, 'w').write('ran')`),
    ];
    const done: string[] = [];
    const hookError = new Error("the report could not be printed");
    await assert.rejects(
      runNotebooks(files, {
        jobs: 2,
        onNotebookDone: (entry) => {
          done.push(path.basename(entry.path ?? ""));
          if (done.length === 1) throw hookError;
        },
      }),
      (error) => error === hookError,
    );
    assert.equal(done.length, 1, `no hook after the failure: ${done.join(", ")}`);
    const kernelPid = Number(fs.readFileSync(pidFile, "utf8"));
    assert.equal(isAlive(kernelPid), false, "the running notebook ended, and its kernel with it, before the rejection");
    assert.equal(fs.existsSync(started), false, "no notebook started after the failure");
  });

  it("cuts a long or multi-line error message to one line in the summary, the headline and JUnit's message", async () => {
    const dir = tempDir();
    const file = path.join(dir, "long.ipynb");
    fs.writeFileSync(
      file,
      notebookJson([codeCell("raise ValueError('v' * 20000)"), codeCell("assert 1 == 2, 'first\\nsecond\\nthird'")]),
    );
    const junit = path.join(dir, "j.xml");
    const { code, out } = await capture(main, [file, "--allow-errors", "--junit", junit]);
    assert.equal(code, 1);
    const lines = out.split("\n");
    const row = (n: number) => lines.find((line) => line.startsWith(`  FAIL    cell ${String(n).padStart(3)}`)) ?? "";
    assert.ok(row(1).length < 400, `summary row of ${row(1).length} characters`);
    assert.match(row(1), /raised ValueError: v+ … \(\d+ characters omitted\) … v+$/);
    assert.match(row(2), /raised AssertionError: first ⏎ second ⏎ third$/, "one line per cell in the table");
    const headline = lines[lines.findIndex((line) => line.endsWith(`${file} cell 1`)) + 1];
    assert.ok(headline.length < 400, `headline of ${headline.length} characters`);
    assert.ok(out.includes("v".repeat(5000)), "the full message stays in the details (traceback)");
    const messages = [...fs.readFileSync(junit, "utf8").matchAll(/<failure message="([^"]*)"/g)].map(
      (match) => match[1],
    );
    assert.equal(messages.length, 2);
    assert.ok(messages[0].length < 400, `JUnit message of ${messages[0].length} characters`);
    assert.match(messages[1], /first ⏎ second ⏎ third$/);
  });

  it("a JUnit report that cannot be written after the run: totals first, then why, exit 1", async () => {
    const dir = tempDir();
    const reports = path.join(dir, "reports");
    fs.mkdirSync(reports);
    const file = path.join(dir, "n.ipynb");
    // Passes the up-front check, then the folder becomes a file while the notebook runs.
    const source = `import shutil\nshutil.rmtree(${JSON.stringify(reports)})\nopen(${JSON.stringify(reports)}, 'w').close()`;
    fs.writeFileSync(file, notebookJson([codeCell(source)]));
    const junit = path.join(reports, "j.xml");
    const { code, out, err } = await capture(main, [file, "--junit", junit]);
    assert.equal(code, 1, "the report is lost: the run fails");
    assert.match(out, /1 notebook: 1 passed, 0 failed; cells: 1 passed/, "the totals are still printed");
    assert.match(err, /^--junit .*reports\/j\.xml could not be written \(E[A-Z]+: .+\); the results above stand$/);
    assert.equal(err, cliMessages.junitNotWritten(junit, err.slice(err.indexOf("(") + 1, err.lastIndexOf(")"))));
  });

  it("run exits 1 when the last cell raises (0 with --allow-errors)", async () => {
    const dir = tempDir();
    const file = path.join(dir, "last.ipynb");
    const cells = [
      { cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: "x = 1" },
      { cell_type: "code", metadata: {}, outputs: [], execution_count: null, source: "raise ValueError('last')" },
    ];
    fs.writeFileSync(file, notebookJson(cells));
    const failing = await capture(runMain, [file]);
    assert.equal(failing.code, 1, failing.out);
    assert.match(failing.out, /^FAIL .*last\.ipynb \(2\/2 cells/m);
    // Exit 0 under --allow-errors: the text agrees (the notebook counts as passed, the error as allowed).
    const allowed = await capture(runMain, [file, "--allow-errors"]);
    assert.equal(allowed.code, 0, allowed.out);
    assert.match(allowed.out, /^done {2}.*last\.ipynb \(2\/2 cells/m);
    assert.match(
      allowed.out,
      /\n1 cell raised \(allowed by --allow-errors\):\n {2}cell 2 \(id [\w-]+\) raised ValueError: last\n/,
    );
    assert.doesNotMatch(allowed.out, /FAIL/);
    assert.match(allowed.out, /1 notebook: 1 passed, 0 failed; cells: 1 passed, 1 failed/);
  });

  it("the kernel and its children die with a runner killed by SIGKILL; the connection folder goes too", async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, "kernel.pid");
    const file = path.join(dir, "slow.ipynb");
    fs.writeFileSync(file, notebookJson(slowCells(pidFile)));
    const { command, args, env } = cliCommand(["test", file]);
    const runner = spawn(command, args, { env, stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      runner.once("exit", (_code, signal) => resolve(signal)),
    );
    const { pids, connectionFile } = await waitFor(() => readPids(pidFile), 30_000);
    for (const pid of pids) assert.ok(isAlive(pid));
    assert.ok(fs.existsSync(connectionFile));
    runner.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    await waitFor(() => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 5000);
    await waitFor(() => (fs.existsSync(path.dirname(connectionFile)) ? undefined : true), 2000);
  });

  it("--check-outputs passes on a notebook's own outputs and shows a diff when they changed", async () => {
    const { dir, files } = copyNotebooks("python", ["error"]);
    assert.equal(
      (await capture(runMain, [files[0], "--allow-errors"])).code,
      0,
      "run --allow-errors writes outputs in place",
    );
    const stored = JSON.parse(fs.readFileSync(files[0], "utf8")) as { cells: { outputs: { text: string[] }[] }[] };
    stored.cells[0].outputs[0].text = ["cell one ran at 12:00\n"];
    fs.writeFileSync(files[0], JSON.stringify(stored));
    const changed = await capture(main, [files[0], "--check-outputs"]);
    assert.equal(changed.code, 1);
    assert.match(
      changed.out,
      /produced outputs that differ from those stored in the notebook\n(.*\n)*? {4}---- diff \(- stored, \+ new\) ----\n {4} {2}\[stdout\]\n {4}- cell one ran at 12:00\n {4}\+ cell one ran/,
    );
    const sanitizers = path.join(dir, "sanitize.txt");
    fs.writeFileSync(sanitizers, " at \\d\\d:\\d\\d => \n");
    const sanitized = await capture(main, [files[0], "--check-outputs", "--sanitize", sanitizers]);
    assert.match(sanitized.out, /PASS {4}cell {3}1 /);
  });

  it("--check-outputs compares a cell stored as executed without output: it must still print nothing", async () => {
    const dir = tempDir();
    const file = path.join(dir, "silent.ipynb");
    const cell = (source: string, executionCount: number | null) => ({
      cell_type: "code",
      metadata: {},
      outputs: [],
      execution_count: executionCount,
      source,
    });
    fs.writeFileSync(file, notebookJson([cell("print('never run')", null), cell("print('new output')", 2)]));
    const { code, out } = await capture(main, [file, "--check-outputs"]);
    assert.equal(code, 1, out);
    assert.match(out, /PASS {4}cell {3}1 /, "a cell never executed is not compared");
    assert.match(out, /FAIL {4}cell {3}2 .*produced outputs that differ/);
    assert.match(out, / {4}---- diff \(- stored, \+ new\) ----\n(.*\n)*? {4}\+ new output/);
  });

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`kills the kernel's process group when the runner gets ${signal}`, async () => {
      const dir = tempDir();
      const pidFile = path.join(dir, "kernel.pid");
      const file = path.join(dir, "slow.ipynb");
      fs.writeFileSync(file, notebookJson(slowCells(pidFile)));
      const { command, args, env } = cliCommand(["test", file, "--output-dir", path.join(dir, "out")]);
      const runner = spawn(command, args, { env, stdio: "ignore" });
      const exited = new Promise<number | null>((resolve) => runner.once("exit", (code) => resolve(code)));
      const { pids, connectionFile } = await waitFor(() => readPids(pidFile), 30_000);
      for (const pid of pids) assert.ok(isAlive(pid));
      runner.kill(signal);
      assert.equal(await exited, { SIGTERM: 143, SIGINT: 130, SIGHUP: 129 }[signal]);
      // Killed at once, but a loaded machine may take a while to reap them (failed once at 2 s under load).
      await waitFor(() => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
      assert.equal(fs.existsSync(path.dirname(connectionFile)), false, "the connection file's folder is removed");
      assert.equal(fs.existsSync(path.join(dir, "out")), false, "a killed run writes no notebook");
    });
  }
});
