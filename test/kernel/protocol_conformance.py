"""One protocol-conformance run of optimlab's kernel through Debian's jupyter_client.

Usage: python3 protocol_conformance.py NOTEBOOK_DIR
Starts one kernel (KernelManager, kernel name "optimlab", found through JUPYTER_PATH) and walks every
message type it supports, checking each message against the fields the Jupyter messaging spec 5.3
requires (plus 5.4's iopub_welcome is tolerated). Prints one JSON object
{step: {"ok": bool, "detail": str}}; protocolConformance.test.ts asserts each step.

jupyter_client itself checks every signature on receipt (Session.unserialize raises on a bad one), so
a step that receives messages also proves they were signed with the connection file's key.
"""
import json
import sys
import time
import traceback

from jupyter_client.manager import KernelManager

NOTEBOOK_DIR = sys.argv[1]
TIMEOUT = 120
HEADER_FIELDS = {"msg_id", "session", "username", "date", "msg_type", "version"}


class Run:
    def __init__(self):
        self.km = KernelManager(kernel_name="optimlab")
        self.km.start_kernel(cwd=NOTEBOOK_DIR)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)

    # -- receiving ---------------------------------------------------------------------------------

    def reply_to(self, msg_id, channel="shell", timeout=TIMEOUT):
        get = self.kc.get_shell_msg if channel == "shell" else self.kc.get_control_msg
        while True:
            msg = get(timeout=timeout)
            check_message(msg)
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def iopub_of(self, msg_id, timeout=TIMEOUT):
        """IOPub messages whose parent is msg_id, from busy to idle (both included)."""
        out = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            check_message(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            out.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out

    def request(self, msg_type, content, channel="shell"):
        msg = self.kc.session.msg(msg_type, content)
        getattr(self.kc, f"{channel}_channel").send(msg)
        return msg["header"]["msg_id"]

    def execute(self, code, **kwargs):
        msg_id = self.kc.execute(code, **kwargs)
        reply = self.reply_to(msg_id)
        return reply, self.iopub_of(msg_id)


def check_message(msg):
    assert HEADER_FIELDS <= set(msg["header"]), f"header fields missing: {msg['header']}"
    assert msg["header"]["version"].startswith("5."), msg["header"]


def types(iopub):
    return [m["msg_type"] for m in iopub]


def states(iopub):
    return [m["content"]["execution_state"] for m in iopub if m["msg_type"] == "status"]


def contents(iopub, msg_type):
    return [m["content"] for m in iopub if m["msg_type"] == msg_type]


def require(content, *fields):
    missing = [f for f in fields if f not in content]
    assert not missing, f"missing {missing} in {content}"


def wrapped_in_busy_idle(iopub):
    assert iopub[0]["msg_type"] == "status" and iopub[0]["content"]["execution_state"] == "busy", types(iopub)
    assert states(iopub)[-1] == "idle", types(iopub)


# -- the steps, in order, on one kernel ------------------------------------------------------------


def step_kernel_info(r):
    msg_id = r.kc.kernel_info()
    reply = r.reply_to(msg_id)
    c = reply["content"]
    assert reply["msg_type"] == "kernel_info_reply"
    require(c, "status", "protocol_version", "implementation", "implementation_version", "language_info", "banner")
    require(c["language_info"], "name", "version", "mimetype", "file_extension")
    assert c["status"] == "ok" and c["language_info"]["name"] == "typescript", c
    assert reply["parent_header"]["msg_id"] == msg_id and reply["parent_header"]["session"] == r.kc.session.session
    wrapped_in_busy_idle(r.iopub_of(msg_id))
    return f"protocol {c['protocol_version']}, {c['implementation']} {c['implementation_version']}"


def step_execute(r):
    reply, iopub = r.execute("let conformance = 1;\nconsole.log('out');\nconformance + 1")
    c = reply["content"]
    require(c, "status", "execution_count", "user_expressions", "payload")
    assert c["status"] == "ok", c
    assert types(iopub) == ["status", "execute_input", "stream", "execute_result", "status"], types(iopub)
    assert states(iopub) == ["busy", "idle"]
    (inp,) = contents(iopub, "execute_input")
    require(inp, "code", "execution_count")
    assert inp["execution_count"] == c["execution_count"], (inp, c)
    (stream,) = contents(iopub, "stream")
    require(stream, "name", "text")
    assert stream == {"name": "stdout", "text": "out\n"}, stream
    (result,) = contents(iopub, "execute_result")
    require(result, "execution_count", "data", "metadata")
    assert result["data"]["text/plain"] == "2" and result["execution_count"] == c["execution_count"], result
    return f"busy, execute_input, stream, execute_result, idle; execution_count {c['execution_count']}"


def step_silent_and_store_history(r):
    before = r.execute("1")[0]["content"]["execution_count"]
    reply, iopub = r.execute("console.log('quiet'); 5", silent=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "execute_input" not in types(iopub) and "execute_result" not in types(iopub), types(iopub)
    assert contents(iopub, "stream") == [{"name": "stdout", "text": "quiet\n"}], types(iopub)
    nohist, _ = r.execute("6", store_history=False)
    after = r.execute("7")[0]["content"]["execution_count"]
    assert after == before + 1, f"silent/store_history=False counted: {before} → {after}"
    assert nohist["content"]["status"] == "ok"
    return f"silent: no execute_input/result, stream kept; count {before} → {after}"


def step_user_expressions(r):
    reply, _ = r.execute("const ue = 21;", user_expressions={"double": "ue * 2", "bad": "ue.nope()"})
    ue = reply["content"]["user_expressions"]
    assert set(ue) == {"double", "bad"}, ue
    require(ue["double"], "status", "data", "metadata")
    assert ue["double"]["status"] == "ok" and ue["double"]["data"]["text/plain"] == "42", ue["double"]
    assert ue["bad"]["status"] == "error", ue["bad"]
    require(ue["bad"], "ename", "evalue", "traceback")
    return "each expression evaluated: ok with data, error with ename/evalue/traceback"


def step_error(r):
    reply, iopub = r.execute("throw new TypeError('conformance failure')")
    c = reply["content"]
    require(c, "status", "execution_count", "ename", "evalue", "traceback")
    assert c["status"] == "error" and c["ename"] == "TypeError" and c["evalue"] == "conformance failure", c
    (err,) = contents(iopub, "error")
    require(err, "ename", "evalue", "traceback")
    assert isinstance(err["traceback"], list), err
    return "error on IOPub and execute_reply status error with ename/evalue/traceback"


def step_display(r):
    reply, iopub = r.execute(
        'const handle = display(md("first"), { displayId: "conf" });\nhandle.update(md("second"));\nundefined'
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    (shown,) = contents(iopub, "display_data")
    (updated,) = contents(iopub, "update_display_data")
    for c in (shown, updated):
        require(c, "data", "metadata", "transient")
        assert c["transient"] == {"display_id": "conf"}, c
    assert updated["data"]["text/markdown"] == "second", updated
    return "display_data and update_display_data with data, metadata, transient.display_id"


def step_stdin(r):
    msg_id = r.kc.execute('prompt("name?") + "!"', allow_stdin=True)
    request = r.kc.get_stdin_msg(timeout=TIMEOUT)
    check_message(request)
    assert request["msg_type"] == "input_request", request["msg_type"]
    require(request["content"], "prompt", "password")
    assert request["content"] == {"prompt": "name?", "password": False}, request["content"]
    assert request["parent_header"]["msg_id"] == msg_id
    r.kc.input("Ada")
    r.reply_to(msg_id)
    (result,) = contents(r.iopub_of(msg_id), "execute_result")
    assert result["data"]["text/plain"] == "'Ada!'", result
    # without allow_stdin: an error, no input_request
    reply, _ = r.execute('prompt("x")', allow_stdin=False)
    assert reply["content"]["status"] == "error", reply["content"]
    return "input_request {prompt, password} on stdin, input_reply value returned; allow_stdin false → error"


def step_inspect_complete_is_complete(r):
    msg_id = r.kc.inspect("conformance", 3)
    c = r.reply_to(msg_id)["content"]
    require(c, "status", "found", "data", "metadata")
    assert c["found"] and "conformance" in c["data"]["text/plain"], c
    msg_id = r.kc.complete("conform", 7)
    c = r.reply_to(msg_id)["content"]
    require(c, "status", "matches", "cursor_start", "cursor_end", "metadata")
    assert "conformance" in c["matches"] and c["cursor_start"] == 0 and c["cursor_end"] == 7, c
    verdicts = {}
    for code in ("const x = 1;", "function f() {", "const = ;"):
        msg_id = r.kc.is_complete(code)
        c = r.reply_to(msg_id)["content"]
        require(c, "status")
        verdicts[code] = c["status"]
        if c["status"] == "incomplete":
            require(c, "indent")
    assert verdicts == {"const x = 1;": "complete", "function f() {": "incomplete", "const = ;": "invalid"}, verdicts
    return "inspect_reply, complete_reply, is_complete_reply (complete / incomplete with indent / invalid)"


def step_history(r):
    msg_id = r.kc.history(hist_access_type="tail", n=3, output=False, raw=True)
    tail = r.reply_to(msg_id)["content"]
    require(tail, "status", "history")
    assert len(tail["history"]) == 3 and all(len(entry) == 3 for entry in tail["history"]), tail
    msg_id = r.kc.history(hist_access_type="search", pattern="*conformance*", output=False, raw=True)
    found = r.reply_to(msg_id)["content"]["history"]
    assert any("let conformance" in entry[2] for entry in found), found
    msg_id = r.kc.history(hist_access_type="range", session=0, start=1, stop=3, output=False, raw=True)
    ranged = r.reply_to(msg_id)["content"]["history"]
    assert [entry[1] for entry in ranged] == [1, 2], ranged
    return "tail, search and range: [session, line, input] triples"


def step_comms(r):
    reply, _ = r.execute(
        'import { widgets } from "optimlab";\n'
        "widgets.registerCommTarget(\"conformance\", (comm) => {\n"
        "  comm.setHandlers({ onMessage: (message) => comm.send({ echo: message.data }) });\n"
        "});"
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    comm_id = "conformance-comm"
    msg_id = r.request("comm_open", {"comm_id": comm_id, "target_name": "conformance", "data": {}})
    wrapped_in_busy_idle(r.iopub_of(msg_id))
    msg_id = r.request("comm_info_request", {"target_name": "conformance"})
    info = r.reply_to(msg_id)["content"]
    require(info, "status", "comms")
    assert info["comms"] == {comm_id: {"target_name": "conformance"}}, info
    msg_id = r.request("comm_msg", {"comm_id": comm_id, "data": {"ping": 1}})
    echoed = contents(r.iopub_of(msg_id), "comm_msg")
    assert echoed and echoed[0]["comm_id"] == comm_id and echoed[0]["data"] == {"echo": {"ping": 1}}, echoed
    msg_id = r.request("comm_close", {"comm_id": comm_id, "data": {}})
    r.iopub_of(msg_id)
    msg_id = r.request("comm_info_request", {})
    assert comm_id not in r.reply_to(msg_id)["content"]["comms"]
    # an unknown target is answered with comm_close (as ipykernel does)
    msg_id = r.request("comm_open", {"comm_id": "orphan", "target_name": "no-such-target", "data": {}})
    closed = contents(r.iopub_of(msg_id), "comm_close")
    assert closed and closed[0]["comm_id"] == "orphan", closed
    return "comm_open / comm_msg (echoed) / comm_close / comm_info_request; unknown target closed"


def step_interrupt(r):
    msg_id = r.kc.execute("await new Promise((resolve) => setTimeout(resolve, 60_000));")
    while True:
        msg = r.kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    time.sleep(0.3)
    control_id = r.request("interrupt_request", {}, channel="control")
    interrupt = r.reply_to(control_id, channel="control")
    assert interrupt["msg_type"] == "interrupt_reply" and interrupt["content"]["status"] == "ok", interrupt
    c = r.reply_to(msg_id, timeout=30)["content"]
    assert c["status"] == "error" and c["ename"] == "KeyboardInterrupt", c
    assert r.execute("conformance")[0]["content"]["status"] == "ok", "state lost after the interrupt"
    return "interrupt_reply on control; the cell ends with KeyboardInterrupt; state kept"


def step_shutdown_restart(r):
    control_id = r.request("shutdown_request", {"restart": True}, channel="control")
    reply = r.reply_to(control_id, channel="control")
    assert reply["msg_type"] == "shutdown_reply", reply["msg_type"]
    assert reply["content"] == {"status": "ok", "restart": True}, reply["content"]
    deadline = time.time() + 10
    while r.km.is_alive() and time.time() < deadline:
        time.sleep(0.1)
    assert not r.km.is_alive(), "the kernel still runs 10 s after shutdown_reply"
    return "shutdown_reply {status ok, restart true} and the process exits"


STEPS = [(name[len("step_"):], fn) for name, fn in list(globals().items()) if name.startswith("step_")]


def main():
    results = {}
    run = None
    try:
        run = Run()
    except BaseException as error:  # noqa: BLE001
        print(json.dumps({"start": {"ok": False, "detail": f"{type(error).__name__}: {error}"}}))
        return
    for name, step in STEPS:
        try:
            results[name] = {"ok": True, "detail": step(run)}
        except BaseException as error:  # noqa: BLE001 - report every failure, including timeouts
            where = traceback.extract_tb(error.__traceback__)[-1]
            results[name] = {"ok": False, "detail": f"{type(error).__name__}: {error} (line {where.lineno})"}
    try:
        run.kc.stop_channels()
        if run.km.is_alive():
            run.km.shutdown_kernel(now=True)
    except BaseException:  # noqa: BLE001
        pass
    print(json.dumps(results))


if __name__ == "__main__":
    main()
