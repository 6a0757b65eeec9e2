/**
 * Stack traces as the learner should see them, wherever an error's `stack` is read: in the cell's
 * `error` output, but also in `console.log(error)` and an Error shown as a result.
 *
 * - A cell's frames name the cell and its own line and column: each evaluated script gets a
 *   `//# sourceURL` of its own, and the source map of its TypeScript → JavaScript step (which moves
 *   lines: erased interfaces, re-printed statements) maps the frame back.
 * - The kernel's frames below the cell (the inspector call, the evaluator, output routing, the
 *   server) and kernel frames above it (an error the kernel threw into the cell) are left out. A
 *   stack with no cell frame is the kernel's own business and stays as it is.
 *
 * `Error.prepareStackTrace` does this (Node calls it for every error of the realm, when the stack is
 * first read); a hook another library had set is called with the filtered frames.
 */
import * as path from "node:path";

/** A source map's `mappings`, decoded: per generated line, [generated column, source line, source column] (0-based). */
type LineMappings = [number, number, number][][];

interface CellScript {
  /** What frames call the cell (`<cell>`, or `In[3]` when the caller names it). */
  name: string;
  /** Undefined: the script has the cell's lines as they are. */
  mappings?: LineMappings;
}

const SCRIPT_PREFIX = "optimlab-cell-";
/** The sourceURL of the kernel's own helper scripts evaluated through the inspector (evaluator.ts). */
export const KERNEL_SCRIPT_URL = "optimlab-kernel";

/** This kernel's folder (…/kernel), of the built files or of the sources under tsx. */
const KERNEL_DIR = path.dirname(__dirname) + path.sep;

const scripts = new Map<number, CellScript>();
let nextScript = 1;

/**
 * `js` with the sourceURL that lets frames of it be found and named `name`; `sourceMap`: the JSON
 * source map from the cell's text to `js` (when the step moved lines).
 */
export function labelCellScript(js: string, name: string, sourceMap?: string): string {
  const id = nextScript++;
  let mappings: LineMappings | undefined;
  if (sourceMap !== undefined) {
    try {
      mappings = decodeMappings((JSON.parse(sourceMap) as { mappings: string }).mappings);
    } catch {
      mappings = undefined;
    }
  }
  scripts.set(id, { name, mappings });
  return `${js}\n//# sourceURL=${SCRIPT_PREFIX}${id}`;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes a source map's base64 VLQ `mappings` (one source, so the source index is ignored). */
export function decodeMappings(mappings: string): LineMappings {
  const lines: LineMappings = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(";")) {
    const segments: [number, number, number][] = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        sourceLine += values[2];
        sourceColumn += values[3];
        segments.push([column, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** The cell's 1-based line and column for a 1-based position in its script. */
function original(script: CellScript, line: number, column: number): [number, number] {
  const mappings = script.mappings;
  if (!mappings) return [line, column];
  for (let at = line - 1; at >= 0; at--) {
    const segments = mappings[at] ?? [];
    if (segments.length === 0) continue;
    if (at < line - 1) {
      // No mapping on the frame's own line: the end of the nearest mapped line above.
      const last = segments[segments.length - 1];
      return [last[1] + 1, last[2] + 1];
    }
    let best = segments[0];
    for (const segment of segments) if (segment[0] <= column - 1) best = segment;
    return [best[1] + 1, best[2] + 1 + Math.max(0, column - 1 - best[0])];
  }
  return [line, column];
}

type CallSite = NodeJS.CallSite;

/** The notebook's own `.ts` files the cells' loader compiled (modules.ts), by path: their line maps. */
const files = new Map<string, CellScript>();

/** A `.ts` file compiled for the cells: frames in it get its own lines (`sourceMap`: its JSON map). */
export function registerFileSourceMap(filename: string, sourceMap: string): void {
  try {
    files.set(filename, {
      name: filename,
      mappings: decodeMappings((JSON.parse(sourceMap) as { mappings: string }).mappings),
    });
  } catch {
    files.delete(filename);
  }
}

/** The cell (or the notebook's own `.ts` file) a frame is in, with its line map. */
const scriptOf = (site: CallSite): CellScript | undefined => {
  const file = site.getScriptNameOrSourceURL?.() ?? site.getFileName();
  if (typeof file !== "string") return undefined;
  return file.startsWith(SCRIPT_PREFIX) ? scripts.get(Number(file.slice(SCRIPT_PREFIX.length))) : files.get(file);
};

function isKernelSite(site: CallSite): boolean {
  const file = site.getScriptNameOrSourceURL?.() ?? site.getFileName() ?? "";
  return file.startsWith(KERNEL_DIR) || file === "node:inspector" || file === KERNEL_SCRIPT_URL;
}

/** The frames the learner sees (see the header); `trace` itself when none is a cell's. */
function learnerSites(trace: CallSite[]): CallSite[] {
  const first = trace.findIndex((site) => scriptOf(site) !== undefined);
  if (first < 0) return trace;
  const above = trace.slice(0, first).filter((site) => !isKernelSite(site));
  const below = trace.slice(first);
  const cut = below.findIndex(isKernelSite);
  return [...above, ...(cut < 0 ? below : below.slice(0, cut))];
}

/**
 * A cell's frame as the cell's own: its name, line and column (for our formatting and for a hook
 * that was there before, which reads the frame through its methods); other frames as they are.
 */
function asCellSite(site: CallSite): CallSite {
  const script = scriptOf(site);
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!script || line === null || column === null) return site;
  const [cellLine, cellColumn] = original(script, line, column);
  const url = site.getScriptNameOrSourceURL?.() ?? "";
  const text = (site as { toString(): string })
    .toString()
    .replace(`${url}:${line}:${column}`, `${script.name}:${cellLine}:${cellColumn}`);
  const overrides: { [key: string]: () => unknown } = {
    getLineNumber: () => cellLine,
    getColumnNumber: () => cellColumn,
    getFileName: () => script.name,
    getScriptNameOrSourceURL: () => script.name,
    toString: () => text,
  };
  return new Proxy(site, {
    get(target, key): unknown {
      if (typeof key === "string" && key in overrides) return overrides[key];
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function header(error: unknown): string {
  try {
    // Error.prototype.toString, what V8 starts a stack with.
    const { name, message } = error as { name: string | undefined; message: string | undefined };
    const shownName = name === undefined ? "Error" : String(name);
    const shownMessage = message === undefined ? "" : String(message);
    return shownName === "" ? shownMessage : shownMessage === "" ? shownName : `${shownName}: ${shownMessage}`;
  } catch {
    return "Error";
  }
}

type PrepareStackTrace = (error: Error, trace: CallSite[]) => unknown;

let installed: { hook: PrepareStackTrace; previous: PrepareStackTrace | undefined } | undefined;

/** Installs the hook (once); returns its undo. */
export function installStackTraces(): () => void {
  if (!installed) {
    const previous = Reflect.get(Error, "prepareStackTrace") as PrepareStackTrace | undefined;
    const hook: PrepareStackTrace = (error, trace) => {
      const sites = learnerSites(trace).map(asCellSite);
      if (previous) return previous(error, sites);
      return header(error) + sites.map((site) => `\n    at ${(site as { toString(): string }).toString()}`).join("");
    };
    Error.prepareStackTrace = hook as typeof Error.prepareStackTrace;
    installed = { hook, previous };
  }
  return () => {
    if (installed && Error.prepareStackTrace === (installed.hook as typeof Error.prepareStackTrace))
      Error.prepareStackTrace = installed.previous as typeof Error.prepareStackTrace;
    installed = undefined;
  };
}
