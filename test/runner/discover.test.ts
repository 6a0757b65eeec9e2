import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { discoverMessages, discoverNotebooks, globToRegExp, parseShard, selectShard } from "../../runner/discover";
import { tempDir } from "./helpers";

function tree(): string {
  const dir = tempDir();
  for (const file of [
    "b.ipynb",
    "a.ipynb",
    "sub/c.ipynb",
    "sub/deep/d.ipynb",
    "sub/.ipynb_checkpoints/c-checkpoint.ipynb",
    "notes.txt",
    "empty/.keep",
  ]) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), "{}");
  }
  return dir;
}

describe("discoverNotebooks", () => {
  it("expands folders recursively, sorted, skipping checkpoints", () => {
    const dir = tree();
    const rel = (files: string[]) => files.map((file) => path.relative(dir, file));
    assert.deepEqual(rel(discoverNotebooks([dir])), ["a.ipynb", "b.ipynb", "sub/c.ipynb", "sub/deep/d.ipynb"]);
  });

  it("expands globs with * and ** and de-duplicates", () => {
    const dir = tree();
    const rel = (files: string[]) => files.map((file) => path.relative(dir, file));
    assert.deepEqual(rel(discoverNotebooks([`${dir}/*.ipynb`])), ["a.ipynb", "b.ipynb"]);
    assert.deepEqual(rel(discoverNotebooks([`${dir}/**/*.ipynb`, `${dir}/a.ipynb`])), [
      "a.ipynb",
      "b.ipynb",
      "sub/c.ipynb",
      "sub/deep/d.ipynb",
    ]);
    assert.deepEqual(rel(discoverNotebooks([`${dir}/sub/**/d.ipynb`])), ["sub/deep/d.ipynb"]);
  });

  it("runs a notebook named twice (relative, absolute, through a symbolic link) once", () => {
    const dir = tree();
    fs.symlinkSync(path.join(dir, "a.ipynb"), path.join(dir, "sub", "link.ipynb"));
    const saved = process.cwd();
    process.chdir(dir);
    try {
      assert.deepEqual(discoverNotebooks(["a.ipynb", path.join(dir, "a.ipynb"), "./a.ipynb", "sub/link.ipynb"]), [
        path.join(dir, "a.ipynb"),
      ]);
      assert.deepEqual(discoverNotebooks(["sub"]), ["sub/c.ipynb", "sub/deep/d.ipynb", "sub/link.ipynb"]);
      assert.deepEqual(discoverNotebooks([".", "b.ipynb"]), ["a.ipynb", "b.ipynb", "sub/c.ipynb", "sub/deep/d.ipynb"]);
    } finally {
      process.chdir(saved);
    }
  });

  it("lists every bad argument at once", () => {
    const dir = tree();
    const missing = path.join(dir, "missing.ipynb");
    const text = path.join(dir, "notes.txt");
    const empty = path.join(dir, "empty");
    const glob = `${dir}/*.nothing`;
    assert.throws(() => discoverNotebooks([missing, text, empty, glob]), {
      message: [
        discoverMessages.missing(missing),
        discoverMessages.notNotebook(text),
        discoverMessages.emptyDir(empty),
        discoverMessages.noMatch(glob),
      ].join("\n"),
    });
  });

  it("translates glob syntax", () => {
    assert.ok(globToRegExp("a/{x,y}/[bc]?.ipynb").test("a/y/cz.ipynb"));
    assert.ok(!globToRegExp("a/*.ipynb").test("a/b/c.ipynb"));
    assert.ok(globToRegExp("a/**/c.ipynb").test("a/c.ipynb"));
  });
});

describe("--shard", () => {
  it("splits deterministically into disjoint slices covering everything", () => {
    const items = ["a", "b", "c", "d", "e"];
    const slices = [1, 2, 3].map((index) => selectShard(items, { index, count: 3 }));
    assert.deepEqual(slices, [["a", "d"], ["b", "e"], ["c"]]);
  });

  it("validates i/n", () => {
    assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
    for (const bad of ["0/2", "3/2", "1/0", "x", "1-2"])
      assert.throws(() => parseShard(bad), { message: discoverMessages.badShard(bad) });
  });
});
