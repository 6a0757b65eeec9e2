"""Drives optimlab's kernel with Debian's jupyter_client, one check per bug of the kernel-engine issue.

Usage: python3 jupyter_client_checks.py NOTEBOOK_DIR [CHECK ...]
Prints one JSON object {check: {"ok": bool, "detail": str, "seconds": float}}; jupyterClient.test.ts
asserts each. Every check starts from a fresh kernel (KernelManager, kernel name "optimlab", found
through JUPYTER_PATH), so one failure cannot hide another.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

NOTEBOOK_DIR = sys.argv[1]
TIMEOUT = 120


def start():
    km = KernelManager(kernel_name="optimlab")
    km.start_kernel(cwd=NOTEBOOK_DIR)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop(km, kc):
    try:
        kc.stop_channels()
    finally:
        if km.is_alive():
            km.shutdown_kernel(now=True)


def run(kc, code, timeout=TIMEOUT, **kwargs):
    """Executes code; returns (reply content, {msg_type: [contents]}) from IOPub."""
    msg_id = kc.execute(code, **kwargs)
    return collect(kc, msg_id, timeout)


def collect(kc, msg_id, timeout=TIMEOUT):
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = {}
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        outputs.setdefault(msg["msg_type"], []).append(msg["content"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"], outputs


def value(outputs):
    results = outputs.get("execute_result", [])
    return results[0]["data"]["text/plain"] if results else None


def wait_for_input(kc, msg_id):
    """Waits until the cell is running (execute_input seen)."""
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


def interrupted_within(km, kc, code, settle=0.3):
    """Runs code, interrupts it `settle` s after its code started (a marker file it writes first:
    execute_input comes before the type check, which can outlast a fixed wait on a loaded machine,
    and an interrupt then stops a cell that never ran), and returns (reply content, seconds)."""
    marker = os.path.join(tempfile.mkdtemp(prefix="optimlab-interrupt-"), "started")
    msg_id = kc.execute(f'require("node:fs").writeFileSync({json.dumps(marker)}, "");\n' + code)
    wait_for_input(kc, msg_id)
    deadline = time.time() + TIMEOUT
    while not os.path.exists(marker):
        assert time.time() < deadline, f"the cell never started (no {marker})"
        time.sleep(0.01)
    shutil.rmtree(os.path.dirname(marker), ignore_errors=True)
    time.sleep(settle)
    started = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    return reply["content"], time.time() - started


# --------------------------------------------------------------------------------------------------


def check_interrupt_fit(km, kc):
    setup = """
import { data, models, optim, losses, train } from "optimlab";
const set = data.linearRegression({ n: 64, features: 1, weights: [3], bias: 2, noise: 0.1 });
const model = models.linear({ inputs: 1 });
"""
    content, _ = run(kc, setup)
    assert content["status"] == "ok", content
    reply, seconds = interrupted_within(
        km, kc, "await train.fit(model, { optimizer: new optim.SGD({ lr: 0.01 }), loss: losses.mse, train: set, epochs: 100000, batchSize: 1, progress: false })", 1.5
    )
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
    assert seconds < 1.0, f"took {seconds:.2f} s"
    content, outputs = run(kc, "model.getWeights().length")
    assert value(outputs) == "2", (content, outputs)
    return f"stopped {seconds:.2f} s after interrupt_request"


def check_rebinding(km, kc):
    run(kc, "const lr = 0.1;\nfunction currentLr() { return lr; }")
    content, outputs = run(kc, "const lr = 0.0001;\ncurrentLr()")
    assert value(outputs) == "0.0001", (content, outputs)
    content, outputs = run(kc, "const lr = 'now a string'; lr.length")
    assert value(outputs) == "12", (content, outputs)
    return "a function sees the newest lr; const redeclared with a new type"


def check_throw_keeps_declarations(km, kc):
    content, _ = run(kc, 'import * as os from "node:os";\nconst kept = 41;\nthrow new Error("bad call")')
    assert content["status"] == "error" and content["evalue"] == "bad call", content
    content, outputs = run(kc, "typeof os.cpus === 'function' && kept + 1")
    assert value(outputs) == "42", (content, outputs)
    return "imports and declarations before the throw survive"


def check_prompt(km, kc):
    msg_id = kc.execute('const name = prompt("Your name?");\n`hello ${name}`', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request", request
    assert request["content"]["prompt"] == "Your name?", request["content"]
    kc.input("Ada")
    content, outputs = collect(kc, msg_id)
    assert value(outputs) == "'hello Ada'", (content, outputs)
    msg_id = kc.execute("await input('Secret?', { password: true })", allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["content"]["password"] is True, request["content"]
    kc.input("s3cret")
    content, outputs = collect(kc, msg_id)
    assert value(outputs) == "'s3cret'", (content, outputs)
    content, _ = run(kc, "prompt('no stdin here')", allow_stdin=False)
    assert content["status"] == "error" and "allow_stdin" in content["evalue"], content
    return "prompt() and input() round trip; a clear error without stdin"


def check_interrupt_loop_after_await(km, kc):
    reply, seconds = interrupted_within(km, kc, "await new Promise((r) => setTimeout(r, 20));\nwhile (true) {}")
    assert reply["ename"] == "KeyboardInterrupt", reply
    assert seconds < 1.0, f"took {seconds:.2f} s"
    reply, seconds2 = interrupted_within(km, kc, "let spins = 0;\nwhile (true) { spins++; }")
    assert reply["ename"] == "KeyboardInterrupt" and seconds2 < 1.0, (reply, seconds2)
    content, outputs = run(kc, "spins > 0")
    assert value(outputs) == "true", (content, outputs)
    reply, seconds3 = interrupted_within(km, kc, "await new Promise((r) => setTimeout(r, 60_000))")
    assert reply["ename"] == "KeyboardInterrupt" and seconds3 < 1.0, (reply, seconds3)
    return f"after await {seconds:.2f} s, sync loop {seconds2:.2f} s, awaiting {seconds3:.2f} s; state kept"


def check_shutdown_in_busy_loop(km, kc):
    msg_id = kc.execute("while (true) {}")
    wait_for_input(kc, msg_id)
    time.sleep(0.3)
    started = time.time()
    km.request_shutdown()
    while km.is_alive() and time.time() - started < 10:
        time.sleep(0.05)
    seconds = time.time() - started
    assert not km.is_alive() and seconds < 2.0, f"still alive after {seconds:.2f} s"
    return f"ended {seconds:.2f} s after shutdown_request"


def check_sigterm_in_busy_loop(km, kc):
    msg_id = kc.execute("while (true) {}")
    wait_for_input(kc, msg_id)
    time.sleep(0.3)
    started = time.time()
    km.signal_kernel(signal.SIGTERM)
    while km.is_alive() and time.time() - started < 10:
        time.sleep(0.05)
    seconds = time.time() - started
    assert not km.is_alive() and seconds < 2.0, f"still alive after {seconds:.2f} s"
    return f"ended {seconds:.2f} s after SIGTERM"


PARENT = """
import sys, time
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="optimlab")
km.start_kernel(cwd=sys.argv[1])
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
kc.execute("while (true) {}")
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
"""


def check_parent_death(km, kc):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, NOTEBOOK_DIR], stdout=subprocess.PIPE, text=True)
    kernel_pid = int(parent.stdout.readline())
    time.sleep(0.5)
    parent.kill()  # SIGKILL: no chance to shut its kernel down
    parent.wait()
    started = time.time()
    while time.time() - started < 10:
        try:
            os.kill(kernel_pid, 0)
        except ProcessLookupError:
            break
        try:  # reap it if it became our child's zombie (it is not ours: just poll)
            os.waitpid(kernel_pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    seconds = time.time() - started
    alive = True
    try:
        os.kill(kernel_pid, 0)
        with open(f"/proc/{kernel_pid}/stat") as stat:
            alive = stat.read().split(") ")[1][0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        alive = False
    assert not alive, f"kernel {kernel_pid} still running {seconds:.1f} s after its parent died"
    return f"kernel exited {seconds:.2f} s after its parent was SIGKILLed (busy loop running)"


def check_thrown_values_get_replies(km, kc):
    cells = [
        "const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw new Error('getter'); } }); throw e",
        "const f = new Error('y'); Object.defineProperty(f, 'stack', { get() { throw new Error('stack getter'); } }); throw f",
        "throw new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('proto'); }, ownKeys() { throw new Error('keys'); } })",
        "const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy",
        "throw { toString() { throw new Error('no string'); } }",
        "throw null",
    ]
    for code in cells:
        content, outputs = run(kc, code, timeout=20)
        assert content["status"] == "error", (code, content)
        assert len(outputs.get("error", [])) == 1, (code, outputs)
    return f"{len(cells)} hostile thrown values, each an error + execute_reply"


def check_history_search_linear(km, kc):
    run(kc, "'" + "a" * 5000 + "'")
    started = time.time()
    msg_id = kc.history(hist_access_type="search", pattern="*a*a*a*a*a*b", raw=True, output=False)
    reply = kc.get_shell_msg(timeout=30)
    seconds = time.time() - started
    assert reply["msg_type"] == "history_reply" and reply["content"]["history"] == [], reply["content"]
    assert seconds < 1.0, f"took {seconds:.2f} s"
    kc.history(hist_access_type="search", pattern="*aaa*", raw=True, output=False)
    found = kc.get_shell_msg(timeout=30)["content"]["history"]
    assert len(found) == 1, found
    return f"pathological pattern answered in {seconds * 1000:.0f} ms"


def check_replay_rejected(km, kc):
    msg = kc.session.msg("execute_request", {"code": "console.log('ran once')", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    socket = kc.shell_channel.socket
    kc.session.send(socket, msg)
    content, _ = collect(kc, msg["header"]["msg_id"])
    assert content["status"] == "ok", content
    kc.session.send(socket, msg)  # the identical signed message again
    after = kc.execute("'after'")
    replayed = []
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        parent = m["parent_header"].get("msg_id")
        if parent == msg["header"]["msg_id"]:
            replayed.append(m["msg_type"])
        if parent == after and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    assert replayed == [], f"the replay produced {replayed}"
    return "a replayed execute_request is dropped; the kernel keeps serving"


def check_control_execute(km, kc):
    msg = kc.session.msg("execute_request", {"code": "globalThis.ranOnControl = true", "silent": False})
    kc.control_channel.send(msg)
    reply = kc.get_control_msg(timeout=20)
    assert reply["msg_type"] == "execute_reply" and reply["content"]["status"] == "error", reply["content"]
    content, outputs = run(kc, "(globalThis as { ranOnControl?: boolean }).ranOnControl === undefined")
    assert value(outputs) == "true", outputs
    return "answered with an error, code not run"


def check_kernel_info(km, kc):
    kc.kernel_info()
    reply = kc.get_shell_msg(timeout=20)
    info = reply["content"]["language_info"]
    assert info["codemirror_mode"] == "typescript", info
    assert reply["content"]["protocol_version"] == "5.4", reply["content"]
    return "codemirror_mode typescript, protocol 5.4"


def check_tensor_display(km, kc):
    run(kc, 'import * as tf from "@tensorflow/tfjs";')
    content, outputs = run(kc, "const t = tf.tensor([[1, 2], [3, 4]]);\nconsole.log(t);\nt")
    text = value(outputs)
    assert text is not None and "Tensor" in text and "[[1, 2]," in text and "kept" not in text, (content, outputs)
    logged = "".join(s["text"] for s in outputs.get("stream", []))
    assert "[[1, 2]," in logged and "isDisposedInternal" not in logged, logged
    return "values shown, not internals"


def check_inspect_doc(km, kc):
    run(kc, 'import { optim } from "optimlab";\n/** The rate we use. */\nconst rate = 0.1;')
    kc.inspect("optim.SGD", 7)
    reply = kc.get_shell_msg(timeout=60)
    text = reply["content"]["data"].get("text/plain", "")
    assert "class SGD" in text and "momentum" in text, text
    kc.inspect("rate", 2)
    text2 = kc.get_shell_msg(timeout=60)["content"]["data"].get("text/plain", "")
    assert "The rate we use." in text2, text2
    return "signature and doc comment"


CHECKS = {name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


def main():
    wanted = sys.argv[2:] or list(CHECKS)
    results = {}
    for name in wanted:
        started = time.time()
        km = kc = None
        try:
            km, kc = start()
            detail = CHECKS[name](km, kc)
            results[name] = {"ok": True, "detail": detail}
        except BaseException as error:  # noqa: BLE001 - report every failure, including timeouts
            results[name] = {"ok": False, "detail": f"{type(error).__name__}: {error}"}
        finally:
            if km is not None:
                try:
                    stop(km, kc)
                except BaseException:  # noqa: BLE001
                    pass
        results[name]["seconds"] = round(time.time() - started, 2)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
