import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { codePointToUtf16, utf16ToCodePoint } from "../../kernel/cursor";
import { CellHistory, globMatch } from "../../kernel/history";
import { connectionFileMessage, parseConnectionInfo } from "../../kernel/connection";
import { isComplete } from "../../kernel/completeness";
import { compileError, INTERRUPT_ERROR_NAME, runtimeError } from "../../kernel/engine";

describe("cursor positions", () => {
  it("converts between code points and UTF-16 indices around astral characters", () => {
    const text = "a🙂b";
    assert.equal(codePointToUtf16(text, 2), 3);
    assert.equal(codePointToUtf16(text, 3), 4);
    assert.equal(codePointToUtf16(text, 99), 4);
    assert.equal(utf16ToCodePoint(text, 3), 2);
    assert.equal(utf16ToCodePoint(text, 4), 3);
    assert.equal(utf16ToCodePoint("plain", 3), 3);
  });
});

describe("history", () => {
  it("gives [input, output] pairs when asked for output (the flag was ignored before)", () => {
    const withResults = new CellHistory();
    withResults.add(1, "let n = 2");
    withResults.add(2, "n * 21");
    withResults.setOutput(2, "42");
    const entries = withResults.query({ hist_access_type: "tail" });
    assert.deepEqual(withResults.toJson(entries, true), [
      [1, 1, ["let n = 2", null]],
      [1, 2, ["n * 21", "42"]],
    ]);
    assert.deepEqual(withResults.toJson(entries), [
      [1, 1, "let n = 2"],
      [1, 2, "n * 21"],
    ]);
  });

  const history = new CellHistory();
  history.add(1, "const a = 1;");
  history.add(2, "a + 1");
  history.add(3, "const a = 1;");

  it("answers tail, range and search (glob, unique)", () => {
    assert.deepEqual(history.query({ hist_access_type: "tail", n: 2 }), [
      [1, 2, "a + 1"],
      [1, 3, "const a = 1;"],
    ]);
    assert.deepEqual(history.query({ hist_access_type: "range", start: 2, stop: 3 }), [[1, 2, "a + 1"]]);
    assert.deepEqual(history.query({ hist_access_type: "search", pattern: "const*" }).length, 2);
    assert.deepEqual(history.query({ hist_access_type: "search", pattern: "const*", unique: true }), [
      [1, 3, "const a = 1;"],
    ]);
    assert.deepEqual(history.query({ hist_access_type: "none" }), []);
  });
});

describe("history search globs", () => {
  it("match whole strings with * and ?", () => {
    assert.equal(globMatch("const*", "const a = 1;"), true);
    assert.equal(globMatch("*a + ?", "a + 1"), true);
    assert.equal(globMatch("a?", "a"), false);
    assert.equal(globMatch("*", ""), true);
    assert.equal(globMatch("*b", "aab"), true);
    assert.equal(globMatch("a*b*c", "a-b-b-c"), true);
    assert.equal(globMatch("a*b*c", "a-b-b-"), false);
  });

  it("answer a pattern that makes a backtracking regex explode in linear time", () => {
    const history = new CellHistory();
    history.add(1, "a".repeat(20_000));
    const started = performance.now();
    assert.deepEqual(history.query({ hist_access_type: "search", pattern: "*a*a*a*a*a*b" }), []);
    // The old RegExp took > 20 s here; a few hundred ms leaves room for a loaded machine.
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  });
});

describe("connection files", () => {
  const ports = { shell_port: 1, iopub_port: 2, stdin_port: 3, control_port: 4, hb_port: 5 };

  it("fills jupyter_client's defaults", () => {
    assert.deepEqual(parseConnectionInfo(JSON.stringify(ports)), {
      transport: "tcp",
      ip: "127.0.0.1",
      ...ports,
      key: "",
      signature_scheme: "hmac-sha256",
    });
  });

  it("refuses a key that is not a string (it would silently turn signing off)", () => {
    assert.throws(
      () => parseConnectionInfo(JSON.stringify({ ...ports, key: 1234 }), "k.json"),
      /"key" must be a string/,
    );
  });

  it("refuses an unknown signature scheme (the kernel would drop every message)", () => {
    assert.throws(
      () => parseConnectionInfo(JSON.stringify({ ...ports, key: "k", signature_scheme: "hmac-nope" }), "k.json"),
      /unknown "signature_scheme" "hmac-nope"/,
    );
    assert.throws(
      () => parseConnectionInfo(JSON.stringify({ ...ports, key: "k", signature_scheme: "rsa" }), "k.json"),
      /unknown "signature_scheme"/,
    );
    assert.equal(
      parseConnectionInfo(JSON.stringify({ ...ports, key: "k", signature_scheme: "hmac-sha512" })).signature_scheme,
      "hmac-sha512",
    );
  });

  it("names the bad field", () => {
    assert.throws(() => parseConnectionInfo(JSON.stringify({ ...ports, hb_port: "x" }), "k.json"), {
      message: connectionFileMessage("k.json", '"hb_port" must be a port number, got "x"'),
    });
  });
});

describe("is_complete", () => {
  it("asks for more lines inside open blocks and strings", () => {
    assert.equal(isComplete("for (let i = 0; i < 3; i++) {").status, "incomplete");
    assert.deepEqual(isComplete("const x = [1,"), { status: "incomplete", indent: "  " });
    assert.deepEqual(isComplete("const x = [1, 2];"), { status: "complete" });
    assert.equal(isComplete("const s = `open ${1}").status, "incomplete");
    assert.equal(isComplete("const = ;\nlet y = 1").status, "invalid");
  });
});

describe("cell errors", () => {
  it("turns diagnostics, thrown values and interrupts into ename/evalue/traceback", () => {
    assert.deepEqual(compileError(["1:1 - bad"]), {
      ename: "CompileError",
      evalue: "1:1 - bad",
      traceback: ["CompileError: 1 TypeScript error(s)", "1:1 - bad"],
    });
    assert.deepEqual(runtimeError("plain string", false), {
      ename: "Uncaught",
      evalue: "'plain string'",
      traceback: ["Uncaught 'plain string'"],
    });
    assert.equal(runtimeError(new TypeError("t"), false).ename, "TypeError");
    assert.equal(runtimeError(new Error("x"), true).ename, INTERRUPT_ERROR_NAME);
  });
});
