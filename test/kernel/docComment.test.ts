/**
 * Doc comments read from declaration text (kernel/engine/docComment.ts): the checker parses without
 * JSDoc, so Shift-Tab's documentation comes from here.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import ts from "typescript";
import { docCommentAt, renderDocComment } from "../../kernel/engine/docComment";

const SOURCE = `
/** Not this one. */
declare const other: number;
/**
 * The learning rate.
 * Used by every optimizer.
 * @param x what it takes,
 *   over two lines
 * @returns nothing
 */
export declare function rate(x: number): void;
/** A constant. */
export declare const a: number, b: string;
export declare class Model {
  /** Runs one step. */
  step(): void;
}
declare let plain: number;
`;

const file = ts.createSourceFile("x.d.ts", SOURCE, ts.ScriptTarget.ES2022, true);
const at = (name: string): number => SOURCE.indexOf(name);

describe("doc comments from text", () => {
  it("renders the description, then one paragraph per tag", () => {
    assert.equal(
      docCommentAt(file, at("rate(")),
      "The learning rate.\nUsed by every optimizer.\n\n@param x what it takes, over two lines\n\n@returns nothing",
    );
  });

  it("finds the comment of a variable, a method, and none where there is none", () => {
    assert.equal(docCommentAt(file, at("a: number")), "A constant.");
    assert.equal(docCommentAt(file, at("step()")), "Runs one step.");
    assert.equal(docCommentAt(file, at("plain")), "");
    assert.equal(docCommentAt(file, at("other")), "Not this one.");
  });

  it("keeps a one-line comment whole", () => {
    assert.equal(renderDocComment("/** Just text. */"), "Just text.");
  });
});
