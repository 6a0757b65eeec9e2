/**
 * How cells load modules, resolved from the notebook's folder: `require` for CommonJS packages (and
 * Node's built-ins), `import()` for ES-module-only ones. Cells reach it as `globalThis.__optimlab`
 * (see transpile.ts), because code evaluated through the inspector has no module of its own.
 *
 * A namespace object for `import * as ns` / `import d from`: an ES module's namespace as is; for
 * CommonJS, the exports object with `default` set to it (TypeScript's esModuleInterop rules), unless
 * the module was compiled from ES modules (`__esModule`), whose `default` is its own.
 */
import * as fs from "node:fs";
import Module, { builtinModules, createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { checkSharedGlobals } from "./globalNames";
import { registerFileSourceMap } from "./stackTraces";

export interface ModuleLoader {
  /** `import … from "m"` (static): the module's namespace. */
  load(specifier: string): Promise<unknown>;
  /** `import("m")` (dynamic): same as load. */
  import(specifier: string): Promise<unknown>;
  /** `require("m")` and `import x = require("m")`. */
  require: NodeJS.Require;
  /**
   * Checks that an import of a name of Node's globals brings the global itself (the import binds
   * nothing then: see globalNames.ts); returns `namespace`.
   */
  checkGlobals(namespace: unknown, specifier: string, bindings: [string, string][]): unknown;
}

// A real dynamic import(): TypeScript compiles `import()` in this CommonJS file to require().

const dynamicImport = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;

/** Errors of `require` that mean "this is an ES module: import it instead". */
const ESM_ONLY = new Set(["ERR_REQUIRE_ESM", "ERR_PACKAGE_PATH_NOT_EXPORTED"]);

export function createModuleLoader(
  rootDir: string,
  onLoad: (namespace: unknown) => void = () => undefined,
): ModuleLoader {
  registerTypeScriptFiles();
  const require = createRequire(path.join(rootDir, "__notebook__.js"));
  const resolve = async (specifier: string): Promise<unknown> => {
    if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return namespaceOf(require(specifier));
    try {
      return namespaceOf(require(specifier));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!code || !ESM_ONLY.has(code)) throw error;
    }
    const file = resolveEsm(specifier, rootDir);
    if (!file)
      throw new Error(
        `Cannot find module "${specifier}" from ${rootDir}: install it there (npm install ${specifier}).`,
      );
    return dynamicImport(pathToFileURL(file).href);
  };
  const load = async (specifier: string): Promise<unknown> => {
    const namespace = await resolve(specifier);
    onLoad(namespace);
    return namespace;
  };
  const checkGlobals = (namespace: unknown, specifier: string, bindings: [string, string][]): unknown => {
    checkSharedGlobals(namespace, specifier, bindings);
    return namespace;
  };
  return { load, import: load, require, checkGlobals };
}

/** What `import * as ns` of a CommonJS module gives (also what the engine checks an import against). */
export function namespaceOf(exports: unknown): unknown {
  if ((typeof exports === "object" || typeof exports === "function") && exports !== null) {
    if ((exports as { __esModule?: boolean }).__esModule) return exports;
    // A fresh object that reads through to the module's exports, plus `default`.
    return new Proxy(exports as object, {
      get: (target, key): unknown => (key === "default" ? exports : Reflect.get(target, key)),
      has: (target, key) => key === "default" || Reflect.has(target, key),
    });
  }
  return { default: exports };
}

/** Resolves an ES-module-only package (or a relative .mjs file) the way Node's `import` would. */
function resolveEsm(specifier: string, rootDir: string): string | undefined {
  if (specifier.startsWith(".") || path.isAbsolute(specifier)) {
    const file = path.resolve(rootDir, specifier);
    return fs.existsSync(file) ? file : undefined;
  }
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const subpath = `.${specifier.slice(name.length)}`;
  for (let dir = rootDir; ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, "node_modules", name);
    const manifest = path.join(packageDir, "package.json");
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
        exports?: unknown;
        module?: string;
        main?: string;
      };
      const target =
        pkg.exports !== undefined
          ? exportTarget(pkg.exports, subpath)
          : subpath === "."
            ? (pkg.module ?? pkg.main ?? "index.js")
            : subpath;
      return target === undefined ? undefined : path.join(packageDir, target);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const CONDITIONS = ["import", "node", "default"];

function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (typeof exports === "string") return subpath === "." ? exports : undefined;
  if (Array.isArray(exports)) {
    for (const entry of exports) {
      const found = exportTarget(entry, subpath);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof exports !== "object" || exports === null) return undefined;
  const map = exports as { [key: string]: unknown };
  const keys = Object.keys(map);
  if (keys.length > 0 && keys.every((key) => !key.startsWith("."))) {
    // Conditions only: the package's "." entry.
    if (subpath !== ".") return undefined;
    for (const condition of CONDITIONS) if (condition in map) return conditional(map[condition]);
    return undefined;
  }
  if (subpath in map) return conditional(map[subpath]);
  for (const key of keys) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
      const target = conditional(map[key]);
      return target?.replace("*", subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return undefined;
}

function conditional(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(conditional).find((v) => v !== undefined);
  if (typeof value === "object" && value !== null) {
    const map = value as { [key: string]: unknown };
    for (const condition of CONDITIONS) if (condition in map) return conditional(map[condition]);
  }
  return undefined;
}

/** What Node's CommonJS loader offers a file-extension handler (`require.extensions`). */
interface CompilableModule {
  _compile(code: string, filename: string): void;
}
type ExtensionHandler = (module: CompilableModule, filename: string) => void;

/**
 * Lets cells import the notebook's own `.ts` files (`import { add } from "./helper"`, also
 * `./helper.ts`, `import()` and `require`), which the type checker already resolves: Node's
 * CommonJS loader gets a `.ts` handler that strips the types with the kernel's TypeScript
 * (`transpileModule` to CommonJS: no type check, the cell that imports the file checks its use).
 * A `.ts` file inside node_modules is left to Node (packages ship JavaScript). Under a loader that
 * already handles `.ts` (tsx, in the kernel's own tests) nothing is registered.
 */
function registerTypeScriptFiles(): void {
  const extensions = (Module as unknown as { _extensions: { [extension: string]: ExtensionHandler } })._extensions;
  if (extensions[".ts"]) return;
  const javascript = extensions[".js"];
  extensions[".ts"] = (module, filename) => {
    if (filename.split(path.sep).includes("node_modules")) {
      javascript(module, filename);
      return;
    }
    // Loaded here, not at the top: the engine loads TypeScript through its code cache first.
    const ts = require("typescript") as typeof import("typescript");
    const { outputText, sourceMapText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
      fileName: filename,
      reportDiagnostics: false,
      compilerOptions: {
        sourceMap: true, // frames in the file get its own lines (stackTraces.ts)
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        experimentalDecorators: true,
        useDefineForClassFields: true,
      },
    });
    if (sourceMapText !== undefined) registerFileSourceMap(filename, sourceMapText);
    module._compile(outputText, filename);
  };
}
