/**
 * Which notebooks to run: paths, directories (every *.ipynb inside, recursively, skipping
 * .ipynb_checkpoints and node_modules) and globs (`*`, `**`, `?`, `[abc]`, `{a,b}`), sorted and
 * de-duplicated; `--shard i/n` then keeps a deterministic 1/n of them for a CI matrix. A folder or
 * glob never reaches into the --output-dir folder: what is there are earlier runs' outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const discoverMessages = {
  missing: (pattern: string) => `${pattern}: no such file or directory`,
  noMatch: (pattern: string) => `${pattern}: the pattern matches no notebook`,
  emptyDir: (dir: string) => `${dir}: the directory contains no .ipynb notebook`,
  notNotebook: (file: string) => `${file}: not a notebook (expected a .ipynb file)`,
  badShard: (text: string) => `--shard "${text}" is not valid: use i/n with 1 <= i <= n, e.g. --shard 2/4`,
} as const;

const SKIPPED_DIRS = new Set([".ipynb_checkpoints", "node_modules", ".git"]);

/**
 * Every *.ipynb under `dir`, recursively, skipping checkpoint folders and the folders in `skip`
 * (real paths; `dir` itself is walked even when listed: it was asked for by name).
 */
export function notebooksIn(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !skip.has(realPath(full))) walk(full);
      } else if (entry.name.endsWith(".ipynb") && (entry.isFile() || entry.isSymbolicLink())) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found.sort();
}

export function isGlob(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

/** Translates a glob to a RegExp over "/"-separated paths. `**` spans folders, `*` does not. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        out += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "{") {
      const end = glob.indexOf("}", i + 1);
      if (end < 0) out += "\\{";
      else {
        out += `(?:${glob
          .slice(i + 1, end)
          .split(",")
          .map(escapeRegExp)
          .join("|")})`;
        i = end;
      }
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Notebooks matching a glob, walking only below its literal leading folders (never into `skip`). */
export function expandGlob(pattern: string, skip: ReadonlySet<string> = new Set()): string[] {
  const normalized = pattern.split(path.sep).join("/");
  const parts = normalized.split("/");
  const literal: string[] = [];
  for (const part of parts) {
    if (isGlob(part)) break;
    literal.push(part);
  }
  const base = literal.length === 0 ? "." : literal.join("/") || "/";
  if (!fs.existsSync(base) || !fs.statSync(base).isDirectory()) return [];
  const regex = globToRegExp(normalized.startsWith("./") ? normalized.slice(2) : normalized);
  const all = notebooksIn(base, skip).map((file) => file.split(path.sep).join("/"));
  return all.filter((file) => regex.test(file.startsWith("./") ? file.slice(2) : file)).sort();
}

/**
 * Resolves the command line's paths and globs to notebook files. Throws with every bad argument
 * listed (a missing file, a pattern matching nothing, a non-notebook file). Folders and globs do
 * not look inside `outputDir` (a second run would test the first one's outputs, and write
 * `out/out/…`); a notebook there named as a file is still taken.
 */
export function discoverNotebooks(patterns: string[], options: { outputDir?: string } = {}): string[] {
  const skip = new Set(options.outputDir === undefined ? [] : [realPath(options.outputDir)]);
  const found = new Set<string>();
  const problems: string[] = [];
  for (const pattern of patterns) {
    if (fs.existsSync(pattern)) {
      if (fs.statSync(pattern).isDirectory()) {
        const inside = notebooksIn(pattern, skip);
        if (inside.length === 0) problems.push(discoverMessages.emptyDir(pattern));
        inside.forEach((file) => found.add(file));
      } else if (pattern.endsWith(".ipynb")) found.add(path.normalize(pattern));
      else problems.push(discoverMessages.notNotebook(pattern));
    } else if (isGlob(pattern)) {
      const matches = expandGlob(pattern, skip);
      if (matches.length === 0) problems.push(discoverMessages.noMatch(pattern));
      matches.forEach((file) => found.add(path.normalize(file)));
    } else {
      problems.push(discoverMessages.missing(pattern));
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return uniqueFiles([...found].sort());
}

/**
 * One path per file: `ok.ipynb`, `$PWD/ok.ipynb` and a symbolic link to it name the same notebook,
 * which would otherwise run twice (and, with --jobs, be written twice at once). The first path in
 * sorted order is kept.
 */
export function uniqueFiles(files: string[]): string[] {
  const seen = new Set<string>();
  return files.filter((file) => {
    const real = realPath(file);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** The file's real path (links resolved); its absolute path when it does not exist. */
export function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Parses "i/n" (1-based). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) throw new Error(discoverMessages.badShard(text));
  return { index, count };
}

/** Round-robin over the sorted list: shard i of n keeps files i, i+n, i+2n… (1-based). */
export function selectShard<T>(items: T[], shard: { index: number; count: number }): T[] {
  return items.filter((_, position) => position % shard.count === shard.index - 1);
}
