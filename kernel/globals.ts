/**
 * `display`, `html` and `md` as globals in cells, so a notebook can show things without importing,
 * and the declarations of `prompt` / `input` (whose values the server provides: they need stdin).
 *
 * The engine type-checks cells against this prelude (a global declaration file) and puts the values
 * on `globalThis`. A cell may still `import { display } from "optimlab"`: its own binding shadows these.
 */
import { display } from "../src/display/display";
import { html, md } from "../src/display/markup";

const OPTIONS = "{ raw?: boolean; displayId?: string; update?: boolean; metadata?: { [key: string]: unknown } }";
const HANDLE =
  "{ readonly displayId: string; update(value: unknown, options?: { raw?: boolean; metadata?: { [key: string]: unknown } }): void }";

/** The declarations cells see (self-contained: no import, so checking them is cheap). */
export const CELL_GLOBALS_PRELUDE = [
  "declare const display: {",
  `  (value: unknown, options: ${OPTIONS} & { displayId: string }): ${HANDLE};`,
  `  (value: unknown, options?: ${OPTIONS}): ${HANDLE} | undefined;`,
  "};",
  "declare const html: (source: string) => { readonly html: string };",
  "declare const md: (source: string) => { readonly markdown: string };",
  "/** Asks the user for a line of text (an input_request to the front end) and waits for it. */",
  "declare function prompt(message?: string): string;",
  "/** Like prompt(), without blocking the event loop; `password: true` hides what is typed. */",
  "declare function input(message?: string, options?: { password?: boolean }): Promise<string>;",
].join("\n");

/** The values behind the prelude's declarations. */
export const CELL_GLOBALS: { [name: string]: unknown } = { display, html, md };
