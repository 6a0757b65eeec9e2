"""SIGINT to the kernel's process group, as jupyter_client sends it (signal_kernel / interrupt_kernel in
signal mode, and Ctrl-C in a terminal), stops a busy loop: at a cell's top level and after an `await`.

Usage: python3 sigint_check.py NOTEBOOK_DIR
Prints one JSON object {step: {"ok": bool, "detail": str}}; sigint.test.ts asserts each step.
"""
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

from jupyter_client.manager import KernelManager

NOTEBOOK_DIR = sys.argv[1]
TIMEOUT = 120


def reply_to(kc, msg_id, timeout):
    deadline = time.time() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def wait_started(marker):
    """Until the cell has written `marker`: its code runs. (execute_input comes before the type check, which can take
    longer than any fixed wait on a busy machine, and a signal then cancels the cell before it declares anything; a
    stream message would not do either: the kernel publishes it from the main thread, which the busy loop holds.)"""
    deadline = time.time() + TIMEOUT
    while not os.path.exists(marker):
        if time.time() > deadline:
            raise TimeoutError(f"the cell never started (no {marker})")
        time.sleep(0.02)


def interrupted(km, kc, code):
    marker = os.path.join(tempfile.mkdtemp(prefix="optimlab-sigint-"), "started")
    msg_id = kc.execute(f'require("node:fs").writeFileSync({json.dumps(marker)}, "");\n' + code)
    wait_started(marker)
    time.sleep(0.2)
    start = time.time()
    km.signal_kernel(signal.SIGINT)  # the process group, as jupyter_client's provisioner sends it
    reply = reply_to(kc, msg_id, 30)["content"]
    shutil.rmtree(os.path.dirname(marker), ignore_errors=True)
    ok = reply["status"] == "error" and reply.get("ename") == "KeyboardInterrupt"
    return {"ok": ok, "detail": f"{reply['status']} {reply.get('ename')} after {time.time() - start:.2f} s"}


def main():
    results = {}
    km = KernelManager(kernel_name="optimlab")
    km.start_kernel(cwd=NOTEBOOK_DIR)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        reply_to(kc, kc.execute("let kept = 41;"), TIMEOUT)
        results["sync_loop"] = interrupted(km, kc, "let spins = 0;\nwhile (true) { spins += 1; }")
        results["loop_after_await"] = interrupted(km, kc, "await new Promise((r) => setTimeout(r, 10));\nwhile (true) {}")
        results["awaiting"] = interrupted(km, kc, "await new Promise((r) => setTimeout(r, 60_000));")
        # One signal is one interrupt: the main thread's listener and the relay both saw each signal
        # above, and a second interrupt would stop this cell, which waits past any late duplicate.
        reply = reply_to(kc, kc.execute("await new Promise((r) => setTimeout(r, 1500)); kept + 1 + Math.min(spins, 0)"), 60)
        content = reply["content"]
        results["state_kept_no_duplicate"] = {
            "ok": content["status"] == "ok",
            "detail": json.dumps({k: content.get(k) for k in ("status", "ename", "evalue")}),
        }
    except Exception:
        results["error"] = {"ok": False, "detail": traceback.format_exc()}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(results))


main()
