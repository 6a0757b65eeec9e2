"""Kernel round trips through Debian's jupyter_client, optimlab's kernel and IPython's interleaved.

Usage: python3 kernel_jupyter_client.py CELLS   (JUPYTER_PATH must hold the optimlab kernelspec)
Prints JSON {kernel: {"start_ms", "trivial_ms", "declaring_ms", "first_cell_ms"}} (medians).
"""
import json
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

CELLS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
CODE = {
    "optimlab": {"setup": "let i = 0", "trivial": "1 + i", "declaring": "let qi = i; qi"},
    "python3": {"setup": "i = 0", "trivial": "1 + i", "declaring": "qi = i; qi"},
}


def round_trip(kc, code):
    started = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        reply = kc.get_shell_msg(timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    assert reply["content"]["status"] == "ok", reply["content"]
    return (time.perf_counter() - started) * 1000


def main():
    kernels = {}
    for name in CODE:
        started = time.perf_counter()
        km = KernelManager(kernel_name=name)
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        ready = (time.perf_counter() - started) * 1000
        first = round_trip(kc, CODE[name]["setup"])
        kernels[name] = {"km": km, "kc": kc, "start_ms": ready, "first_cell_ms": first, "trivial": [], "declaring": []}
    for _ in range(CELLS):  # interleaved: a load change hits both kernels alike
        for name, k in kernels.items():
            k["trivial"].append(round_trip(k["kc"], CODE[name]["trivial"]))
            k["declaring"].append(round_trip(k["kc"], CODE[name]["declaring"]))
    out = {}
    for name, k in kernels.items():
        k["kc"].stop_channels()
        k["km"].shutdown_kernel(now=True)
        out[name] = {
            "start_ms": k["start_ms"],
            "first_cell_ms": k["first_cell_ms"],
            "trivial_ms": statistics.median(k["trivial"]),
            "declaring_ms": statistics.median(k["declaring"]),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
