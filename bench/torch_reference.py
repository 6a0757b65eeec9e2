"""PyTorch CPU reference for `npm run bench`: the MNIST MLP 784-128-10 or LeNet-5, Adam, one thread.

Usage: python3 torch_reference.py MODEL IMAGES_IDX LABELS_IDX SAMPLES BATCH   (MODEL: mlp or lenet)
Prints one JSON line: {"samples_per_sec": ..., "torch": "<version>", "threads": 1}.
"""
import json
import sys
import time

import numpy as np
import torch


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


def main():
    name, images_path, labels_path, samples, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(1)
    torch.manual_seed(0)
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
    for _ in range(3):
        t0 = time.perf_counter()
        epoch()
        best = max(best, samples / (time.perf_counter() - t0))
    print(json.dumps({"samples_per_sec": best, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
