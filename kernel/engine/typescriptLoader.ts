/**
 * Loads the `typescript` package with a V8 code cache, so a kernel's warm-up does not compile the
 * 9 MB compiler from source every time (Node 20 has no `module.enableCompileCache`).
 *
 * The first kernel compiles `typescript.js` as usual and, once its warm-up has run the functions a
 * check needs, writes V8's code cache (bytecode of everything compiled so far) next to the user's
 * other caches; later kernels hand that cache to `vm.Script` and skip most of the parsing and
 * compiling. The loaded module is registered in `require.cache`, so every `import ts from
 * "typescript"` in the engine gets this same instance. V8 checks the cache against the source and
 * its own version and flags and rejects a stale one; the file name carries both versions too, so
 * upgrades never read an old cache.
 */
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";

interface Loaded {
  script: vm.Script;
  cacheFile: string | undefined;
  /** True when the cache was missing or rejected: write a new one after the warm-up. */
  stale: boolean;
}

let loaded: Loaded | undefined;
/** Whether the last load compiled from an accepted code cache (for tests and the bench). */
let cacheUsed = false;

export function typeScriptCodeCacheUsed(): boolean {
  return cacheUsed;
}

/** Where the code cache lives: $OPTIMLAB_CACHE_DIR, else $XDG_CACHE_HOME/optimlab, else ~/.cache/optimlab. */
export function cacheDirectory(): string {
  if (process.env.OPTIMLAB_CACHE_DIR) return process.env.OPTIMLAB_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "optimlab");
}

/**
 * Loads `typescript` (once) with the code cache when there is a usable one. Must run before anything
 * else requires `typescript`; afterwards a plain `require("typescript")` returns the same module.
 */
export function loadTypeScript(): void {
  const file = require.resolve("typescript");
  if (loaded || require.cache[file]) return;
  const version = (require("typescript/package.json") as { version: string }).version;
  const cacheFile = path.join(
    cacheDirectory(),
    `typescript-${version}-node-${process.version}-${process.arch}.v8cache`,
  );
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // no cache yet
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
  const module = new Module(file, undefined);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  const requireFromTypeScript = Module.createRequire(file);
  wrapper.call(module.exports, module.exports, requireFromTypeScript, module, file, path.dirname(file));
  module.loaded = true;
  require.cache[file] = module;
  cacheUsed = cachedData !== undefined && script.cachedDataRejected !== true;
  loaded = { script, cacheFile, stale: !cacheUsed };
}

/**
 * Writes the code cache when the one read at load was missing or stale. Called after the warm-up, so
 * the cache also holds the bytecode of the functions a check runs. Never throws: a read-only home
 * only costs the next kernel the compile.
 */
export function saveTypeScriptCodeCache(): void {
  if (!loaded?.stale || !loaded.cacheFile) return;
  loaded.stale = false;
  try {
    fs.mkdirSync(path.dirname(loaded.cacheFile), { recursive: true });
    // Written whole under a temporary name, then renamed: kernels starting at once never read half a file.
    const temporary = `${loaded.cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, loaded.script.createCachedData());
    fs.renameSync(temporary, loaded.cacheFile);
  } catch {
    // Caching is an optimisation only.
  }
}
