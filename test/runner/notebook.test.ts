import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  lineAndColumn,
  normalizeNotebook,
  NotebookError,
  notebookMessages,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
  writeFileAtomic,
  type Notebook,
} from "../../runner/notebook";
import { findJsonSyntaxError } from "../../runner/jsonPosition";
import { injectParameters } from "../../runner/parameters";
import { tempDir } from "./helpers";

const minimal = (cells: unknown[]): string => JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells });

describe("notebook loading", () => {
  it("points at the line and column of a JSON syntax error", () => {
    const text = '{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}';
    assert.throws(
      () => parseNotebook(text, "bad.ipynb"),
      (error: Error) =>
        error instanceof NotebookError &&
        error.message ===
          notebookMessages.notJson("bad.ipynb", 3, 24, 'expected a property name in double quotes, found ","'),
    );
  });

  it("reads a file that starts with a UTF-8 byte order mark, as nbformat's reader does", () => {
    const file = path.join(tempDir(), "bom.ipynb");
    fs.writeFileSync(file, "\ufeff" + minimal([{ cell_type: "code", source: "1", metadata: {}, outputs: [] }]));
    assert.equal(readNotebook(file).cells.length, 1);
  });

  it('says that nbformat must be the number 4 when it is the string "4"', () => {
    for (const value of ['"4"', '"4.5"', "null"]) {
      assert.throws(() => parseNotebook(`{"nbformat": ${value}, "nbformat_minor": 5, "cells": []}`, "s.ipynb"), {
        message: notebookMessages.versionNotNumber("s.ipynb", JSON.parse(value) as string | null),
      });
    }
    assert.match(
      notebookMessages.versionNotNumber("s.ipynb", "4"),
      /"nbformat" must be the number 4, not the string "4"/,
    );
  });

  it("says that nbformat 4.5 is nbformat 4 with nbformat_minor 5, not an unsupported version", () => {
    // Before: 'nbformat 4.5 is not supported; convert it to nbformat 4', which contradicts itself.
    assert.throws(() => parseNotebook('{"nbformat": 4.5, "nbformat_minor": 0, "cells": []}', "m.ipynb"), {
      message:
        'm.ipynb: "nbformat" is the major version only (4), not 4.5; write "nbformat": 4 and put the minor version in "nbformat_minor"',
    });
    assert.throws(() => parseNotebook('{"nbformat": 5.1, "cells": []}', "m.ipynb"), {
      message: notebookMessages.unsupportedVersion("m.ipynb", 5.1),
    });
  });

  it("computes 1-based line and column from an offset", () => {
    assert.deepEqual(lineAndColumn("ab\ncd\nef", 4), { line: 2, column: 2 });
    assert.deepEqual(lineAndColumn("ab", 0), { line: 1, column: 1 });
  });

  it("rejects JSON that is not a notebook, and nbformat 3", () => {
    assert.throws(() => parseNotebook("[1, 2]", "a.ipynb"), {
      message: notebookMessages.notNotebook("a.ipynb", "the top level is not a JSON object"),
    });
    assert.throws(() => parseNotebook('{"x": 1}', "a.ipynb"), {
      message: notebookMessages.notNotebook("a.ipynb", 'it has no "cells" or no "nbformat" field'),
    });
    assert.throws(() => parseNotebook('{"nbformat": 3, "cells": []}', "a.ipynb"), {
      message: notebookMessages.unsupportedVersion("a.ipynb", 3),
    });
    // A real nbformat 3 file has "worksheets" instead of "cells": it still gets the conversion hint.
    const v3 = { nbformat: 3, nbformat_minor: 0, metadata: { name: "" }, worksheets: [{ cells: [], metadata: {} }] };
    assert.throws(() => parseNotebook(JSON.stringify(v3), "old.ipynb"), {
      message: notebookMessages.unsupportedVersion("old.ipynb", 3),
    });
    assert.throws(
      () => parseNotebook(minimal([{ cell_type: "code", source: 5 }]), "a.ipynb"),
      /cell 1 has no string "source"/,
    );
    assert.throws(
      () => parseNotebook(minimal([{ cell_type: "heading", source: "" }]), "a.ipynb"),
      /cell 1 has cell_type "heading"/,
    );
  });

  it("reports a missing file and a directory clearly", () => {
    const dir = tempDir();
    assert.throws(() => readNotebook(path.join(dir, "nope.ipynb")), {
      message: notebookMessages.missing(path.join(dir, "nope.ipynb")),
    });
    assert.throws(() => readNotebook(dir), /it is a directory/);
  });

  it("fills defaults for missing outputs, execution counts and metadata", () => {
    const notebook = parseNotebook(minimal([{ cell_type: "code", source: ["a\n", "b"] }]), "a.ipynb");
    const cell = notebook.cells[0];
    assert.equal(cell.cell_type, "code");
    if (cell.cell_type === "code") {
      assert.deepEqual(cell.outputs, []);
      assert.equal(cell.execution_count, null);
    }
    assert.deepEqual(cell.metadata, {});
  });
});

describe("normalizeNotebook", () => {
  it("upgrades to nbformat 4.5, keeps valid ids and replaces missing, invalid or duplicate ones", () => {
    const notebook = parseNotebook(
      minimal([
        { cell_type: "code", source: "", id: "keep-me_1" },
        { cell_type: "markdown", source: "" },
        { cell_type: "code", source: "", id: "bad id!" },
        { cell_type: "code", source: "", id: "keep-me_1" },
      ]),
      "a.ipynb",
    );
    normalizeNotebook(notebook);
    assert.equal(notebook.nbformat_minor, 5);
    const ids = notebook.cells.map((cell) => cell.id as string);
    assert.equal(ids[0], "keep-me_1");
    assert.equal(new Set(ids).size, 4);
    for (const id of ids) assert.match(id, /^[a-zA-Z0-9-_]{1,64}$/);
  });
});

describe("cell ids added by the runner", () => {
  it("are the same on every run of a notebook without ids (nbformat 4.4), so JUnit names are stable", () => {
    const text = minimal([
      { cell_type: "code", source: "print(1)" },
      { cell_type: "markdown", source: "# text" },
      { cell_type: "code", source: "print(1)" },
      { cell_type: "code", source: "y", id: "2d711642" }, // the id the next cell would derive
      { cell_type: "code", source: "x" },
    ]);
    const ids = () => normalizeNotebook(parseNotebook(text, "legacy.ipynb")).cells.map((cell) => cell.id as string);
    const first = ids();
    assert.deepEqual(ids(), first, "the same ids on a second run");
    assert.equal(new Set(first).size, first.length, "unique");
    for (const id of first) assert.match(id, /^[a-zA-Z0-9-_]{1,64}$/);
    assert.match(first[0], /^[0-9a-f]{8}$/);
    assert.equal(first[2], `${first[0]}-2`, "the same source twice: told apart in notebook order");
    assert.equal(first[3], "2d711642", "a valid id is kept");
    assert.equal(first[4], "2d711642-2", "a derived id does not take an existing one");
    assert.equal(
      injectParameters(normalizeNotebook(parseNotebook(text, "p.ipynb")), { lr: 1 }, "python").id,
      "injected-parameters",
    );
  });
});

describe("serializeNotebook", () => {
  it("writes sources and text as lists of lines and drops transient data", () => {
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          id: "a",
          cell_type: "code",
          source: "x\ny",
          metadata: {},
          execution_count: 1,
          outputs: [
            { output_type: "stream", name: "stdout", text: "1\n2\n" },
            {
              output_type: "display_data",
              data: { "text/plain": "p\nq", "image/png": "AAAA" },
              metadata: {},
              transient: { display_id: "d" },
            },
          ],
        },
      ],
    };
    const written = JSON.parse(serializeNotebook(notebook)) as {
      cells: { source: string[]; outputs: { text?: string[]; data?: object; transient?: object }[] }[];
    };
    assert.deepEqual(written.cells[0].source, ["x\n", "y"]);
    assert.deepEqual(written.cells[0].outputs[0].text, ["1\n", "2\n"]);
    assert.deepEqual(written.cells[0].outputs[1].data, { "text/plain": ["p\n", "q"], "image/png": "AAAA" });
    assert.equal(written.cells[0].outputs[1].transient, undefined);
  });

  it("splits lines keeping their newlines", () => {
    assert.deepEqual(splitLines("a\n\nb"), ["a\n", "\n", "b"]);
    assert.deepEqual(splitLines(""), []);
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file in one step and leaves no temp file behind", () => {
    const dir = tempDir();
    const file = path.join(dir, "sub", "out.ipynb");
    writeFileAtomic(file, "first");
    writeFileAtomic(file, "second");
    assert.equal(fs.readFileSync(file, "utf8"), "second");
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["out.ipynb"]);
  });

  it("removes the temp file a killed writer left behind (dead pid), and only that one", () => {
    const dir = tempDir();
    const file = path.join(dir, "x.ipynb");
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid; // exited: its pid is free
    const stale = path.join(dir, `.x.ipynb.${dead}.0badc0de.tmp`);
    const live = path.join(dir, `.x.ipynb.${process.ppid}.0a0a0a0a.tmp`); // a writer still running
    const other = path.join(dir, `.y.ipynb.${dead}.0badc0de.tmp`); // another file's: not ours to judge now
    for (const temp of [stale, live, other]) fs.writeFileSync(temp, "");
    writeFileAtomic(file, "new");
    assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(live), path.basename(other), "x.ipynb"].sort());
  });

  it("writes through a symbolic link to its target, which keeps its permission bits", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "real"));
    fs.mkdirSync(path.join(dir, "docs"));
    const real = path.join(dir, "real", "nb.ipynb");
    const link = path.join(dir, "docs", "nb.ipynb");
    for (const mode of [0o600, 0o664]) {
      fs.writeFileSync(real, "old");
      fs.chmodSync(real, mode);
      fs.rmSync(link, { force: true });
      fs.symlinkSync("../real/nb.ipynb", link);
      writeFileAtomic(link, "new");
      assert.ok(fs.lstatSync(link).isSymbolicLink(), "the link stays a link");
      assert.equal(fs.readFileSync(real, "utf8"), "new", "the target has the new text");
      assert.equal(fs.statSync(real).mode & 0o777, mode, `mode ${mode.toString(8)} kept`);
      writeFileAtomic(real, "direct");
      assert.equal(fs.statSync(real).mode & 0o777, mode, `mode ${mode.toString(8)} kept on a plain file`);
      assert.deepEqual(fs.readdirSync(path.join(dir, "docs")), ["nb.ipynb"], "no temp file next to the link");
    }
    const loop = path.join(dir, "loop.ipynb");
    fs.symlinkSync("loop.ipynb", loop);
    assert.throws(() => writeFileAtomic(loop, "x"), { message: notebookMessages.linkLoop(loop) });
  });
});

describe("findJsonSyntaxError", () => {
  it("finds the offset and names the problem", () => {
    assert.equal(findJsonSyntaxError('{"a": [1, 2], "b": {"c": "\\u00e9"}}'), undefined);
    assert.deepEqual(findJsonSyntaxError('{"a": [1,, 2]}'), { offset: 9, reason: 'expected a value, found ","' });
    assert.deepEqual(findJsonSyntaxError('{"a": 1 "b": 2}'), {
      offset: 8,
      reason: 'expected "," or "}" after a property value, found """',
    });
    assert.deepEqual(findJsonSyntaxError('{"a": "open'), { offset: 6, reason: "unterminated string" });
    assert.deepEqual(findJsonSyntaxError("{'a': 1}"), {
      offset: 1,
      reason: `expected a property name in double quotes, found "'"`,
    });
    assert.deepEqual(findJsonSyntaxError('{"a": 1} x'), {
      offset: 9,
      reason: 'unexpected "x" after the end of the JSON value',
    });
    assert.deepEqual(findJsonSyntaxError('{"a": tru}'), { offset: 6, reason: 'expected a value, found "t"' });
  });
});
