import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseNotebook, joinSource } from "../../runner/notebook";
import {
  injectParameters,
  parameterMessages,
  parameterSource,
  parseDeclarations,
  parseParamArgument,
  pythonLiteral,
  readParamsFile,
  unsafeNumberMessage,
} from "../../runner/parameters";
import { tempDir } from "./helpers";

describe("--param", () => {
  it("parses values as JSON when possible, else keeps the string", () => {
    assert.deepEqual(parseParamArgument("lr=0.5"), ["lr", 0.5]);
    assert.deepEqual(parseParamArgument("on=true"), ["on", true]);
    assert.deepEqual(parseParamArgument("steps=[1,2]"), ["steps", [1, 2]]);
    assert.deepEqual(parseParamArgument("name=adam"), ["name", "adam"]);
    assert.deepEqual(parseParamArgument("eq=a=b"), ["eq", "a=b"]);
    assert.deepEqual(parseParamArgument('quoted="7"'), ["quoted", "7"]);
  });

  it("rejects a missing '=' and a name that is not an identifier", () => {
    assert.throws(() => parseParamArgument("lr"), { message: parameterMessages.badParam("lr") });
    assert.throws(() => parseParamArgument("1x=2"), { message: parameterMessages.badName("1x") });
  });
});

describe("numbers that would change on the way to the notebook", () => {
  it("refuses integers beyond ±MAX_SAFE_INTEGER and numbers that are not finite, keeps the rest", () => {
    for (const [text, name, shown] of [
      ["seed=12345678901234567890", "seed", "12345678901234567890"],
      ["seed=-9007199254740993", "seed", "-9007199254740993"],
      ["lr=1e999", "lr", "1e999"],
      ["lr=-1e999", "lr", "-1e999"],
      ["steps=[1, 1e999]", "steps", "Infinity"],
      ['cfg={"seed": 12345678901234567890}', "cfg", "12345678901234567000"],
    ]) {
      assert.throws(() => parseParamArgument(text), { message: unsafeNumberMessage(name, shown) }, text);
    }
    assert.deepEqual(parseParamArgument("seed=9007199254740991"), ["seed", 9007199254740991]);
    assert.deepEqual(parseParamArgument("lr=1e-300"), ["lr", 1e-300]);
    assert.deepEqual(parseParamArgument('seed="12345678901234567890"'), ["seed", "12345678901234567890"]);
    const dir = tempDir();
    const file = path.join(dir, "p.yaml");
    fs.writeFileSync(file, "lr: 1e999\n");
    assert.throws(() => readParamsFile(file), { message: unsafeNumberMessage("lr", "Infinity") });
    const notebook = parseNotebook(
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }),
      "api.ipynb",
    );
    assert.throws(() => injectParameters(notebook, { lr: Infinity }, "python"), {
      message: unsafeNumberMessage("lr", "Infinity"),
    });
  });
});

describe("--params-file", () => {
  it("reads YAML and JSON mappings", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "p.yaml"), "lr: 0.01\nname: adam\nbetas: [0.9, 0.999]\nnested:\n  on: true\n");
    fs.writeFileSync(path.join(dir, "p.json"), '{"lr": 1e-3}');
    assert.deepEqual(readParamsFile(path.join(dir, "p.yaml")), {
      lr: 0.01,
      name: "adam",
      betas: [0.9, 0.999],
      nested: { on: true },
    });
    assert.deepEqual(readParamsFile(path.join(dir, "p.json")), { lr: 0.001 });
  });

  it("rejects a file that is not a mapping", () => {
    const dir = tempDir();
    const file = path.join(dir, "list.yaml");
    fs.writeFileSync(file, "- 1\n- 2\n");
    assert.throws(() => readParamsFile(file), { message: parameterMessages.fileNotMapping(file) });
  });
});

describe("parameter source", () => {
  it("re-declares TypeScript parameters with the parameters cell's keyword and type", () => {
    const defaults = 'let lr = 0.1;\nconst optimizer: "sgd" | "adam" = "sgd";\nexport let steps: number[] = [1];';
    assert.deepEqual([...parseDeclarations(defaults).keys()], ["lr", "optimizer", "steps"]);
    const source = parameterSource({ lr: 0.5, optimizer: "adam", steps: [1, 2], extra: null }, "typescript", defaults);
    assert.equal(
      source,
      [
        "// Parameters injected by optimlab",
        "let lr = 0.5;",
        'const optimizer: "sgd" | "adam" = "adam";',
        "let steps: number[] = [1,2];",
        "const extra = null;",
      ].join("\n"),
    );
  });

  it("writes Python literals for a Python kernel", () => {
    assert.equal(pythonLiteral({ a: [true, false, null, 1.5, "x"] }), '{"a": [True, False, None, 1.5, "x"]}');
    assert.equal(parameterSource({ lr: 0.5 }, "python"), "# Parameters injected by optimlab\nlr = 0.5");
  });

  it("refuses a value whose type differs from an unannotated default, naming the parameter", () => {
    const defaults =
      'let lr = 0.1;\nlet name = "sgd";\nlet verbose = false;\nlet anything: unknown = 1;\nlet list = [1];';
    assert.throws(() => parameterSource({ lr: "abc" }, "typescript", defaults), {
      message: parameterMessages.typeMismatch("lr", "number", "0.1", "abc"),
    });
    assert.match(
      parameterMessages.typeMismatch("lr", "number", "0.1", "abc"),
      /"lr".*a number \(0\.1\).*the string "abc"/,
    );
    assert.throws(() => parameterSource({ verbose: 1 }, "javascript", defaults), { message: /"verbose".*a boolean/ });
    assert.throws(() => parameterSource({ name: 3 }, "typescript", defaults), { message: /"name".*a string/ });
    // Same type, an annotated declaration (the compiler judges it) and non-literal defaults pass.
    assert.match(
      parameterSource({ lr: 2, name: "adam", anything: "x", list: "y" }, "typescript", defaults),
      /let lr = 2;/,
    );
    // Python: `lr = 0.1` in the parameters cell.
    assert.throws(() => parameterSource({ lr: "abc" }, "python", "lr = 0.1\nname = 'sgd'"), {
      message: parameterMessages.typeMismatch("lr", "number", "0.1", "abc"),
    });
    assert.equal(
      parameterSource({ name: "adam" }, "python", "lr = 0.1\nname = 'sgd'"),
      '# Parameters injected by optimlab\nname = "adam"',
    );
  });

  it("refuses languages it cannot write literals for", () => {
    assert.throws(() => parameterSource({ a: 1 }, "julia"), {
      message: parameterMessages.unsupportedLanguage("julia"),
    });
  });
});

describe("injectParameters", () => {
  const notebook = () =>
    parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          { cell_type: "markdown", source: "# t", id: "m" },
          { cell_type: "code", source: "let lr = 0.1;", id: "p", metadata: { tags: ["parameters"] } },
          { cell_type: "code", source: "old", id: "i", metadata: { tags: ["injected-parameters"] } },
          { cell_type: "code", source: "console.log(lr);", id: "u" },
        ],
      }),
      "n.ipynb",
    );

  it("puts the cell right after the parameters cell, replacing an earlier injection", () => {
    const nb = notebook();
    const cell = injectParameters(nb, { lr: 0.5 }, "typescript");
    assert.deepEqual(
      nb.cells.map((c) => c.id),
      ["m", "p", cell.id, "u"],
    );
    assert.equal(joinSource(cell.source), "// Parameters injected by optimlab\nlet lr = 0.5;");
    assert.deepEqual(cell.metadata.tags, ["injected-parameters"]);
    assert.deepEqual(nb.metadata.optimlab, { parameters: { lr: 0.5 } });
  });

  it("goes first when no cell is tagged parameters", () => {
    const nb = notebook();
    nb.cells[1].metadata = {};
    const cell = injectParameters(nb, { lr: 0.5 }, "typescript");
    assert.equal(nb.cells[0], cell);
    assert.equal(joinSource(cell.source), "// Parameters injected by optimlab\nconst lr = 0.5;");
  });
});
