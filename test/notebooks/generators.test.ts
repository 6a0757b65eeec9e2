import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// Every notebook NN with a generator scripts/notebooks/make_NN.py is written by it (stable cell ids, no
// outputs); which notebooks those are is read from the generators present. Each committed notebook must be
// exactly what its generator writes, so an edit made to only one of the two is caught.
const root = resolve(__dirname, "..", "..", "..");
const scripts = join(root, "scripts", "notebooks");
const generators = readdirSync(scripts)
  .filter((f) => /^make_\d+\.py$/.test(f))
  .sort();
const numbers = generators.map((f) => f.slice("make_".length, -".py".length));

function python(): string | undefined {
  for (const candidate of [process.env.OPTIMLAB_PYTHON, "/usr/bin/python3", "python3"]) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Runs every generator into a fresh folder; returns the notebook paths it wrote, relative to that folder. */
function generateAll(interpreter: string, out: string): string[] {
  for (const generator of generators)
    execFileSync(interpreter, [generator], { cwd: scripts, env: { ...process.env, OPTIMLAB_NOTEBOOK_OUT: out } });
  return readdirSync(join(out, "notebooks")).map((f) => join("notebooks", f));
}

/** The generated notebooks that differ from the committed ones. */
function drifted(out: string, written: string[]): string[] {
  return written.filter((path) => readFileSync(join(out, path), "utf8") !== readFileSync(join(root, path), "utf8"));
}

const interpreter = python();

test(
  `every notebook with a generator (${numbers.join(", ")}) is exactly what its generator writes`,
  { skip: interpreter ? false : "no python3 found" },
  () => {
    const out = mkdtempSync(join(tmpdir(), "optimlab-generators-"));
    try {
      const written = generateAll(interpreter!, out);
      assert.equal(written.length, generators.length, `one notebook per generator: ${written.join(", ")}`);
      assert.deepEqual(
        drifted(out, written),
        [],
        "regenerate with python3 scripts/notebooks/make_NN.py, or move the edit into the generator",
      );
      // Negative control: a notebook edited by hand is reported.
      const tampered = written[0];
      writeFileSync(join(out, tampered), readFileSync(join(out, tampered), "utf8").replace("Run time", "Runtime"));
      assert.deepEqual(drifted(out, written), [tampered]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);
