"""Plays a widget front end against a live optimlab kernel, through Debian's jupyter_client.

Usage: python3 jupyter_frontend.py NODE REPO_ROOT

What a widget manager (JupyterLab, Notebook 7, VS Code) does, checked message by message:
receives the comm_open of every model and validates its state against the model specification shipped
in npm's @jupyter-widgets/schema (turned into JSON Schemas here) and the whole set against its widget
state JSON Schema; sends `update`s, a button click, `request_state`, `request_states`; opens comms
itself (with binary buffers, to a registered target and to an unknown one); and checks the kernel's
echo_update, the callbacks' output and the updates they cause. Exits non-zero at the first failure and
prints one JSON line per check that passed (the Node test asserts the list).
"""
import json
import os
import sys
import tempfile
import time
import uuid

import jsonschema
from jupyter_client import KernelManager

NODE, REPO = sys.argv[1], sys.argv[2]
SCHEMA_DIR = os.path.join(REPO, "node_modules", "@jupyter-widgets", "schema")
TIMEOUT = 120
passed = []


def check(name, condition, detail=""):
    if not condition:
        raise AssertionError(f"{name}: {detail}")
    passed.append(name)


# ------------------------------------------------------------------------------------------------
# JSON Schemas from the model specification

def attribute_schema(attribute):
    kind = attribute["type"]
    if kind == "reference":
        schema = {"type": "string", "pattern": "^IPY_MODEL_"}
    elif kind == "array":
        items = attribute.get("items")
        schema = {"type": "array"}
        if items and items.get("type") == "reference":
            schema["items"] = {"type": "string", "pattern": "^IPY_MODEL_"}
        elif items and items.get("type") in ("string", "object"):
            schema["items"] = {"type": items["type"]}
        elif items and items.get("type") == "int":
            schema["items"] = {"type": "integer"}
    else:
        names = {"string": "string", "bool": "boolean", "int": "integer", "float": "number", "object": "object"}
        kinds = kind if isinstance(kind, list) else [kind]
        types = [names[k] for k in kinds if k in names]
        # bytes, Date, Datetime, Time: not used by our models; accept any JSON there
        schema = {"type": types[0] if len(types) == 1 and len(kinds) == 1 else (types if len(types) == len(kinds) else ["string", "number", "object", "array", "boolean", "null"])}
    if "enum" in attribute:
        schema["enum"] = list(attribute["enum"]) + ([None] if attribute.get("allow_none") else [])
    if attribute.get("allow_none"):
        schema["type"] = [schema["type"], "null"] if isinstance(schema["type"], str) else schema["type"] + ["null"]
    if attribute["name"] in ("_model_module", "_model_module_version", "_model_name", "_view_module", "_view_module_version", "_view_name"):
        schema = {"const": attribute["default"]}
    return schema


def model_schemas():
    with open(os.path.join(SCHEMA_DIR, "jupyterwidgetmodels.latest.json")) as f:
        spec = json.load(f)
    schemas = {}
    for model in spec:
        properties = {a["name"]: attribute_schema(a) for a in model["attributes"]}
        schemas[(model["model"]["module"], model["model"]["name"])] = {
            "type": "object",
            "properties": properties,
            "required": sorted(properties),
            "additionalProperties": False,
        }
    return schemas


# ------------------------------------------------------------------------------------------------
# A kernel and a client

def start_kernel(root):
    spec_dir = os.path.join(root, "data", "kernels", "optimlab")
    os.makedirs(spec_dir)
    with open(os.path.join(spec_dir, "kernel.json"), "w") as f:
        json.dump({"argv": [NODE, os.path.join(REPO, "bin", "optimlab.js"), "kernel", "start", "--connection-file", "{connection_file}"],
                   "display_name": "optimlab (test)", "language": "typescript",
                   # as the installed kernelspec says: interrupts go as interrupt_request on control
                   "interrupt_mode": "message"}, f)
    os.environ.update(JUPYTER_PATH=os.path.join(root, "data"), JUPYTER_DATA_DIR=os.path.join(root, "data"),
                      JUPYTER_RUNTIME_DIR=os.path.join(root, "runtime"), JUPYTER_CONFIG_DIR=os.path.join(root, "config"))
    km = KernelManager(kernel_name="optimlab")
    km.start_kernel(cwd=REPO)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def until_idle(kc, msg_id):
    """IOPub messages that are children of msg_id, up to its idle status."""
    messages = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages


def execute(kc, code):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    iopub = until_idle(kc, msg_id)
    if reply["content"]["status"] != "ok":
        raise AssertionError(f"cell failed: {reply['content']}\n{code}")
    return iopub


def send(kc, msg_type, content, buffers=None):
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers or [])
    return msg["header"]["msg_id"]


def comm_send(kc, comm_id, data, buffers=None):
    msg_id = send(kc, "comm_msg", {"comm_id": comm_id, "data": data}, buffers)
    return until_idle(kc, msg_id)


def of_type(messages, msg_type):
    return [m for m in messages if m["msg_type"] == msg_type]


def stdout(messages, name="stdout"):
    return "".join(m["content"]["text"] for m in of_type(messages, "stream") if m["content"]["name"] == name)


def comm_msgs(messages, comm_id, method=None):
    return [m for m in of_type(messages, "comm_msg") if m["content"]["comm_id"] == comm_id and (method is None or m["content"]["data"].get("method") == method)]


CELL = r"""
import { widgets } from "optimlab";
const alpha = new widgets.FloatSlider({ value: 0.1, min: 0, max: 1, step: 0.01, description: "α", continuousUpdate: false, readoutFormat: ".2f" });
const status = new widgets.Label({ value: "α = 0.10" });
alpha.observe(({ new: v }) => { console.log(`alpha -> ${v}`); status.value = `α = ${(v as number).toFixed(2)}`; });
const steps = new widgets.IntSlider({ value: 3, max: 10, description: "steps" });
steps.observe(() => { throw new Error("observer failed on purpose"); });
const go = new widgets.Button({ description: "Go", buttonStyle: "primary" });
go.onClick(() => console.log("clicked"));
const optimizer = new widgets.Dropdown({ options: [["SGD", "sgd"], ["Adam", "adam"]], value: "adam", description: "optimizer" });
optimizer.observe(({ new: v }) => console.log(`optimizer -> ${v}`));
const out = new widgets.Output({ layout: { border: "1px solid gray" } });
const play = new widgets.Play({ max: 10 });
const link = widgets.jslink([play, "value"], [steps, "value"]);
const ui = new widgets.VBox([
  new widgets.HBox([alpha, status]), steps, play, go, optimizer,
  new widgets.Checkbox({ value: true, description: "bias correction" }),
  new widgets.ToggleButtons({ options: ["constant", "step", "cosine"], description: "schedule" }),
  new widgets.FloatLogSlider({ value: 1e-3, min: -5, max: 0, description: "η" }),
  new widgets.HTML("<b>playground</b>"), out,
]);
display(ui);
console.log(JSON.stringify({ alpha: alpha.modelId, status: status.modelId, steps: steps.modelId, go: go.modelId, optimizer: optimizer.modelId, out: out.modelId, ui: ui.modelId, link: link.modelId }));
"""


def main():
    schemas = model_schemas()
    with open(os.path.join(SCHEMA_DIR, "v2", "state.schema.json")) as f:
        state_document_schema = json.load(f)
    with tempfile.TemporaryDirectory(prefix="optimlab-widgets-") as root:
        km, kc = start_kernel(root)
        try:
            run(km, kc, schemas, state_document_schema)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
    for name in passed:
        print(json.dumps({"passed": name}))


def run(km, kc, schemas, state_document_schema):
    iopub = execute(kc, CELL)
    ids = json.loads(stdout(iopub))
    opens = of_type(iopub, "comm_open")
    check("every widget model is opened with target jupyter.widget and protocol 2.1.0",
          len(opens) >= 20 and all(m["content"]["target_name"] == "jupyter.widget" and m["metadata"].get("version") == "2.1.0" for m in opens),
          f"{len(opens)} comm_open")
    seen = set()
    document = {"version_major": 2, "version_minor": 0, "state": {}}
    for m in opens:
        state = m["content"]["data"]["state"]
        key = (state["_model_module"], state["_model_name"])
        check(f"{state['_model_name']} is a known model", key in schemas, key)
        try:
            jsonschema.validate(state, schemas[key])
        except jsonschema.ValidationError as error:
            raise AssertionError(f"{state['_model_name']} state does not match the schema: {error.message} at {list(error.path)}")
        check(f"{state['_model_name']} state validates against @jupyter-widgets/schema", True)
        for value in state.values():
            refs = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            for ref in refs:
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                    check("references point to models opened earlier", ref[len("IPY_MODEL_"):] in seen, ref)
        seen.add(m["content"]["comm_id"])
        document["state"][m["content"]["comm_id"]] = {"model_name": state["_model_name"], "model_module": state["_model_module"],
                                                     "model_module_version": state["_model_module_version"], "state": state}
    # Negative controls: the same checks reject a state missing an attribute, with a wrong type, or an unknown key
    alpha_state = next(m["content"]["data"]["state"] for m in opens if m["content"]["data"]["state"]["_model_name"] == "FloatSliderModel")
    for broken in ({k: v for k, v in alpha_state.items() if k != "readout_format"}, {**alpha_state, "value": "0.1"}, {**alpha_state, "continuousUpdate": False}):
        check("the schema check rejects a broken state", not jsonschema.Draft7Validator(schemas[("@jupyter-widgets/controls", "FloatSliderModel")]).is_valid(broken))
    jsonschema.validate(document, state_document_schema)
    check("all states form a valid widget-state document (v2/state.schema.json)", True)
    models = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in opens}
    check("camelCase options arrive as snake_case state",
          models[ids["alpha"]]["continuous_update"] is False and models[ids["alpha"]]["readout_format"] == ".2f" and models[ids["alpha"]]["description"] == "α")
    check("Dropdown sends labels and index", models[ids["optimizer"]]["_options_labels"] == ["SGD", "Adam"] and models[ids["optimizer"]]["index"] == 1)
    check("jslink is a LinkModel between Play and IntSlider value",
          models[ids["link"]]["source"][1] == "value" and models[ids["link"]]["target"] == [f"IPY_MODEL_{ids['steps']}", "value"])
    shown = of_type(iopub, "display_data")
    check("display sends a widget view of the box", len(shown) == 1 and shown[0]["content"]["data"]["application/vnd.jupyter.widget-view+json"] == {"version_major": 2, "version_minor": 0, "model_id": ids["ui"]}, shown)
    check("text/plain fallback says to install ipywidgets", "install ipywidgets" in shown[0]["content"]["data"]["text/plain"])

    # comm_info_request, with and without the target_name filter
    info_id = send(kc, "comm_info_request", {"target_name": "jupyter.widget"})
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    check("comm_info_reply lists the open widget comms", reply["msg_type"] == "comm_info_reply" and set(models) <= set(reply["content"]["comms"])
          and all(c["target_name"] == "jupyter.widget" for c in reply["content"]["comms"].values()))
    until_idle(kc, info_id)
    info_id = send(kc, "comm_info_request", {"target_name": "no.such.target"})
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    check("comm_info_request filters by target_name", reply["content"]["comms"] == {}, reply["content"])
    until_idle(kc, info_id)

    # The front end moves the slider
    messages = comm_send(kc, ids["alpha"], {"method": "update", "state": {"value": 0.7}, "buffer_paths": []})
    echo = comm_msgs(messages, ids["alpha"], "echo_update")
    check("the kernel echoes the front end's update (echo_update, protocol 2.1)", len(echo) == 1 and echo[0]["content"]["data"]["state"] == {"value": 0.7}, messages)
    check("the observer's output goes to the comm message's request", stdout(messages) == "alpha -> 0.7\n", stdout(messages))
    label = comm_msgs(messages, ids["status"], "update")
    check("a value set by the callback is sent as an update", len(label) == 1 and label[0]["content"]["data"]["state"] == {"value": "α = 0.70"}, label)
    order = [m["msg_type"] + ":" + m["content"].get("data", {}).get("method", m["content"].get("name", "")) for m in messages if m["msg_type"] in ("comm_msg", "stream")]
    check("echo first, then the callback's output and updates", order[0] == "comm_msg:echo_update", order)

    # Out of range: echoed, then corrected
    messages = comm_send(kc, ids["alpha"], {"method": "update", "state": {"value": 3}, "buffer_paths": []})
    fixes = comm_msgs(messages, ids["alpha"], "update")
    check("a value outside [min, max] is clamped and sent back", len(fixes) == 1 and fixes[0]["content"]["data"]["state"] == {"value": 1}, messages)

    # A throwing observer: its error shows, the widget stays alive
    messages = comm_send(kc, ids["steps"], {"method": "update", "state": {"value": 5}, "buffer_paths": []})
    check("an observer's exception shows in the output", "observer failed on purpose" in stdout(messages, "stderr"), messages)
    messages = comm_send(kc, ids["alpha"], {"method": "update", "state": {"value": 0.25}, "buffer_paths": []})
    check("widgets stay alive after a callback threw", stdout(messages) == "alpha -> 0.25\n", messages)

    # Button click and Dropdown choice
    messages = comm_send(kc, ids["go"], {"method": "custom", "content": {"event": "click"}})
    check("Button.onClick runs on a front-end click", stdout(messages) == "clicked\n", messages)
    messages = comm_send(kc, ids["optimizer"], {"method": "update", "state": {"index": 0}, "buffer_paths": []})
    check("Dropdown index from the front end becomes value", stdout(messages) == "optimizer -> sgd\n", messages)

    # Values set by the kernel reach the front end
    iopub = execute(kc, "alpha.value = 0.5; optimizer.value = 'adam'; [alpha.value, optimizer.index]")
    check("kernel-side value changes are sent as updates", comm_msgs(iopub, ids["alpha"], "update")[0]["content"]["data"]["state"] == {"value": 0.5}
          and comm_msgs(iopub, ids["optimizer"], "update")[0]["content"]["data"]["state"] == {"index": 1})

    # request_state
    messages = comm_send(kc, ids["alpha"], {"method": "request_state"})
    full = comm_msgs(messages, ids["alpha"], "update")
    check("request_state answers with the full state", len(full) == 1 and full[0]["content"]["data"]["state"]["value"] == 0.5 and "_model_name" in full[0]["content"]["data"]["state"])

    # Output widget capture: msg_id set to the cell's request, then reset
    msg_id = kc.execute("out.capture(() => console.log('inside the output widget'))")
    messages = until_idle(kc, msg_id)
    ids_set = [m["content"]["data"]["state"]["msg_id"] for m in comm_msgs(messages, ids["out"], "update")]
    check("Output.capture routes the request's output into the widget", ids_set == [msg_id, ""] and stdout(messages) == "inside the output widget\n", (ids_set, msg_id))

    # jupyter.widget.control: all states in one message
    control = str(uuid.uuid4())
    opened = send(kc, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}})
    until_idle(kc, opened)
    messages = comm_send(kc, control, {"method": "request_states"})
    states = comm_msgs(messages, control, "update_states")
    check("jupyter.widget.control answers request_states", len(states) == 1 and set(models) <= set(states[0]["content"]["data"]["states"]))

    # Raw comms both ways, with binary buffers
    execute(kc, r"""
widgets.registerCommTarget("optimlab.test.echo", (comm, open) => {
  console.log(`opened with ${JSON.stringify(open.data)} and ${open.buffers.length} buffers`);
  comm.setHandlers({
    onMessage: (m) => comm.send({ got: m.data, sizes: m.buffers.map((b) => b.length) }, { buffers: [...m.buffers].reverse() }),
    onClose: (m) => console.log(`closed with ${JSON.stringify(m.data)}`),
  });
});
""")
    comm_id = str(uuid.uuid4())
    opened = send(kc, "comm_open", {"comm_id": comm_id, "target_name": "optimlab.test.echo", "data": {"hello": 1}}, [b"xyz"])
    messages = until_idle(kc, opened)
    check("a front-end comm_open reaches the registered target with its data and buffers", stdout(messages) == 'opened with {"hello":1} and 1 buffers\n', messages)
    msg_id = send(kc, "comm_msg", {"comm_id": comm_id, "data": {"n": 2}}, [b"\x00\x01\x02", b"abcd"])
    messages = until_idle(kc, msg_id)
    back = comm_msgs(messages, comm_id)
    check("binary buffers travel both ways", len(back) == 1 and back[0]["content"]["data"] == {"got": {"n": 2}, "sizes": [3, 4]}
          and [bytes(b) for b in back[0]["buffers"]] == [b"abcd", b"\x00\x01\x02"], back)
    iopub = execute(kc, "widgets.registerCommTarget('x', undefined); const c = widgets.openComm('frontend.target', { x: 1 }, {}, { buffers: [new Uint8Array([7, 8, 9])] }); c.commId")
    kopen = [m for m in of_type(iopub, "comm_open") if m["content"]["target_name"] == "frontend.target"]
    check("a kernel-opened comm carries its buffers", len(kopen) == 1 and kopen[0]["content"]["data"] == {"x": 1} and [bytes(b) for b in kopen[0]["buffers"]] == [b"\x07\x08\x09"])
    msg_id = send(kc, "comm_close", {"comm_id": comm_id, "data": {"bye": True}})
    messages = until_idle(kc, msg_id)
    check("comm_close from the front end runs the close handler", stdout(messages) == 'closed with {"bye":true}\n', messages)
    info_id = send(kc, "comm_info_request", {})
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    until_idle(kc, info_id)
    check("a closed comm leaves comm_info", comm_id not in reply["content"]["comms"] and kopen[0]["content"]["comm_id"] in reply["content"]["comms"])

    # interact: a control moves, fn re-runs, the Output widget's outputs get the new figure
    iopub = execute(kc, r"""
import { plot } from "optimlab";
const beta = new widgets.FloatSlider({ value: 0.5, min: 0, max: 0.9, step: 0.1, description: "β" });
const powers = widgets.interact(({ beta: b }) => plot.line({ "β^k": { x: [0, 1, 2, 3], y: [1, b, b ** 2, b ** 3] } }, { title: `β = ${b}`, xLabel: "k", yLabel: "β^k" }), { beta }, { static: { beta: [0, 0.5, 0.9] } });
display(powers);
console.log(JSON.stringify({ beta: beta.modelId, out: powers.output.modelId, box: powers.box.modelId }));
""")
    ui = json.loads(stdout(iopub))
    shown = of_type(iopub, "display_data")[-1]["content"]["data"]
    check("interact displays its box as a widget view", shown["application/vnd.jupyter.widget-view+json"]["model_id"] == ui["box"])
    check("interact's static fallback is a Plotly figure with one frame per value", len(shown["application/vnd.plotly.v1+json"]["frames"]) == 3 and "text/html" in shown)
    move_id = send(kc, "comm_msg", {"comm_id": ui["beta"], "data": {"method": "update", "state": {"value": 0.9}, "buffer_paths": []}})
    updates = []
    while not updates:  # the run may finish after the comm message's idle: read on
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == ui["out"] and "outputs" in msg["content"]["data"].get("state", {}):
            updates.append(msg["content"]["data"]["state"]["outputs"])
            check("interact's output update is a child of the front end's comm message", msg["parent_header"].get("msg_id") == move_id, msg["parent_header"])
    figure = updates[-1][0]["data"]["application/vnd.plotly.v1+json"]
    check("moving an interact control re-runs fn and updates the Output widget's figure", figure["layout"]["title"]["text"] == "β = 0.9" and abs(figure["data"][0]["y"][3] - 0.729) < 1e-12, figure["layout"]["title"])

    # Async callbacks: what they print after an `await` still goes to the request that ran them (or to
    # the Output widget capturing it). The awaits end only when a second front-end message (a click on
    # "release") arrives, so the print can never ride on the first request's scope by luck.
    iopub = execute(kc, r"""
let waiting: Array<() => void> = [];
// How many callbacks wait at the gate: the front end releases them only once all three do (an
// interact's run starts one event-loop turn after its update, so its busy status comes first).
const gated = new widgets.Label({ value: "0" });
const gate = () => new Promise<void>((resolve) => { waiting.push(resolve); gated.value = String(waiting.length); });
const release = new widgets.Button({ description: "release" });
release.onClick(() => { const now = waiting; waiting = []; for (const open of now) open(); });
const finished = new widgets.Label({ value: "" });
const finish = (what: string) => { finished.value = [...finished.value.split(" ").filter(Boolean), what].sort().join(" "); };
const later = new widgets.IntSlider({ value: 0, max: 10, description: "later" });
later.observe(async ({ new: v }) => { await gate(); await new Promise((r) => setTimeout(r, 50)); console.log(`observe after await -> ${v}`); finish("observe"); });
const asyncOut = new widgets.Output();
const capture = new widgets.Button({ description: "capture" });
capture.onClick(() => asyncOut.capture(async () => { await gate(); console.log("click after await"); finish("click"); }));
const k = new widgets.IntSlider({ value: 1, max: 10, description: "k" });
const slow = widgets.interact(async ({ k }) => { if (k === 1) return k; await gate(); console.log(`interact after await -> ${k}`); finish("interact"); return k; }, { k });
display(slow);
console.log(JSON.stringify({ gated: gated.modelId, release: release.modelId, finished: finished.modelId, later: later.modelId, out: asyncOut.modelId, capture: capture.modelId, k: k.modelId, slowOut: slow.output.modelId }));
""")
    ui = json.loads(stdout(iopub).strip().split("\n")[-1])
    move = send(kc, "comm_msg", {"comm_id": ui["later"], "data": {"method": "update", "state": {"value": 4}, "buffer_paths": []}})
    click = send(kc, "comm_msg", {"comm_id": ui["capture"], "data": {"method": "custom", "content": {"event": "click"}}})
    step = send(kc, "comm_msg", {"comm_id": ui["k"], "data": {"method": "update", "state": {"value": 7}, "buffer_paths": []}})
    later_messages = []
    def all_gated():
        return any(m["content"]["data"].get("state", {}).get("value") == "3" for m in comm_msgs(later_messages, ui["gated"], "update"))
    while not all_gated():  # all three callbacks wait at the gate (a release before that would strand one)
        later_messages.append(kc.get_iopub_msg(timeout=TIMEOUT))
    released = send(kc, "comm_msg", {"comm_id": ui["release"], "data": {"method": "custom", "content": {"event": "click"}}})
    while True:  # until every callback said it finished (its Label update), whichever parent it has
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        later_messages.append(msg)
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == ui["finished"] and msg["content"]["data"].get("state", {}).get("value") == "click interact observe":
            break
    def went_idle(msg_id):
        return any(m["msg_type"] == "status" and m["content"]["execution_state"] == "idle" and m["parent_header"].get("msg_id") == msg_id for m in later_messages)
    while not all(went_idle(msg_id) for msg_id in (move, click, step, released)):  # held requests go idle when their callbacks finish
        later_messages.append(kc.get_iopub_msg(timeout=TIMEOUT))
    printed = {m["content"]["text"]: m["parent_header"].get("msg_id") for m in of_type(later_messages, "stream")}
    idle_at = {m["parent_header"].get("msg_id"): i for i, m in enumerate(later_messages) if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"}
    printed_at = {m["content"]["text"]: i for i, m in enumerate(later_messages) if m["msg_type"] == "stream"}
    check("an async callback's request goes idle only after its output (front ends drop output after idle)",
          all(printed_at.get(text, 1 << 30) < idle_at.get(parent, -1) for text, parent in
              (("observe after await -> 4\n", move), ("click after await\n", click))),
          (printed_at, idle_at))
    check("an observe callback's output after an await goes to the comm message's request",
          printed.get("observe after await -> 4\n") == move, (printed, {"move": move, "released": released}))
    check("an onClick callback's output after an await goes to the click's request (the capturing Output widget)",
          printed.get("click after await\n") == click and [m["content"]["data"]["state"]["msg_id"] for m in comm_msgs(later_messages, ui["out"], "update")] == [click, ""],
          (printed, comm_msgs(later_messages, ui["out"], "update")))
    # ipywidgets runs an interact's fn inside its Output (`with self.out:`): a print is an outputs update of
    # that Output widget, child of the control's comm message and before its idle; never a stream of its own.
    into_output = [(i, m) for i, m in enumerate(later_messages)
                   if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == ui["slowOut"]
                   and any(o.get("text") == "interact after await -> 7\n" for o in m["content"]["data"].get("state", {}).get("outputs", []))]
    check("an interact run's print after an await goes into its Output widget, as a child of the control's comm message",
          len(into_output) > 0 and all(m["parent_header"].get("msg_id") == step and i < idle_at.get(step, -1) for i, m in into_output)
          and "interact after await -> 7\n" not in printed,
          (printed, [m["parent_header"].get("msg_id") for _, m in into_output], {"step": step}))

    # With those scopes tracked (V8 promise hooks), an interrupt that terminates a busy loop after an
    # await must leave the kernel alive (Node's async hooks would abort it: kernel/output.ts).
    busy = kc.execute("await new Promise((r) => setTimeout(r, 10)); while (true) {}")
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == busy and msg["msg_type"] == "execute_input":
            break
    time.sleep(1)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != busy:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    after = execute(kc, "later.value")
    check("an interrupted busy loop after an await leaves the kernel (and its widgets) alive",
          reply["content"]["status"] == "error" and of_type(after, "execute_result")[0]["content"]["data"]["text/plain"] == "4", reply["content"])

    # Unknown target: the kernel closes the comm
    unknown = str(uuid.uuid4())
    msg_id = send(kc, "comm_open", {"comm_id": unknown, "target_name": "no.such.target", "data": {}})
    messages = until_idle(kc, msg_id)
    closes = [m for m in of_type(messages, "comm_close") if m["content"]["comm_id"] == unknown]
    check("comm_open to an unknown target is answered with comm_close", len(closes) == 1, messages)


if __name__ == "__main__":
    main()
