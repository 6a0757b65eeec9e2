"""PyTorch CPU reference for `npm run bench`: the MNIST MLP 784-128-10 or LeNet-5, Adam.

Usage: python3 torch_reference.py MODEL IMAGES_IDX LABELS_IDX SAMPLES BATCH [THREADS [EPOCHS]]
(MODEL: mlp or lenet; THREADS defaults to 1; EPOCHS, the timed epochs after one warm-up, to 3).
Prints one JSON line: {"samples_per_sec": <best epoch>, "torch": "<version>", "threads": N,
"blas": {"kind": "openblas" | "mkl" | "reference" | ..., "path": "...", "threads": N or null},
"epoch_spans_ms": [[start, end], ...] (each timed epoch's wall clock, ms since 1970)}.

Thread pinning: Debian's python3-torch does its matrix products in the system `libblas.so.3`.
With OpenBLAS (pthread build) behind it, `torch.set_num_threads` does not reach the BLAS pool:
only OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, read when the library loads, do. So they are set
here before numpy or torch is imported. The BLAS actually mapped into this process is read from
/proc/self/maps after a product: the netlib reference BLAS (the default alternative when no
optimised BLAS is installed) is ~8x slower on these workloads, so its number is no fair reference.
"""
import os
import sys

THREADS = int(sys.argv[6]) if len(sys.argv) > 6 else 1
TIMED_EPOCHS = int(sys.argv[7]) if len(sys.argv) > 7 else 3
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import ctypes  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402


def read_idx(path, header, count, item):
    with open(path, "rb") as f:
        f.seek(header)
        return np.frombuffer(f.read(count * item), dtype=np.uint8)


def build(name):
    """The same networks as bench/models.ts (logits out; CrossEntropyLoss applies the softmax)."""
    nn = torch.nn
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), (784,)
    if name == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        ), (1, 28, 28)
    raise SystemExit(f"unknown model {name!r} (expected mlp or lenet)")


def classify_blas(path):
    """'openblas', 'mkl', 'blis', 'atlas' or 'reference' (netlib) from a library's real path."""
    name = path.lower()
    for kind in ("openblas", "mkl", "blis", "atlas"):
        if kind in name:
            return kind
    return "reference"


def mapping_of(address):
    """The file mapped at `address` in this process ('' when none)."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            low, high = (int(part, 16) for part in fields[0].split("-"))
            if low <= address < high:
                return fields[5] if len(fields) >= 6 else ""
    return ""


def blas_in_use():
    """The library whose `sgemm_` torch's products call, and its thread count when it says.

    The symbol is looked up through libtorch_cpu's own handle (its dependency scope, as the
    dynamic linker binds it), not by listing mapped files: numpy can map OpenBLAS (for LAPACK)
    while torch's sgemm_ binds to the reference libblas.so.3.
    """
    (torch.ones(64, 64) @ torch.ones(64, 64)).sum().item()
    with open("/proc/self/maps") as maps:
        torch_libs = [f[5] for f in (line.split() for line in maps) if len(f) >= 6 and "libtorch_cpu" in f[5]]
    try:
        handle = ctypes.CDLL(torch_libs[0] if torch_libs else None)
        path = mapping_of(ctypes.cast(handle.sgemm_, ctypes.c_void_p).value)
    except AttributeError:
        path = ""
    if not path or "libtorch" in path:
        # No external sgemm_: a BLAS linked into libtorch (pip wheels bundle MKL), not the system one.
        return {"kind": "bundled", "path": path, "threads": None}
    threads = None
    try:
        threads = ctypes.CDLL(path).openblas_get_num_threads()
    except (OSError, AttributeError):
        pass
    return {"kind": classify_blas(path), "path": path, "threads": threads}


def main():
    name, images_path, labels_path, samples, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    blas = blas_in_use()
    model, shape = build(name)
    x = torch.from_numpy(read_idx(images_path, 16, samples, 784).astype(np.float32).reshape(samples, *shape) / 255.0)
    y = torch.from_numpy(read_idx(labels_path, 8, samples, 1).astype(np.int64))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(samples)
        for start in range(0, samples, batch):
            idx = order[start:start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up
    best = 0.0
    # Each timed epoch's wall-clock start and end (ms since 1970), so that runs side by side can
    # be compared over the epochs they ran together (bench/pairCeiling.ts).
    spans = []
    for _ in range(TIMED_EPOCHS):
        t0 = time.perf_counter()
        start = time.time() * 1000
        epoch()
        best = max(best, samples / (time.perf_counter() - t0))
        spans.append([start, time.time() * 1000])
    print(json.dumps({
        "samples_per_sec": best,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas,
        "epoch_spans_ms": spans,
    }))


if __name__ == "__main__":
    main()
