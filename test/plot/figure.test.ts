import assert from "node:assert/strict";
import { test } from "node:test";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import * as plot from "../../src/plot";
import { PLOTLY_READY_EVENT, plotlySource } from "../../src/plot/plotlySource";

const simple = (title: string): plot.Figure =>
  new plot.Figure({
    data: [{ type: "scatter", name: "a", x: [1, 2, 3], y: [3, 1, 2] }],
    layout: { title: { text: title }, xaxis: { title: { text: "x (s)" } }, yaxis: { title: { text: "y (m)" } } },
  });

test("the display bundle carries Plotly JSON, HTML and a text summary of the same figure", () => {
  plot.reembedPlotly();
  const figure = simple("Demo");
  const bundle = figure[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  assert.deepEqual(bundle[plot.PLOTLY_MIME_TYPE], figure.toJSON());
  assert.equal(
    bundle["text/plain"],
    'Figure: Demo\n  axes: x = x (s), y = y (m)\n  1 trace:\n    - scatter "a": 3 points',
  );
  assert.match(bundle["text/html"] as string, /window\.Plotly\.newPlot\(el, figure\)/);
});

test("plotly.js is inlined into the first displayed figure only, until reembedPlotly()", () => {
  plot.reembedPlotly();
  const first = simple("one")[JUPYTER_DISPLAY]() as { [mime: string]: string };
  const second = simple("two")[JUPYTER_DISPLAY]() as { [mime: string]: string };
  const source = plotlySource();
  assert.ok(first["text/html"].length > source.length, "the first figure carries the bundle");
  assert.ok(first["text/html"].includes('if (typeof window.Plotly === "undefined")'));
  assert.ok(
    first["text/html"].includes("(function (define, module, exports) {"),
    "the bundle is shielded from RequireJS",
  );
  assert.ok(first["text/html"].includes(PLOTLY_READY_EVENT));
  assert.ok(second["text/html"].length < 5000, "later figures reuse window.Plotly");
  assert.ok(!second["text/html"].includes("define, module, exports"));
  // Formatting as text must not use up the embedding.
  plot.reembedPlotly();
  void simple("three").toString();
  const afterText = simple("four")[JUPYTER_DISPLAY]() as { [mime: string]: string };
  assert.ok(afterText["text/html"].length > source.length);
});

test("user text in a title is escaped in the HTML fallback and in the standalone page", () => {
  plot.reembedPlotly();
  plot.reembedPlotly();
  const evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
  const figure = simple(evil);
  figure[JUPYTER_DISPLAY](); // use up the embedding so the HTML is short
  const html = (figure[JUPYTER_DISPLAY]() as { [mime: string]: string })["text/html"];
  assert.ok(!html.includes("<script>alert"), "no raw script from the title");
  assert.ok(!html.includes("<img src=x"), "no raw tag from the title");
  assert.ok(
    html.includes(
      'aria-label="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"',
    ),
  );
  assert.ok(html.includes("\\u003cscript\\u003ealert"), "the JSON payload escapes < and >");
  const page = figure.toHTML({ plotly: { src: "assets/plotly.min.js" } });
  assert.ok(page.includes("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.equal((page.match(/<script/g) ?? []).length, 2, "only the loader and the drawing script");
});

test("JSON payloads survive the script escaping unchanged", () => {
  const value = { text: "</script><!-- \u2028 & >", n: [1, 2.5] };
  assert.deepEqual(JSON.parse(plot.jsonForScript(value)), value);
  assert.ok(!plot.jsonForScript(value).includes("</"));
});

test("toHTML() is a standalone offline document with plotly.js inlined", () => {
  const page = simple("Standalone").toHTML();
  assert.match(page, /^<!DOCTYPE html>/);
  assert.ok(
    page.includes(
      plotlySource()
        .slice(0, 200)
        .replace(/<\/(script)/gi, "<\\/$1"),
    ),
  );
  assert.ok(!/<(script|link|img)[^>]*(src|href)="https?:/.test(page), "no network reference");
});

test("a Figure is a value: later edits to the inputs do not change it, and JSON round-trips", () => {
  const data = [{ type: "scatter", x: [1], y: [2] }];
  const figure = new plot.Figure({ data, layout: { title: { text: "t" } } });
  data[0].x.push(5);
  assert.deepEqual(figure.data[0].x, [1]);
  assert.deepEqual(JSON.parse(JSON.stringify(figure)), {
    data: [{ type: "scatter", x: [1], y: [2] }],
    layout: { title: { text: "t" } },
  });
});
