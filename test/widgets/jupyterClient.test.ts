/**
 * Debian's jupyter_client plays the widget front end against a live kernel (test/widgets/jupyter_frontend.py):
 * schema-checked comm_open states, updates both ways with echo_update, callbacks' output, buttons,
 * Output capture, request_state(s), raw comms with binary buffers, comm_info with target_name.
 * Skips (saying why) where /usr/bin/python3 lacks jupyter_client or jsonschema.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../protocol/kernelHarness";

const PYTHON = "/usr/bin/python3";

function missing(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is not installed (apt-get install jupyter-client python3-jsonschema)`;
  const probe = spawnSync(PYTHON, ["-c", "import jupyter_client, jsonschema"], { encoding: "utf8" });
  if (probe.status !== 0)
    return `jupyter_client/jsonschema not importable by ${PYTHON}: ${probe.stderr.trim().split("\n").at(-1)}`;
  if (!fs.existsSync(path.join(REPO_ROOT, "node_modules", "@jupyter-widgets", "schema")))
    return "npm install first (@jupyter-widgets/schema)";
  return undefined;
}

describe("widgets through Debian's jupyter_client", { timeout: 300_000 }, () => {
  it("speaks the widget protocol 2.1 with a real Jupyter client", async (t) => {
    const why = missing();
    if (why) return t.skip(why);
    const script = path.join(REPO_ROOT, "test", "widgets", "jupyter_frontend.py");
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(PYTHON, [script, process.execPath, REPO_ROOT], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d));
        child.stderr.on("data", (d: Buffer) => (err += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), 280_000);
        child.on("exit", (exitCode) => {
          clearTimeout(timer);
          resolve({ code: exitCode, stdout: out, stderr: err });
        });
      },
    );
    assert.equal(code, 0, `the front end's checks failed:\n${stderr.split("\n").slice(-60).join("\n")}`);
    const passed = new Set(
      stdout
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { passed: string }).passed),
    );
    for (const name of [
      "FloatSliderModel state validates against @jupyter-widgets/schema",
      "OutputModel state validates against @jupyter-widgets/schema",
      "LayoutModel state validates against @jupyter-widgets/schema",
      "the schema check rejects a broken state",
      "all states form a valid widget-state document (v2/state.schema.json)",
      "the kernel echoes the front end's update (echo_update, protocol 2.1)",
      "the observer's output goes to the comm message's request",
      "a value set by the callback is sent as an update",
      "widgets stay alive after a callback threw",
      "binary buffers travel both ways",
      "comm_info_request filters by target_name",
      "comm_open to an unknown target is answered with comm_close",
      "moving an interact control re-runs fn and updates the Output widget's figure",
      "interact's output update is a child of the front end's comm message",
      "interact's static fallback is a Plotly figure with one frame per value",
      "an observe callback's output after an await goes to the comm message's request",
      "an onClick callback's output after an await goes to the click's request (the capturing Output widget)",
      "an interact run's print after an await goes into its Output widget, as a child of the control's comm message",
      "an interrupted busy loop after an await leaves the kernel (and its widgets) alive",
      "an async callback's request goes idle only after its output (front ends drop output after idle)",
    ]) {
      assert.ok(passed.has(name), `missing check: ${name}`);
    }
    // Every model we build was checked against the schema
    for (const model of [
      "FloatSlider",
      "FloatLogSlider",
      "IntSlider",
      "Dropdown",
      "Checkbox",
      "ToggleButtons",
      "Button",
      "Play",
      "Label",
      "HTML",
      "Output",
      "HBox",
      "VBox",
      "Link",
      "SliderStyle",
      "ButtonStyle",
      "DescriptionStyle",
    ]) {
      assert.ok(
        passed.has(`${model}Model state validates against @jupyter-widgets/schema`),
        `${model} not schema-checked`,
      );
    }
  });
});
