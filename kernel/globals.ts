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
  "/**",
  " * Asks the user for a line of text (an input_request to the front end) and waits for it. An empty",
  ' * answer gives `defaultValue` when there is one (as in browsers and Deno), else `""`.',
  " */",
  "declare function prompt(message?: string, defaultValue?: string): string;",
  "/** Like prompt(), without blocking the event loop; `password: true` hides what is typed. */",
  "declare function input(message?: string, options?: { password?: boolean }): Promise<string>;",
].join("\n");

/** The values behind the prelude's declarations. */
export const CELL_GLOBALS: { [name: string]: unknown } = { display, html, md };

/** A prompt function as the kernel's server provides it (the message only). */
type Prompt = (message?: string) => string;

/**
 * `prompt(message, defaultValue)` over the server's `prompt(message)`: the default is shown as Deno
 * shows it (`name? [Ada] `), and an empty answer gives it.
 */
export function promptWithDefault(prompt: Prompt): (message?: string, defaultValue?: string) => string {
  return (message?: string, defaultValue?: string): string => {
    if (defaultValue === undefined) return prompt(message);
    const text = String(defaultValue);
    const answer = prompt(message === undefined || message === "" ? `[${text}] ` : `${String(message)} [${text}] `);
    return answer === "" ? text : answer;
  };
}

/** The values of `globals` as cells get them (the server's `prompt` takes a default). */
export function cellGlobalValues(globals: { [name: string]: unknown }): { [name: string]: unknown } {
  const prompt = globals.prompt;
  return typeof prompt === "function" ? { ...globals, prompt: promptWithDefault(prompt as Prompt) } : globals;
}
