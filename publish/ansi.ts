/**
 * Terminal output (streams, tracebacks) as HTML: carriage-return overwrites applied as a terminal
 * would show them, then ANSI colours converted by anser.
 */
import Anser from "anser";

/**
 * Applies `\r` the way a terminal does: within each line only the text after the last carriage
 * return stays (progress bars print `\r` and redraw). A `\r\n` pair is an ordinary line break.
 */
export function applyCarriageReturns(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const trimmed = line.replace(/\r+$/, "");
      const last = trimmed.lastIndexOf("\r");
      return last < 0 ? trimmed : trimmed.slice(last + 1);
    })
    .join("\n");
}

/** HTML for terminal text: escaped, colours as inline styles. */
export function ansiToHtml(text: string): string {
  return Anser.ansiToHtml(Anser.escapeForHtml(applyCarriageReturns(text)), { use_classes: false });
}
