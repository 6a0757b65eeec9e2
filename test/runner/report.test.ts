import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import type { CellResult, NotebookResult } from "../../runner/execute";
import {
  escapeXml,
  formatJunit,
  formatNotebook,
  formatRunLine,
  formatSummary,
  type RunEntry,
} from "../../runner/report";

function cell(number: number, status: CellResult["status"], extra: Partial<CellResult> = {}): CellResult {
  return {
    index: number,
    number,
    id: `c${number}`,
    source: `print(${number})`,
    tags: [],
    status,
    executionCount: null,
    seconds: 0.25,
    outputs: [],
    ...extra,
  };
}

const failed = cell(2, "failed", {
  source: 'if (a < b && c > "d") throw new Error()',
  failure: {
    kind: "error",
    summary: 'cell 2 (id c2) raised Error: <bad> & "worse"',
    details: "---- traceback ----\n\u001b[0;31mError\u001b[0m: <bad>\u0007",
  },
});
const result: NotebookResult = {
  path: "dir/a&b.ipynb",
  notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] },
  cells: [cell(1, "passed"), failed, cell(3, "not-run"), cell(4, "skipped", { reason: "tagged skip-execution" })],
  ok: false,
  kernelName: "python3",
  seconds: 1.5,
};
const entries: RunEntry[] = [result, { path: "broken.ipynb", error: "broken.ipynb:1:2: not valid JSON" }];

describe("formatJunit", () => {
  const xml = formatJunit(entries);

  it("has one testcase per cell with source and escaped, ANSI-free failure text", () => {
    assert.equal((xml.match(/<testcase /g) ?? []).length, 5);
    assert.match(xml, /<testsuites name="optimlab test" tests="5" failures="1" errors="1" skipped="2">/);
    assert.match(
      xml,
      /<testsuite name="dir\/a&amp;b.ipynb" tests="4" failures="1" errors="0" skipped="2" time="1.500">/,
    );
    assert.match(
      xml,
      /<failure message="cell 2 \(id c2\) raised Error: &lt;bad&gt; &amp; &quot;worse&quot;" type="error">---- traceback ----\nError: &lt;bad&gt;<\/failure>/,
    );
    assert.match(xml, /<system-out>if \(a &lt; b &amp;&amp; c &gt; &quot;d&quot;\) throw new Error\(\)<\/system-out>/);
    assert.ok(!xml.includes("\u001b"), "no ANSI escape survives");
  });

  it("is well-formed XML (checked by Python's parser when available)", (t) => {
    const python = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.read()); print(len(r.findall('.//testcase')))",
      ],
      { input: xml, encoding: "utf8" },
    );
    if (python.error) return t.skip("no /usr/bin/python3 to parse the XML");
    assert.equal(python.stderr, "");
    assert.equal(python.stdout.trim(), "5");
  });

  it("reports a notebook whose kernel did not start as an error, not only as skipped cells", () => {
    const error =
      'Kernel "crashing" exited during startup (exit code 7)\n---- kernel stderr (last lines) ----\nboom <x>';
    const notStarted: NotebookResult = { ...result, cells: [cell(1, "not-run"), cell(2, "not-run")], error };
    const junit = formatJunit([notStarted]);
    assert.match(junit, /<testsuites name="optimlab test" tests="3" failures="0" errors="1" skipped="2">/);
    assert.match(junit, /<testsuite [^>]*tests="3" failures="0" errors="1" skipped="2"/);
    assert.ok(
      junit.includes(
        `<testcase classname="dir/a&amp;b.ipynb" name="start kernel" time="0">\n` +
          `      <error message="Kernel &quot;crashing&quot; exited during startup (exit code 7)" type="kernel-start">` +
          `${escapeXml(error)}</error>`,
      ),
      junit,
    );
  });

  it("drops characters XML cannot hold", () => {
    assert.equal(escapeXml("a\u0000b\u001fc\td\ud800e"), "abc\tde");
  });
});

describe("formatSummary", () => {
  it("lists every cell with status and time, the failure details, and totals", () => {
    const text = formatSummary(entries);
    assert.match(text, /^FAIL dir\/a&b\.ipynb {2}\[kernel python3, 1\.50 s\]$/m);
    assert.match(text, /^ {2}PASS {4}cell {3}1 {5}0\.25 s {2}print\(1\)$/m);
    assert.match(text, /^ {2}FAIL {4}cell {3}2 .* — cell 2 \(id c2\) raised Error/m);
    assert.match(text, /^ {2}NOT RUN cell {3}3/m);
    assert.match(text, /^ {2}SKIP {4}cell {3}4 .* — tagged skip-execution$/m);
    assert.match(text, /^ {4}Error: <bad>/m, "details without colour codes when colour is off");
    assert.match(text, /^ERROR broken\.ipynb\n {4}broken\.ipynb:1:2: not valid JSON$/m);
    assert.match(
      text,
      /2 notebooks: 0 passed, 2 failed \(1 not executed\); cells: 1 passed, 1 failed, 1 skipped, 1 not run$/,
    );
  });
});

describe("plain (non-terminal) output", () => {
  it("carries no ESC or NUL byte from a cell's error, source or path", () => {
    const nasty: NotebookResult = {
      ...result,
      path: "dir/\u001b[2Jwipe.ipynb",
      cells: [
        cell(1, "failed", {
          source: "print('\u001b[31mred\u0000')",
          failure: {
            kind: "error",
            summary: "cell 1 (id c1) raised Error: \u001b[31mred\u0000\u0007",
            details: "\u001b[0;31mError\u0000",
          },
        }),
      ],
    };
    for (const text of [formatNotebook(nasty), formatRunLine(nasty, "out/x.ipynb"), formatSummary([nasty])]) {
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f]/);
      assert.match(text, /wipe\.ipynb/);
    }
    assert.match(formatNotebook(nasty), /raised Error: red/);
    assert.ok(formatNotebook(nasty, { color: true }).includes("\u001b[31mred"), "a terminal keeps the colours");
  });
});
