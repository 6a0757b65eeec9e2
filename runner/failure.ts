/**
 * The text of a failed cell, one template for the terminal and JUnit: what happened, the cell's
 * source, its streams, then the traceback. Long sources and streams are cut in the middle so a cell
 * printing megabytes still yields a report a person can read.
 */
import type { KernelExit } from "./launch";
import { joinSource, type ErrorOutput, type Output } from "./notebook";
import { describeExit } from "./session";

export type FailureKind =
  | "error" // the cell raised
  | "no-exception" // tagged raises-exception but did not raise
  | "wrong-exception" // raised, but not the error named in raises-exception=Name
  | "timeout" // ran past its cell timeout
  | "notebook-timeout" // ran past the whole-notebook deadline
  | "kernel-died" // the kernel process ended while the cell ran
  | "aborted" // the kernel answered status "aborted"
  | "no-reply" // the kernel went idle without an execute_reply
  | "output-mismatch"; // --check-outputs found different text outputs

// Failure texts: one `xxxMessage()` builder each (the project's message convention).
export const cellErrorMessage = (label: string, ename: string, evalue: string): string =>
  `${label} raised ${ename}: ${evalue}`;
export const noExceptionMessage = (label: string, expected: string | null): string =>
  `${label} is tagged raises-exception${expected ? `=${expected}` : ""} but raised no error`;
export const wrongExceptionMessage = (label: string, expected: string, ename: string, evalue: string): string =>
  `${label} should raise ${expected} but raised ${ename}: ${evalue}`;
export const cellTimeoutMessage = (
  label: string,
  elapsedSeconds: number,
  limitSeconds: number,
  interrupted: boolean,
): string =>
  `${label} timed out after ${elapsedSeconds.toFixed(1)} s (limit ${limitSeconds} s); ` +
  (interrupted
    ? "it was interrupted, then the kernel was stopped"
    : "the kernel did not respond to the interrupt and was killed");
export const notebookTimeoutMessage = (label: string, elapsedSeconds: number, limitSeconds: number): string =>
  `${label} was running when the notebook deadline of ${limitSeconds} s passed (cell ran ${elapsedSeconds.toFixed(1)} s); the kernel was stopped`;
export const deadlineAtStartupMessage = (kernelName: string, limitSeconds: number): string =>
  `The notebook deadline of ${limitSeconds} s passed while kernel "${kernelName}" was starting; no cell ran (raise --notebook-timeout)`;
export const kernelDiedMessage = (label: string, exit: KernelExit): string =>
  `The kernel died while ${label} was running (${describeExit(exit)})`;
export const startTimeoutMessage = (
  label: string,
  elapsedSeconds: number,
  limitSeconds: number,
  interrupted: boolean,
): string =>
  `${label} was not started by the kernel within ${elapsedSeconds.toFixed(1)} s (no execute_input; limit ${limitSeconds} s ` +
  `= --startup-timeout + the cell's timeout); ` +
  (interrupted
    ? "it was interrupted, then the kernel was stopped"
    : "the kernel did not respond to the interrupt and was killed");
export const abortedMessage = (label: string): string => `${label} was aborted by the kernel`;
export const noExecuteReplyMessage = (label: string): string =>
  `The kernel finished ${label} (status idle) but sent no execute_reply, so how the cell ended is unknown ` +
  `(a kernel fault, e.g. an error it could not serialize); later cells were not run`;
export const outputMismatchMessage = (label: string): string =>
  `${label} produced outputs that differ from those stored in the notebook`;
export const notRunMessage = (): string => "not run: an earlier cell failed or the kernel stopped";

const MAX_LINES = 60;
const MAX_CHARS = 8000;

/** Keeps the head and tail of long text, saying how much was left out. */
export function abbreviate(text: string, maxLines = MAX_LINES, maxChars = MAX_CHARS): string {
  let lines = text.split("\n");
  let cut = 0;
  if (lines.length > maxLines) {
    const head = Math.ceil(maxLines / 2);
    const tail = maxLines - head;
    cut = lines.length - maxLines;
    lines = [...lines.slice(0, head), `… ${cut} lines omitted …`, ...lines.slice(lines.length - tail)];
  }
  let result = lines.join("\n");
  if (result.length > maxChars) {
    const half = Math.floor(maxChars / 2);
    result = `${result.slice(0, half)}\n… ${result.length - maxChars} characters omitted …\n${result.slice(result.length - half)}`;
  }
  return result;
}

/** Longest one-line summary (a cell's verdict row, a failure's headline, JUnit's `message`). */
export const MAX_SUMMARY_CHARS = 240;

/**
 * One line for a summary: line breaks become " ⏎ " (a multi-line error message would break the
 * one-row-per-cell table) and long text is cut in the middle, saying how much was left out. The
 * full text stays in the failure's details.
 */
export function oneLine(text: string, maxChars = MAX_SUMMARY_CHARS): string {
  const line = text.replace(/\s*(?:\r\n|\r|\n)\s*/g, " ⏎ ").trim();
  if (line.length <= maxChars) return line;
  const keep = maxChars - 40; // room for the note
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return `${line.slice(0, head)} … (${line.length - keep} characters omitted) … ${line.slice(line.length - tail)}`;
}

/** First and last lines of a cell's source, as shown for a timed-out cell. */
export function sourceEnds(source: string, lines = 3): string {
  const all = source.split("\n");
  if (all.length <= lines * 2 + 1) return source;
  return [...all.slice(0, lines), `… (${all.length - lines * 2} lines) …`, ...all.slice(all.length - lines)].join("\n");
}

export function streamsOf(outputs: Output[]): { stdout: string; stderr: string } {
  const streams = { stdout: "", stderr: "" };
  for (const output of outputs) if (output.output_type === "stream") streams[output.name] += joinSource(output.text);
  return streams;
}

export function tracebackOf(outputs: Output[]): string {
  return outputs
    .filter((output): output is ErrorOutput => output.output_type === "error")
    .map((output) => (output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`))
    .join("\n");
}

/** The full failure text: headline, source (or its ends), streams, traceback, extra sections. */
export function failureText(options: {
  headline: string;
  source: string;
  outputs: Output[];
  shortSource?: boolean;
  extra?: { title: string; text: string }[];
}): string {
  const sections = [
    options.headline,
    section("source", options.shortSource ? sourceEnds(options.source) : abbreviate(options.source)),
  ];
  const { stdout, stderr } = streamsOf(options.outputs);
  if (stdout) sections.push(section("stdout", abbreviate(stdout)));
  if (stderr) sections.push(section("stderr", abbreviate(stderr)));
  const traceback = tracebackOf(options.outputs);
  if (traceback) sections.push(section("traceback", abbreviate(traceback, 200, 20000)));
  for (const extra of options.extra ?? []) sections.push(section(extra.title, extra.text));
  return sections.join("\n");
}

function section(title: string, body: string): string {
  return `---- ${title} ----\n${body.replace(/\n$/, "")}`;
}
