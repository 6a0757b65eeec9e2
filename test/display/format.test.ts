import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { deflateSync } from "node:zlib";
import { badBundleMessage, format, FORMATTERS, html, JUPYTER_DISPLAY, md, plainText } from "../../src/display";
import { encodePng } from "../../kernel/logo";

describe("format", () => {
  it("uses the object's own display method first and adds text/plain", async () => {
    const chart = {
      [JUPYTER_DISPLAY]: () => ({ "text/html": "<svg/>", "application/vnd.plotly.v1+json": { data: [] } }),
    };
    const bundle = await format(chart);
    assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    assert.equal(
      bundle["text/plain"],
      inspect(chart, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 }),
    );
  });

  it("awaits an async display method and keeps its own text/plain", async () => {
    const slow = {
      async [JUPYTER_DISPLAY]() {
        return { "text/plain": "slow", "text/markdown": "**slow**" };
      },
    };
    assert.deepEqual(await format(slow), { "text/plain": "slow", "text/markdown": "**slow**" });
  });

  it("rejects a display method that returns no bundle, with a message saying what is expected", async () => {
    const broken = { [JUPYTER_DISPLAY]: () => "oops" as unknown as Record<string, unknown> };
    await assert.rejects(format(broken), { message: badBundleMessage("oops") });
  });

  it("falls back to util.inspect text", async () => {
    assert.deepEqual(await format({ a: [1, 2] }), { "text/plain": "{ a: [ 1, 2 ] }" });
    assert.deepEqual(await format("text"), { "text/plain": "'text'" });
    assert.equal(plainText(42), "42");
  });

  it("shows html() and md() as HTML and Markdown", async () => {
    assert.deepEqual(await format(html("<b>x</b>")), { "text/html": "<b>x</b>", "text/plain": "<b>x</b>" });
    assert.deepEqual(await format(md("# T")), { "text/markdown": "# T", "text/plain": "# T" });
  });

  it("renders danfojs-like frames and series as HTML tables with their own text", async () => {
    const frame = {
      $isSeries: false,
      columns: ["lr", "loss"],
      index: [0, 1],
      values: [
        [0.1, 2.5],
        [0.01, "<1>"],
      ],
      toString: () => "frame text",
    };
    const bundle = await format(frame);
    assert.equal(bundle["text/plain"], "frame text");
    const table = String(bundle["text/html"]);
    assert.match(table, /<thead><tr><th><\/th><th>lr<\/th><th>loss<\/th><\/tr><\/thead>/);
    assert.match(table, /<tr><th>1<\/th><td>0.01<\/td><td>&lt;1&gt;<\/td><\/tr>/);
    assert.match(table, /2 rows × 2 columns/);
    const series = {
      $isSeries: true,
      columns: ["loss"],
      index: ["a", "b", "c"],
      values: [3, 2, 1],
      toString: () => "series text",
    };
    const seriesTable = String((await format(series))["text/html"]);
    assert.match(seriesTable, /<th>loss<\/th>/);
    assert.match(seriesTable, /<tr><th>c<\/th><td>1<\/td><\/tr>/);
  });

  it("elides the middle of long tables", async () => {
    const values = Array.from({ length: 100 }, (_, i) => [i]);
    const frame = { $isSeries: false, columns: ["i"], index: values.map((_, i) => i), values, toString: () => "" };
    const table = String((await format(frame))["text/html"]);
    assert.equal((table.match(/<tr><th>\d+<\/th>/g) ?? []).length, 60);
    assert.match(table, /<tr><th>…<\/th><td>…<\/td><\/tr>/);
    assert.match(table, /100 rows × 1 columns/);
  });

  it("recognises PNG, JPEG and SVG bytes and strings", async () => {
    const png = encodePng(3, 2, new Uint8Array(3 * 2 * 4));
    const pngBundle = await format(png);
    assert.equal(pngBundle["image/png"], png.toString("base64"));
    assert.equal(pngBundle["text/plain"], "<PNG image 3×2>");
    assert.equal((await format(new Uint8Array(png)))["image/png"], png.toString("base64"));
    assert.equal(
      (await format(`data:image/png;base64,${png.toString("base64")}`))["image/png"],
      png.toString("base64"),
    );
    assert.equal((await format(png.toString("base64")))["image/png"], png.toString("base64"));

    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    assert.equal((await format(jpeg))["image/jpeg"], jpeg.toString("base64"));

    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>';
    assert.equal((await format(svg))["image/svg+xml"], svg);
    assert.equal((await format(Buffer.from(svg)))["image/svg+xml"], svg);
  });

  it("leaves other bytes and strings as text", async () => {
    const bytes = deflateSync(Buffer.from("not an image"));
    assert.deepEqual(Object.keys(await format(bytes)), ["text/plain"]);
    assert.deepEqual(Object.keys(await format("<div>not svg</div>")), ["text/plain"]);
  });

  it("tries the duck-typed formatters in a fixed, documented order", () => {
    assert.deepEqual(
      FORMATTERS.map((f) => f.name),
      ["danfojs DataFrame/Series", "image bytes", "image string"],
    );
  });
});
