/**
 * The offline fallback on the site: an `interact` output as `npm start` renders it. The site cannot run
 * widgets, so it must draw the precomputed Plotly slider (one frame per `static` value), not the
 * widget view or the text fallback.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { widgets, plot } from "../../src";
import { JUPYTER_DISPLAY } from "../../src/display/protocol";
import { renderOutputs } from "../../publish/outputs";
import type { JsonObject } from "../../protocol/wire";

describe("interact on the static site", () => {
  it("renders the precomputed Plotly slider, not the widget", async () => {
    const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 0.9, step: 0.1, description: "β" });
    const ui = widgets.interact(
      ({ beta: b }) =>
        plot.line({ "β^k": { x: [0, 1, 2], y: [1, b, b * b] } }, { title: `β = ${b}`, xLabel: "k", yLabel: "β^k" }),
      { beta },
      { static: { beta: [0, 0.5, 0.9] } },
    );
    const bundle = (await ui[JUPYTER_DISPLAY]()) as JsonObject;
    const assets: string[] = [];
    const rendered = renderOutputs([{ output_type: "display_data", data: bundle, metadata: {} }], {
      prefix: "12-test",
      writeAsset: (name) => {
        assets.push(name);
        return `assets/${name}`;
      },
    });
    assert.equal(rendered.figures, 1, "the site draws one Plotly figure");
    assert.doesNotMatch(rendered.html, /install ipywidgets/, "the text fallback is not what the site shows");
    // the figure's JSON carries one frame per static value, and the slider steps through them
    const json = /<script type="application\/json" class="plotly-data"[^>]*>(.*?)<\/script>/s.exec(rendered.html);
    assert.ok(json, `no figure data in ${rendered.html.slice(0, 300)}`);
    const figure = JSON.parse(json[1]) as {
      frames: Array<{ name: string }>;
      layout: { sliders: Array<{ steps: unknown[] }> };
    };
    assert.deepEqual(
      figure.frames.map((f) => f.name),
      ["0: 0", "1: 0.5", "2: 0.9"],
    );
    assert.equal(figure.layout.sliders[0].steps.length, 3);
    assert.equal(assets.length, 0);
  });
});
