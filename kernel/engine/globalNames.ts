/**
 * The global names a cell must not declare at top level.
 *
 * V8's REPL mode puts a cell's top-level `let`/`const`/`class` in the realm's global lexical scope,
 * where every script and CommonJS module of the process looks a free name up before `globalThis`.
 * A cell's `const Buffer = [1, 2]` or `const process = (x) => x * 2` therefore replaced Node's
 * `Buffer` / `process` for the kernel's own wire code (the kernel crashed), optimlab and tfjs — and
 * while such a declaration waits for its value (`const { Buffer } = await …`, or an initializer
 * that throws), the name is "not defined" for all of them.
 *
 * So the engine refuses, before anything runs, a top-level declaration of a name globalThis had when
 * the kernel started (Node's and JavaScript's globals). Imports of the same objects keep working:
 * `import { Buffer } from "buffer"` binds nothing (the global already is that object), after a check
 * that the imported value is the global one (see transpile.ts and modules.ts).
 *
 * The kernel's own cell globals (`display`, `prompt`, …) are not in the list: no module uses them
 * free, so a cell may declare its own.
 */

/** Names the kernel itself puts on globalThis for cells only (a cell may redeclare them). */
const CELL_ONLY = new Set(["display", "html", "md", "prompt", "input", "require", "__dirname", "__filename"]);

/** The global object's own names when this module was loaded (at kernel start: engine/index.ts). */
const STARTUP = new Set(Object.getOwnPropertyNames(globalThis));

/** The cells' module loader (transpile.ts's LOADER_GLOBAL): a cell declaring it would break its imports. */
const LOADER = "__optimlab";

/** True when a cell's top-level declaration of `name` would replace a global of every module. */
export function isSharedGlobal(name: string): boolean {
  return name === LOADER || (STARTUP.has(name) && !CELL_ONLY.has(name));
}

/** A name for the learner's own variable instead of `name` (`process` → `myProcess`). */
const suggestion = (name: string): string => `my${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** The compile error of a top-level declaration of a shared global. */
export const sharedGlobalDeclarationMessage = (name: string): string =>
  `'${name}' is one of Node's globals (globalThis.${name}): a cell's top-level declaration of it would replace it ` +
  `for every module, optimlab's and the kernel's included. Rename it, e.g. ${suggestion(name)}, or declare it ` +
  `inside a block ({ … }) or a function.`;

/**
 * The error of an import that would bind a shared global's name to another value. `imported`: the
 * export it reads, `"*"` for `import * as`, `"="` for `import x = require(…)`.
 */
export function sharedGlobalImportMessage(name: string, specifier: string, imported: string): string {
  const other = suggestion(name);
  const [what, instead] =
    imported === "*"
      ? [`The namespace of "${specifier}"`, `import * as ${other} from "${specifier}"`]
      : imported === "="
        ? [`The module "${specifier}"`, `import ${other} = require("${specifier}")`]
        : imported === "default"
          ? [`The default export of "${specifier}"`, `import ${other} from "${specifier}"`]
          : [`'${imported}' of "${specifier}"`, `import { ${imported} as ${other} } from "${specifier}"`];
  return (
    `${what} is not the global '${name}', and a cell's top-level name '${name}' would replace the global ` +
    `for every module, optimlab's and the kernel's included. Import it under another name, e.g. ${instead}.`
  );
}

/**
 * Checks, when a cell runs, that what an import of a shared global's name brings is the global itself
 * (then binding nothing changes nothing); throws the message above otherwise. `bindings`: the local
 * name and the export it reads (`"*"`: the namespace itself, `"default"`: its default).
 */
export function checkSharedGlobals(namespace: unknown, specifier: string, bindings: [string, string][]): void {
  for (const [local, imported] of bindings) {
    const value =
      imported === "*" || imported === "=" ? namespace : (namespace as { [key: string]: unknown })[imported];
    if (value !== (globalThis as { [key: string]: unknown })[local])
      throw new TypeError(sharedGlobalImportMessage(local, specifier, imported));
  }
}
