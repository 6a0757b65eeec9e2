/** Paths the publish tests share; they work from test/ (tsx) and from dist/test/ (npm test). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root: the nearest folder above this file with optimlab's package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (
    !fs.existsSync(path.join(dir, "package.json")) ||
    !fs.readFileSync(path.join(dir, "package.json"), "utf8").includes('"name": "optimlab"')
  ) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no optimlab package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** A fixture folder under test/publish/fixtures. */
export function fixture(...parts: string[]): string {
  return path.join(repoRoot(), "test", "publish", "fixtures", ...parts);
}

/** A fresh temporary folder (removed by the caller). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `optimlab-${prefix}-`));
}

/** Collects progress lines instead of printing them. */
export function progressSink(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text: string) => void lines.push(...text.split("\n").filter((line) => line !== "")) };
}
