/**
 * Printed sentences in the reader's language: when the language is not English, text written to
 * stdout/stderr (console.log, progress lines) is translated line by line through the phrase catalog
 * before it reaches the writer underneath (in a notebook, the kernel's cell-output routing).
 *
 * Installed once, when the library is loaded, and only for a non-English language, so English runs
 * write exactly what the code prints.
 */
import { language } from "./language";
import { translateLines } from "./translate";

type Write = typeof process.stdout.write;

let installed = false;

function wrap(stream: NodeJS.WriteStream): void {
  const underneath = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = function write(chunk: unknown, ...rest: unknown[]): boolean {
    return underneath(typeof chunk === "string" ? translateLines(chunk) : chunk, ...rest);
  } as Write;
}

/** Translates printed output from now on when the language is not English. Returns whether it did. */
export function translatePrintedOutput(): boolean {
  if (installed) return true;
  if (language() === "en") return false;
  installed = true;
  wrap(process.stdout);
  wrap(process.stderr);
  return true;
}
