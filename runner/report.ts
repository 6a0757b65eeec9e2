/**
 * Reports: the terminal summary (notebook, cell, status, time, then the details of each failure)
 * and JUnit XML (one testsuite per notebook, one testcase per code cell) for CI systems.
 */
import type { CellResult, NotebookResult } from "./execute";
import { stripAnsi } from "./regression";

const STATUS_WORD: { [status in CellResult["status"]]: string } = {
  passed: "PASS",
  failed: "FAIL",
  skipped: "SKIP",
  "not-run": "NOT RUN",
};

/** A notebook that could not even be loaded (bad JSON, unknown kernel…). */
export interface NotebookInputError {
  path: string;
  error: string;
}

export type RunEntry = NotebookResult | NotebookInputError;

export function isInputError(entry: RunEntry): entry is NotebookInputError {
  return !("cells" in entry);
}

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

type Paint = (code: string, text: string) => string;

function painter(color = false): Paint {
  return (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
}

/**
 * Text for a log or a file rather than a terminal: no ANSI sequences, and no other control byte
 * (ESC, NUL, BEL… from a cell's error or a file name) that would garble a CI log.
 */
export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripAnsi(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}

/** One notebook's block: verdict line, one line per cell, then each failure's details. */
export function formatNotebook(entry: RunEntry, options: { color?: boolean } = {}): string {
  const text = notebookBlock(entry, options);
  return options.color ? text : plainText(text);
}

/**
 * `run`'s success: the notebook executed to its end and no cell failed — except cells that raised
 * under --allow-errors. A timeout, a dead or silent kernel always fails, and so does a
 * `raises-exception` cell that did not raise the error it names (the notebook's own check failed).
 */
export function completed(entry: RunEntry, allowErrors: boolean): boolean {
  if (isInputError(entry) || entry.error || entry.writeError) return false;
  const tolerated = new Set(allowErrors ? ["error"] : []);
  return entry.cells.every(
    (cell) => cell.status !== "not-run" && (cell.status !== "failed" || tolerated.has(cell.failure?.kind ?? "")),
  );
}

export const allowedErrorsMessage = (count: number): string =>
  `${count} cell${count === 1 ? "" : "s"} raised (allowed by --allow-errors):`;

/**
 * `optimlab run`'s line per notebook, with the failure's details only when it stopped early. With
 * `allowErrors`, a notebook that ran to its end is `done` (as its exit status says), its raised
 * cells listed as allowed.
 */
export function formatRunLine(
  entry: RunEntry,
  writtenTo?: string,
  options: { color?: boolean; allowErrors?: boolean } = {},
): string {
  const text = runLine(entry, writtenTo, options.allowErrors === true);
  return options.color ? text : plainText(text);
}

function runLine(entry: RunEntry, writtenTo: string | undefined, allowErrors: boolean): string {
  if (isInputError(entry)) return `ERROR ${entry.path}\n${entry.error}`;
  const executed = entry.cells.filter((cell) => cell.status === "passed" || cell.status === "failed").length;
  const done = entry.ok || (allowErrors && completed(entry, true));
  const head =
    `${done ? "done " : "FAIL "} ${entry.path} (${executed}/${entry.cells.length} cells, ${entry.seconds.toFixed(1)} s)` +
    (writtenTo ? ` → ${writtenTo}` : "");
  if (done && !entry.ok) {
    const raised = entry.cells.filter((cell) => cell.failure);
    const list = raised.map((cell) => `  ${cell.failure?.summary ?? ""}`);
    return [head, allowedErrorsMessage(raised.length), ...list].join("\n");
  }
  const cellFailure = entry.cells.find((cell) => cell.failure)?.failure?.details;
  const failure = entry.error ?? ([entry.writeError, cellFailure].filter(Boolean).join("\n") || undefined);
  const said = failure ?? entry.note;
  return said ? `${head}\n${said}` : head;
}

function notebookBlock(entry: RunEntry, options: { color?: boolean }): string {
  const paint = painter(options.color);
  if (isInputError(entry)) return [`${paint("31", "ERROR")} ${entry.path}`, indent(entry.error)].join("\n");
  const name = entry.path ?? "<notebook>";
  const verdict = entry.ok ? paint("32", "PASS") : paint("31", "FAIL");
  const lines = [`${verdict} ${name}  [kernel ${entry.kernelName}, ${seconds(entry.seconds)}]`];
  if (entry.error) lines.push(indent(entry.error));
  if (entry.note) lines.push(indent(entry.note));
  if (entry.writeError) lines.push(indent(entry.writeError));
  for (const cell of entry.cells) {
    const status = STATUS_WORD[cell.status].padEnd(7);
    const colored =
      cell.status === "failed"
        ? paint("31", status)
        : cell.status === "passed"
          ? paint("32", status)
          : paint("33", status);
    const note = cell.failure ? cell.failure.summary : cell.status === "skipped" && cell.reason ? cell.reason : "";
    lines.push(
      `  ${colored} cell ${String(cell.number).padStart(3)}  ${seconds(cell.seconds).padStart(9)}  ${firstLine(cell.source)}${note ? `  — ${note}` : ""}`,
    );
  }
  for (const cell of entry.cells) {
    if (!cell.failure) continue;
    // Tracebacks carry the kernel's ANSI colours: kept for a terminal, stripped for logs and files.
    const details = options.color ? cell.failure.details : stripAnsi(cell.failure.details);
    lines.push("", `  ${paint("31", "✗")} ${name} cell ${cell.number}`, indent(details, "    "));
  }
  return lines.join("\n");
}

/** `test`'s verdict on a notebook: it was loaded and every cell passed or was skipped. */
export function passed(entry: RunEntry): boolean {
  return !isInputError(entry) && entry.ok;
}

/**
 * The closing count over all notebooks. `verdict` decides whether a notebook passed (default
 * `passed`; `run --allow-errors` passes one whose raised cells were allowed).
 */
export function formatTotals(entries: RunEntry[], options: { passed?: (entry: RunEntry) => boolean } = {}): string {
  const verdict = options.passed ?? passed;
  const totals = { passed: 0, failed: 0, skipped: 0, "not-run": 0 };
  for (const entry of entries) if (!isInputError(entry)) for (const cell of entry.cells) totals[cell.status]++;
  const failed = entries.filter((entry) => !verdict(entry)).length;
  const notExecuted = entries.filter((entry) => isInputError(entry) || entry.error !== undefined).length;
  const count = entries.length;
  return (
    `${count} notebook${count === 1 ? "" : "s"}: ${count - failed} passed, ${failed} failed${notExecuted ? ` (${notExecuted} not executed)` : ""}; ` +
    `cells: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals["not-run"]} not run`
  );
}

/** Every notebook's block, then the totals. */
export function formatSummary(entries: RunEntry[], options: { color?: boolean } = {}): string {
  return [...entries.map((entry) => formatNotebook(entry, options) + "\n"), formatTotals(entries)].join("\n");
}

function firstLine(source: string): string {
  const line = source.split("\n").find((text) => text.trim() !== "") ?? "";
  return line.length > 50 ? `${line.slice(0, 49)}…` : line;
}

function indent(text: string, prefix = "    "): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return (
    stripAnsi(text)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** JUnit XML: one testsuite per notebook, one testcase per code cell with its source and traceback. */
export function formatJunit(entries: RunEntry[]): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const entry of entries) {
    if (isInputError(entry)) {
      tests++;
      errors++;
      suites.push(
        `  <testsuite name="${escapeXml(entry.path)}" tests="1" failures="0" errors="1" skipped="0" time="0">\n` +
          `    <testcase classname="${escapeXml(entry.path)}" name="load" time="0">\n` +
          `      <error message="${escapeXml(entry.error.split("\n")[0])}" type="NotebookError">${escapeXml(entry.error)}</error>\n` +
          `    </testcase>\n  </testsuite>`,
      );
      continue;
    }
    const name = entry.path ?? "<notebook>";
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteErrors = 0;
    let suiteSkipped = 0;
    for (const cell of entry.cells) {
      const attrs = `classname="${escapeXml(name)}" name="cell ${cell.number} (id ${escapeXml(cell.id)})" time="${cell.seconds.toFixed(3)}"`;
      let body = "";
      if (cell.status === "failed" && cell.failure) {
        const kind =
          cell.failure.kind === "kernel-died" ||
          cell.failure.kind === "no-reply" ||
          cell.failure.kind === "timeout" ||
          cell.failure.kind === "notebook-timeout"
            ? "error"
            : "failure";
        if (kind === "error") suiteErrors++;
        else suiteFailures++;
        body = `      <${kind} message="${escapeXml(cell.failure.summary)}" type="${cell.failure.kind}">${escapeXml(cell.failure.details)}</${kind}>\n`;
      } else if (cell.status === "skipped" || cell.status === "not-run") {
        suiteSkipped++;
        body = `      <skipped message="${escapeXml(cell.status === "skipped" ? (cell.reason ?? "skipped") : (entry.error ?? "not run: an earlier cell failed or the kernel stopped"))}"/>\n`;
      }
      body += `      <system-out>${escapeXml(cell.source)}</system-out>\n`;
      cases.push(`    <testcase ${attrs}>\n${body}    </testcase>`);
    }
    if (entry.error) {
      // The kernel never started (or the notebook failed as a whole): an error of its own, so CI
      // counts the failure the exit status reports, not only skipped cells.
      suiteErrors++;
      cases.unshift(
        `    <testcase classname="${escapeXml(name)}" name="start kernel" time="0">\n` +
          `      <error message="${escapeXml(entry.error.split("\n")[0])}" type="kernel-start">${escapeXml(entry.error)}</error>\n` +
          `    </testcase>`,
      );
    }
    if (entry.writeError) {
      // The run's last step failed: its own testcase, so CI shows why the notebook failed.
      suiteErrors++;
      cases.push(
        `    <testcase classname="${escapeXml(name)}" name="write executed notebook" time="0">\n` +
          `      <error message="${escapeXml(entry.writeError)}" type="write">${escapeXml(entry.writeError)}</error>\n` +
          `    </testcase>`,
      );
    }
    tests += cases.length;
    failures += suiteFailures;
    errors += suiteErrors;
    skipped += suiteSkipped;
    suites.push(
      `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="${suiteSkipped}" time="${entry.seconds.toFixed(3)}">\n` +
        `${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="optimlab test" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n` +
    suites.map((suite) => `${suite}\n`).join("") +
    `</testsuites>\n`
  );
}
