"""SIGINT to the kernel's process group, as jupyter_client sends it (signal_kernel / interrupt_kernel in
signal mode, and Ctrl-C in a terminal), stops a busy loop: at a cell's top level and after an `await`.

Usage: python3 sigint_check.py NOTEBOOK_DIR
Prints one JSON object {step: {"ok": bool, "detail": str}}; sigint.test.ts asserts each step.
"""
import json
import signal
import sys
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


def wait_input(kc, msg_id):
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


def interrupted(km, kc, code):
    msg_id = kc.execute(code)
    wait_input(kc, msg_id)
    time.sleep(0.5)
    start = time.time()
    km.signal_kernel(signal.SIGINT)  # the process group, as jupyter_client's provisioner sends it
    reply = reply_to(kc, msg_id, 30)["content"]
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
