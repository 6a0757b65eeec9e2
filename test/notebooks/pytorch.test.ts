/**
 * The articles' PyTorch, corrected and run: every ```python corrected block in the tutorial notebooks runs without
 * error under Debian's python3-torch, and every ```python article raises=<Error> block (the article's code as
 * quoted) fails with exactly that exception. All blocks run in one Python process, each in a fresh namespace.
 * Skipped, with a message, when no Python with torch is installed (CI installs python3-torch).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../fixtures/read";

export interface PythonBlock {
  notebook: string;
  cell: string;
  kind: "corrected" | "article";
  raises?: string;
  code: string;
}

/** The fenced python blocks of a notebook's markdown cells, with their role from the info string. */
export function pythonBlocks(file: string): PythonBlock[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as {
    cells: { cell_type: string; id?: string; source: string | string[] }[];
  };
  const blocks: PythonBlock[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    for (const m of text.matchAll(/^```python[ \t]+(corrected|article)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
      const raises = /raises=([A-Za-z_][A-Za-z0-9_.]*)/.exec(m[2])?.[1];
      blocks.push({
        notebook: path.basename(file),
        cell: cell.id ?? "?",
        kind: m[1] as "corrected" | "article",
        raises,
        code: m[3],
      });
    }
  }
  return blocks;
}

const DRIVER = String.raw`
import json, sys, traceback
blocks = json.load(open(sys.argv[1]))
for block in blocks:
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(block["code"], "<%s %s>" % (block["notebook"], block["cell"]), "exec"), namespace)
        result = {"ok": True, "error": None, "message": ""}
    except BaseException as error:
        result = {"ok": False, "error": type(error).__name__, "message": traceback.format_exc(limit=3)[-800:]}
    print(json.dumps(result), flush=True)
`;

/** A Python interpreter that can import torch, or undefined. */
function torchPython(): string | undefined {
  const candidates = [process.env.OPTIMLAB_PYTHON, "/usr/bin/python3", "python3"].filter((c): c is string => !!c);
  return candidates.find(
    (python) => spawnSync(python, ["-c", "import torch"], { encoding: "utf8", timeout: 60_000 }).status === 0,
  );
}

/** Runs the blocks in one Python process; one result per block, in order. */
export function runBlocks(
  python: string,
  blocks: PythonBlock[],
): { ok: boolean; error: string | null; message: string }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimlab-pytorch-"));
  try {
    fs.writeFileSync(path.join(dir, "driver.py"), DRIVER);
    fs.writeFileSync(path.join(dir, "blocks.json"), JSON.stringify(blocks));
    const run = spawnSync(python, [path.join(dir, "driver.py"), path.join(dir, "blocks.json")], {
      cwd: dir,
      encoding: "utf8",
      timeout: 300_000,
      env: { ...process.env, OMP_NUM_THREADS: "2", PYTHONHASHSEED: "0" },
    });
    if (run.status !== 0) throw new Error(`python driver failed (status ${run.status}): ${run.stderr.slice(-2000)}`);
    return run.stdout
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const notebooksDir = path.join(repoRoot(), "notebooks");
const allBlocks = fs
  .readdirSync(notebooksDir)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort()
  .flatMap((f) => pythonBlocks(path.join(notebooksDir, f)));

test("every article snippet the notebooks quote has a corrected block", () => {
  const corrected = allBlocks.filter((b) => b.kind === "corrected");
  const quoted = allBlocks.filter((b) => b.kind === "article");
  // article 1 §4.1–4.3, article 2 §4, article 3 §3–4, article 4 §4.1–4.2, article 5 §4.1–4.2: 10 snippets.
  assert.ok(corrected.length >= 10, `expected ≥ 10 corrected blocks, found ${corrected.length}`);
  assert.equal(quoted.length, corrected.length, "each quoted snippet sits next to its correction");
});

test("corrected PyTorch runs; the articles' PyTorch fails as the notebooks say", { timeout: 360_000 }, (t) => {
  const python = torchPython();
  if (!python) return t.skip("no python3 with torch (Debian: apt-get install python3-torch; CI installs it)");
  const toRun = allBlocks.filter((b) => b.kind === "corrected" || b.raises);
  // Negative controls, run in the same process: a broken correction must be reported, and a quoted
  // snippet that does not raise what it claims must be caught too.
  const controls: PythonBlock[] = [
    {
      notebook: "control",
      cell: "broken",
      kind: "corrected",
      code: "import torch\nassert torch.zeros(1).item() == 1\n",
    },
    { notebook: "control", cell: "wrong-raise", kind: "article", raises: "NameError", code: "x = 1\n" },
  ];
  const results = runBlocks(python, [...toRun, ...controls]);
  assert.equal(results.length, toRun.length + controls.length, "one result per block");
  const failures: string[] = [];
  toRun.forEach((block, i) => {
    const r = results[i];
    if (block.kind === "corrected" && !r.ok)
      failures.push(`${block.notebook} ${block.cell}: corrected block failed:\n${r.message}`);
    if (block.kind === "article" && r.error !== block.raises)
      failures.push(
        `${block.notebook} ${block.cell}: the quoted block should raise ${block.raises}, got ${r.error ?? "no error"}`,
      );
  });
  assert.deepEqual(failures, []);
  const [broken, wrongRaise] = results.slice(toRun.length);
  assert.equal(broken.ok, false, "a failing corrected block is detected");
  assert.notEqual(wrongRaise.error, "NameError", "a quoted block that does not raise is detected");
});
