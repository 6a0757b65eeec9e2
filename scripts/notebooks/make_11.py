"""Writes notebooks/11-cnn-with-adam.ipynb (stable cell ids, no outputs); test/notebooks/generators.test.ts checks the
committed notebook is exactly this output. OPTIMLAB_NOTEBOOK_OUT redirects the output folder."""
import json
import os
cells = []
def md(id, text, metadata=None): cells.append({"cell_type": "markdown", "id": f"11-{id}", "metadata": metadata or {}, "source": text.strip("\n").splitlines(True)})
def code(id, text, metadata=None): cells.append({"cell_type": "code", "id": f"11-{id}", "metadata": metadata or {}, "source": text.strip("\n").splitlines(True), "execution_count": None, "outputs": []})
SOLUTION = {"jupyter": {"source_hidden": True}, "tags": ["solution"]}

md("00", r"""
# 11 · A LeNet-style CNN with Adam (and why it beats the MLP)

**Reproduces:** article 4 (`seeds/003_f4f70346f6c0e944.txt`) §4.1 (the `784 → 128 → 10` MLP with Adam) and §4.2 (the LeNet-style CNN with Adam, `lr=0.001`);
article 3 (`seeds/002_cd89ecdcc64c4b45.txt`) §3 and §4 (training an image classifier on CIFAR-10 with Adam and measuring test accuracy);
the plain `SGD(lr=0.01)` of article 1 §4.1 and article 5 §4 as the comparison optimizer.

**You will learn**

- what the articles' CNN computes, layer by layer, and what changes between 32×32×3 CIFAR-10 and 28×28×1 MNIST;
- to train it with Adam and with plain SGD on the same budget, and compare with the MLP;
- why convolutions help on images: weight sharing and locality give far fewer parameters and a better fit per example seen.

Runs on MNIST, which ships with optimlab (offline). Set `dataset = "cifar10"` in the next cell to use CIFAR-10 instead (read from
`$OPTIMLAB_DATA` or `~/.cache/optimlab/cifar-10-batches-bin/`, downloaded and checksummed if missing).

Run time: measured 43 s on two CPU cores (load average ≈ 6; 119 s at a load average of 15) for MNIST, plus about 8 s for the exercise solution at a load average of 19 (88 s in all); every training run shows a progress bar. To scale up, raise `trainSize` and `epochs` (the articles use the full sets and 10 epochs).
""")

code("01", r"""
let dataset = "mnist";
let trainSize = 4096;
let epochs = 2;
""", {'tags': ['parameters']})

code("02", r"""
import { data, models, losses, optim, train, plot, backend, seed } from "optimlab";
import * as tf from "@tensorflow/tfjs";
await backend.ready();
seed(0);
const isCifar = dataset === "cifar10";
if (!isCifar && dataset !== "mnist") throw new Error(`dataset must be "mnist" or "cifar10", got "${dataset}"`);
const load = (split: "train" | "test", limit: number) => (isCifar ? data.cifar10({ split: split, limit: limit }) : data.mnist({ split: split, limit: limit }));
const imageTrain = await load("train", trainSize);
const imageTest = await load("test", 1000);
const inputSize = imageTrain.x.shape[1] as number;
({ dataset: dataset, train: imageTrain.x.shape, test: imageTest.x.shape, backend: backend.info()?.name })
""")

md("03", r"""
## 1. The network

Article 4's CNN (the classic LeNet-5 layout from the PyTorch CIFAR-10 tutorial):

| layer | PyTorch (article 4 §4.2) | output on 32×32×3 | output on 28×28×1 (MNIST) |
|---|---|---|---|
| conv 5×5, 6 filters, ReLU | `nn.Conv2d(3, 6, 5)` | 28×28×6 | 28×28×6 (padding 2) |
| max-pool 2×2 | `nn.MaxPool2d(2, 2)` | 14×14×6 | 14×14×6 |
| conv 5×5, 16 filters, ReLU | `nn.Conv2d(6, 16, 5)` | 10×10×16 | 10×10×16 |
| max-pool 2×2 | | 5×5×16 | 5×5×16 |
| flatten, dense 120, ReLU | `nn.Linear(16*5*5, 120)` | 120 | 120 |
| dense 84, ReLU | `nn.Linear(120, 84)` | 84 | 84 |
| dense 10 (logits) | `nn.Linear(84, 10)` | 10 | 10 |

A convolution computes, for each output position $(i, j)$ and filter $k$,
$z_{ijk} = b_k + \sum_{u,v,c} W_{uvck}\, x_{i+u,\,j+v,\,c}$: the same $5\times5\times c$ weights slide over the whole image
(**weight sharing**), and each output sees only a $5\times5$ patch (**locality**). `models.lenet()` builds it on `tf.layers`.

> **The article says** (article 4, §4.2): the CNN with `nn.Conv2d(3, 6, 5)` and `x.view(-1, 16 * 5 * 5)`, with a `trainloader` that is never defined.
>
> 原文（article 4 §4.2）：「self.conv1 = nn.Conv2d(3, 6, 5)」
> 原文（article 4 §4.1–4.2）：「for i, data in enumerate(trainloader, 0):」
>
> **What actually happens:** nothing is wrong with the network itself — it is the PyTorch CIFAR-10 tutorial's LeNet, sized for 3-channel 32×32
> images, and the article never claims it is for MNIST (an earlier version of this box said so). Only when you reuse it on 28×28 MNIST does it
> need changes: `nn.Conv2d(3, 6, 5)` fails at once (1 channel), and with `nn.Conv2d(1, 6, 5)` and no padding a 28×28 image shrinks to
> $28 \to 24 \to 12 \to 8 \to 4$, i.e. 16·4·4 = 256 features, not 400: `x.view(-1, 400)` then raises unless the batch size is a multiple of 25,
> and when it is, it silently mixes the features of different images. LeNet-5 on MNIST pads the first convolution by 2, which restores the
> 5×5×16 = 400 features — `models.lenet()` does that. The real error of §4.1–4.2 is `trainloader`, used in both loops and never defined.
""")

code("04", r"""
const cnnFactory = () => (isCifar ? models.lenet({ channels: 3, size: 32, seed: 31 }) : models.lenet({ seed: 31 }));
const mlpFactory = () => models.mlp({ sizes: [inputSize, 128, 10], seed: 32 });
const shapeProbe = cnnFactory();
const unpadded = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "valid" }), tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: "valid" }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(),
] });
const mlpProbe = mlpFactory();
const shapeTable = {
  "LeNet layers (output shapes)": shapeProbe.layers.map((layer) => `${layer.getClassName()} ${JSON.stringify(layer.outputShape)}`).join(" → "),
  "flattened features, 28×28 without padding": unpadded.outputShape,
  "LeNet parameters": models.parameterCount(shapeProbe),
  "MLP parameters": models.parameterCount(mlpProbe),
};
shapeTable
""")

md("05", r"""
The CNN has fewer parameters than the MLP with one hidden layer of 128 (about 62 thousand against 102 thousand on MNIST), yet it is the better model for images:
it builds in the prior that nearby pixels belong together and that a stroke means the same thing wherever it appears.

## 2. Training: Adam vs SGD, CNN vs MLP

Same budget for every run: `trainSize` images, `epochs` epochs, batches of 32, cross-entropy loss, test accuracy on 1000 held-out images.

- CNN + Adam ($\eta = 10^{-3}$, $\beta = (0.9, 0.999)$, the articles' setting) and MLP `784 → 128 → 10` + Adam (article 4 §4.1);
- Adam against plain SGD. Articles 1 and 5 use `optim.SGD(lr=0.01)`; comparing Adam with SGD at an arbitrary $\eta$ would be a strawman, so
  each optimizer first gets a small learning-rate sweep (one epoch on the first 1024 images), and the two are then compared at their own best
  $\eta$ on 3 seeds (initial weights and data order).

> **The article says** (article 3, §3–4): §4 trains `net = Net()` on CIFAR-10, but never defines `Net`; the only `Net` in the article is the §3 skeleton
> (`# 定义网络结构` in an otherwise empty `__init__`, and a `forward` that returns `x` unchanged). §3's loop calls `outputs = net(data)` with `data` the
> `(inputs, labels)` pair and a `labels` that is never assigned; §4 uses `batch_size=4`.
>
> **What actually happens:** that `Net` has no parameters, so `optim.Adam(net.parameters())` raises
> `ValueError: optimizer got an empty parameter list`; `net(data)` passes a tuple where a tensor is expected. Use a real network (the one above),
> feed `inputs` and compare with `labels`. Batches of 4 work but give 12 500 noisy steps per epoch; 32–128 is the usual range.
""")

md("05p", r"""
### The article's PyTorch, corrected: article 3 §3 (Adam training loop)

**As quoted** (article 3, §3 — running it raises `NameError`, checked by CI):

```python article raises=NameError
import torch
import torch.nn as nn
import torch.optim as optim

# 定义模型
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        # 定义网络结构

    def forward(self, x):
        # 定义前向传播
        return x

# 定义损失函数
criterion = nn.CrossEntropyLoss()

# 定义优化器
optimizer = optim.Adam(net.parameters(), lr=0.001)

# 训练模型
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        # 梯度清零
        optimizer.zero_grad()

        # 前向传播
        outputs = net(data)
        loss = criterion(outputs, labels)

        # 反向传播
        loss.backward()

        # 优化器更新参数
        optimizer.step()

        # 打印损失
        running_loss += loss.item()
    print('Epoch: %d, Loss: %.3f' % (epoch + 1, running_loss / len(trainloader)))
```

**Corrected** (a network with parameters, and `inputs` (not the `(inputs, labels)` pair) into it; the last lines show the skeleton's empty parameter list; run by `test/notebooks/pytorch.test.ts` with Debian's `python3-torch`, on small stand-in data):

```python corrected
import torch
import torch.nn as nn

torch.manual_seed(0)

class Net(nn.Module):                                # a network with parameters (the article's skeleton has none)
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 32 * 32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))

images, labels = torch.rand(64, 3, 32, 32), torch.randint(0, 10, (64,))
trainloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=16)

net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
for epoch in range(2):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels_batch = data                  # unpack the pair; the net takes the inputs only
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels_batch)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print('Epoch: %d, Loss: %.3f' % (epoch + 1, running_loss / len(trainloader)))

class EmptyNet(nn.Module):                           # the article's skeleton
    def forward(self, x):
        return x
try:
    torch.optim.Adam(EmptyNet().parameters(), lr=0.001)
    raise AssertionError("an optimizer over no parameters should fail")
except ValueError as error:
    assert "empty parameter list" in str(error)
```

**Ours** (TypeScript, as run in this notebook):

```typescript
const history = await train.fit(cnnFactory(), { optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: imageTrain, epochs, batchSize: 32 });
```
""")

md("05q", r"""
### The article's PyTorch, corrected: article 3 §4 (CIFAR-10 with Adam)

**As quoted** (article 3, §4 — not run: it downloads CIFAR-10 with torchvision):

```python article
import torch
import torchvision
import torchvision.transforms as transforms
import torch.nn as nn
import torch.optim as optim

# 数据加载和预处理
transform = transforms.Compose(
    [transforms.ToTensor(),
     transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])

trainset = torchvision.datasets.CIFAR10(root='./data', train=True,
                                        download=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=4,
                                          shuffle=True, num_workers=2)

testset = torchvision.datasets.CIFAR10(root='./data', train=False,
                                       download=True, transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=4,
                                         shuffle=False, num_workers=2)

classes = ('plane', 'car', 'bird', 'cat',
           'deer', 'dog', 'frog', 'horse', 'ship', 'truck')

# 定义网络
net = Net()

# 定义损失函数
criterion = nn.CrossEntropyLoss()

# 定义优化器
optimizer = optim.Adam(net.parameters(), lr=0.001)

# 训练网络
for epoch in range(10):  # loop over the dataset multiple times

    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        # 获取输入数据
        inputs, labels = data

        # 梯度清零
        optimizer.zero_grad()

        # 前向传播
        outputs = net(inputs)
        loss = criterion(outputs, labels)

        # 后向传播
        loss.backward()

        # 优化器更新参数
        optimizer.step()

        # 打印损失
        running_loss += loss.item()
    print('Epoch: %d, Loss: %.3f' % (epoch + 1, running_loss / len(trainloader)))

print('Finished Training')

# 测试网络
correct = 0
total = 0
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()

print('Accuracy of the network on the 10000 test images: %d %%' % (
    100 * correct / total))
```

**Corrected** (define `Net` (the §4.2 LeNet of article 4), batches of 32, evaluation in `eval()` mode; run by `test/notebooks/pytorch.test.ts` with Debian's `python3-torch`, on small stand-in data):

```python corrected
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

class Net(nn.Module):                                # the network §4 uses but never defines: LeNet for 3x32x32
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

# CIFAR-10 itself: torchvision.datasets.CIFAR10(root='./data', train=True, download=True, transform=...) as in the article.
# Here a CIFAR-shaped stand-in, so that the block runs offline in CI.
trainset = torch.utils.data.TensorDataset(torch.rand(128, 3, 32, 32) * 2 - 1, torch.randint(0, 10, (128,)))
testset = torch.utils.data.TensorDataset(torch.rand(64, 3, 32, 32) * 2 - 1, torch.randint(0, 10, (64,)))
trainloader = torch.utils.data.DataLoader(trainset, batch_size=32, shuffle=True)   # 4 gives very noisy steps
testloader = torch.utils.data.DataLoader(testset, batch_size=32, shuffle=False)

net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
for epoch in range(2):
    running_loss = 0.0
    for i, (inputs, labels) in enumerate(trainloader, 0):
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print('Epoch: %d, Loss: %.3f' % (epoch + 1, running_loss / len(trainloader)))

net.eval()
correct = total = 0
with torch.no_grad():
    for images, labels in testloader:
        predicted = net(images).argmax(1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print('Accuracy of the network on the %d test images: %d %%' % (total, 100 * correct / total))
assert total == 64 and 0 <= correct <= total
```

**Ours** (TypeScript, as run in this notebook):

```typescript
let dataset = "cifar10";   // the parameters cell; data.cifar10 reads the official binary batches
const cnnModel = models.lenet({ channels: 3, size: 32, seed: 31 });
```
""")

md("05r", r"""
### The article's PyTorch, corrected: article 4 §4.2 (the LeNet-style CNN)

**As quoted** (article 4, §4.2 — running it raises `NameError`, checked by CI):

```python article raises=NameError
import torch
import torch.nn as nn
import torch.optim as optim

# 定义卷积神经网络
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(torch.nn.functional.relu(self.conv1(x)))
        x = self.pool(torch.nn.functional.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = torch.nn.functional.relu(self.fc1(x))
        x = torch.nn.functional.relu(self.fc2(x))
        x = self.fc3(x)
        return x

# 创建卷积神经网络实例
net = Net()

# 定义损失函数
criterion = nn.CrossEntropyLoss()

# 定义优化器
optimizer = optim.Adam(net.parameters(), lr=0.001)

# 训练卷积神经网络
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print(f'Epoch {epoch + 1}, loss: {running_loss / len(trainloader)}')
```

**Corrected** (define the `trainloader`, flatten with `torch.flatten` instead of `view(-1, 400)`, and check the MNIST variant's shapes; run by `test/notebooks/pytorch.test.ts` with Debian's `python3-torch`, on small stand-in data):

```python corrected
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

class Net(nn.Module):                                # the article's CNN: right for 3x32x32 (CIFAR-10)
    def __init__(self, channels=3, padding=0):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 6, 5, padding=padding)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)                      # not x.view(-1, 400): never mixes images
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

# The trainloader the article never defines (CIFAR-shaped stand-in data).
data = torch.utils.data.TensorDataset(torch.rand(64, 3, 32, 32), torch.randint(0, 10, (64,)))
trainloader = torch.utils.data.DataLoader(data, batch_size=16, shuffle=True)
net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
for epoch in range(2):
    running_loss = 0.0
    for i, (inputs, labels) in enumerate(trainloader, 0):
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print(f'Epoch {epoch + 1}, loss: {running_loss / len(trainloader)}')

# On 1x28x28 MNIST: one channel, and padding 2 restores the 16*5*5 features; without it there are 16*4*4 = 256.
mnist_net = Net(channels=1, padding=2)
assert mnist_net(torch.rand(8, 1, 28, 28)).shape == (8, 10)
features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.MaxPool2d(2), nn.Flatten())
assert features(torch.rand(2, 1, 28, 28)).shape == (2, 256)
```

**Ours** (TypeScript, as run in this notebook):

```typescript
const cnnModel = isCifar ? models.lenet({ channels: 3, size: 32, seed: 31 }) : models.lenet({ seed: 31 });   // padding 2 on 28×28
```
""")

code("06", r"""
const runBar = (name: string) => ({ progress: true, name });
const cnnModel = cnnFactory();
const cnnAdam = await train.fit(cnnModel, {
  optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: imageTrain, validation: imageTest,
  epochs: epochs, batchSize: 32, metrics: ["accuracy"], seed: 33, ...runBar("CNN + Adam"),
});
const mlpAdam = await train.fit(mlpFactory(), {
  optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: imageTrain, validation: imageTest,
  epochs: epochs, batchSize: 32, metrics: ["accuracy"], seed: 33, ...runBar("MLP + Adam"),
});
plot.table(
  [cnnAdam, mlpAdam].flatMap((h) => h.epochs.map((e) => ({ run: h.name ?? "", epoch: e.epoch, "training loss": e.loss, "test loss": e.valLoss ?? NaN, "test accuracy": e.valAccuracy ?? NaN, seconds: e.time }))),
  { title: `${dataset}: ${trainSize} training images, batch 32 (training loss = mean over the epoch)` },
)
""")

code("06a", r"""
// Adam vs plain SGD, each at its own best η: a sweep (1 epoch, first 1024 images, seed 0), then 3 seeds at the best η.
const sweepSize = Math.min(1024, trainSize);
const sweepSet = { x: imageTrain.x.slice([0, 0], [sweepSize, inputSize]), y: imageTrain.y.slice([0], [sweepSize]) };
const optimizerGrid: { [kind: string]: { make: (eta: number) => tf.Optimizer; lrs: number[] } } = {
  "plain SGD": { make: (eta) => new optim.SGD({ lr: eta }), lrs: [0.01, 0.1, 0.3, 1] },
  Adam: { make: (eta) => new optim.Adam({ lr: eta }), lrs: [1e-3, 3e-3, 1e-2, 3e-2] },
};
const totalRuns11 = 8 + 6;
const bar11 = new train.Progress({ name: "lr sweep + 3 seeds (1 epoch each)", epochs: 1, stepsPerEpoch: totalRuns11 });
const start11 = performance.now();
let done11 = 0;
async function firstEpochLoss(make: () => tf.Optimizer, runSeed: number) {
  const net = isCifar ? models.lenet({ channels: 3, size: 32, seed: 31 + runSeed }) : models.lenet({ seed: 31 + runSeed });
  const h = await train.fit(net, { optimizer: make(), loss: losses.crossEntropy, train: sweepSet, epochs: 1, batchSize: 32, progress: false, seed: 33 + runSeed });
  net.dispose();
  const seconds = (performance.now() - start11) / 1000;
  bar11.update({ epoch: 1, epochs: 1, step: ++done11, stepsPerEpoch: totalRuns11, samplesPerSecond: (done11 * sweepSize) / seconds, elapsed: seconds }, true);
  return h.final("loss");
}
const sweep11: { optimizer: string; η: number; "first-epoch loss": number }[] = [];
for (const [kind, g] of Object.entries(optimizerGrid)) for (const eta of g.lrs) sweep11.push({ optimizer: kind, η: eta, "first-epoch loss": await firstEpochLoss(() => g.make(eta), 0) });
const best11: { [kind: string]: number } = {};
for (const kind of Object.keys(optimizerGrid)) {
  const finite = sweep11.filter((r) => r.optimizer === kind && Number.isFinite(r["first-epoch loss"]));
  best11[kind] = finite.reduce((a, b) => (b["first-epoch loss"] < a["first-epoch loss"] ? b : a)).η;
}
const seeds11: { [kind: string]: number[] } = {};
for (const [kind, g] of Object.entries(optimizerGrid)) {
  seeds11[kind] = [];
  for (const s of [1, 2, 3]) seeds11[kind].push(await firstEpochLoss(() => g.make(best11[kind]), s));
}
bar11.finish();
const untunedSgd11 = sweep11.find((r) => r.optimizer === "plain SGD" && r.η === 0.01)!["first-epoch loss"];
display(plot.table(sweep11.map((r) => ({ ...r, best: r.η === best11[r.optimizer] ? (r.η === optimizerGrid[r.optimizer].lrs[0] || r.η === optimizerGrid[r.optimizer].lrs[3] ? "◀ best (edge of the grid: widen it)" : "◀ best") : "" })), { title: `Learning-rate sweep: one epoch on ${sweepSize} images` }));
plot.table(Object.keys(optimizerGrid).map((kind) => ({ optimizer: kind, "best η": best11[kind], "first-epoch loss, 3 seeds": seeds11[kind].map((v) => v.toFixed(3)).join(", ") })), { title: "At each optimizer's best η" })
""")

code("07", r"""
plot.lossCurves([cnnAdam, mlpAdam], { x: "step", log: true, title: "Training loss per step" })
""")

md("08", r"""
Adam moves every weight by about $\eta$ per step from the start, whatever the scale of its gradient; plain SGD at articles 1 and 5's
$\eta = 0.01$ barely gets going in one epoch (its loss is in the sweep table). Part of that gap is a *tuning* gap — how much of it SGD's own best
$\eta$ removes is printed under the assertions — and over one short epoch (32 steps on the sweep set) what remains is checked seed by seed.
This says nothing about the accuracy after long training, where well-tuned SGD with momentum is competitive. The CNN reaches a higher test
accuracy than the MLP on the same images and the same number of steps.

The CNN's mistakes among the first 300 test images (caption: true label → prediction):
""")

code("09", r"""
const galleryCount = 300;
const galleryImages = tf.tidy(() => {
  const firstImages = imageTest.x.slice([0, 0], [galleryCount, inputSize]);
  // CIFAR-10 is shown in grayscale (mean of the three channels).
  return isCifar ? firstImages.reshape([galleryCount, 32 * 32, 3]).mean(2) : firstImages;
});
const galleryLabels = Array.from(imageTest.y.slice([0], [galleryCount]).dataSync());
const galleryPredictions = tf.tidy(() => Array.from((cnnModel.predict(imageTest.x.slice([0, 0], [galleryCount, inputSize])) as tf.Tensor).argMax(1).dataSync()));
const gallerySide = isCifar ? 32 : 28;
plot.imageGrid(galleryImages, { width: gallerySide, height: gallerySide, labels: galleryLabels, predictions: galleryPredictions, onlyMisclassified: true, limit: 20, title: `CNN + Adam: misclassified among the first ${galleryCount} test images` })
""")

md("10", r"""
## 3. Assertions
""")

code("11", r"""
/** Runs one check on the effect and on its negative control: it must hold on the first and fail on the second. */
function checkAgainstControl<T>(claim: string, check: (run: T) => boolean, effect: T, control: T, detail: string) {
  const onEffect = check(effect);
  const onControl = check(control);
  if (!onEffect) throw new Error(`${claim}: the check fails on the effect (${detail})`);
  if (onControl) throw new Error(`${claim}: the check also passes on the negative control, so it proves nothing (${detail})`);
  return { claim, "check on the effect": onEffect, "check on the control": onControl, detail };
}
const cnnAccuracy = cnnAdam.final("valAccuracy");
const mlpAccuracy = mlpAdam.final("valAccuracy");
const meanOf11 = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const lowerOnEverySeed11 = ([a, b]: number[][]) => a.every((v, i) => v < b[i]);
// The accuracy claims are about the MNIST budget above; a CIFAR-10 smoke run on a few hundred images (CI) checks the data path only.
const enoughData = trainSize >= 2048;
const checks11 = [
  checkAgainstControl("without padding a 28×28 image flattens to 16·4·4 = 256 features, not 400; LeNet with padding 2 is the control", (shape: unknown) => JSON.stringify(shape) === JSON.stringify([null, 256]), unpadded.outputShape, shapeProbe.layers[shapeProbe.layers.findIndex((l) => l.getClassName() === "Flatten")].outputShape, `unpadded ${JSON.stringify(unpadded.outputShape)}`),
  checkAgainstControl("LeNet has fewer parameters than the 128-unit MLP; the reverse comparison is the control", ([a, b]: number[]) => a < b, [models.parameterCount(shapeProbe), models.parameterCount(mlpProbe)], [models.parameterCount(mlpProbe), models.parameterCount(shapeProbe)], `${models.parameterCount(shapeProbe)} vs ${models.parameterCount(mlpProbe)}`),
  checkAgainstControl("tuning SGD lowers its first-epoch loss below SGD at lr = 0.01 (article 1's setting); the reverse comparison is the control", ([a, b]: number[]) => a < b, [meanOf11(seeds11["plain SGD"]), untunedSgd11], [untunedSgd11, meanOf11(seeds11["plain SGD"])], `tuned ${meanOf11(seeds11["plain SGD"]).toFixed(3)} vs ${untunedSgd11.toFixed(3)}`),
];
if (enoughData) {
  checks11.push(
    checkAgainstControl("on the same budget the CNN beats the MLP's test accuracy by ≥ 1 point; the reverse comparison is the control", ([a, b]: number[]) => a >= b + 0.01, [cnnAccuracy, mlpAccuracy], [mlpAccuracy, cnnAccuracy], `CNN ${(100 * cnnAccuracy).toFixed(1)}%, MLP ${(100 * mlpAccuracy).toFixed(1)}%`),
    checkAgainstControl("tuned Adam ends the first epoch below tuned plain SGD on each of 3 seeds; the reverse comparison is the control", lowerOnEverySeed11, [seeds11.Adam, seeds11["plain SGD"]], [seeds11["plain SGD"], seeds11.Adam], `Adam ${seeds11.Adam.map((v) => v.toFixed(3))}, SGD ${seeds11["plain SGD"].map((v) => v.toFixed(3))}`),
  );
  if (!isCifar) checks11.push(checkAgainstControl("the CNN reaches ≥ 90% on MNIST; the MLP is the control", (acc: number) => acc >= 0.9, cnnAccuracy, mlpAccuracy, `CNN ${(100 * cnnAccuracy).toFixed(1)}%, MLP ${(100 * mlpAccuracy).toFixed(1)}%`));
} else {
  console.log(`trainSize = ${trainSize}: too few images for the accuracy claims; only the data path, the shapes and the tuning check are asserted`);
  if (!(imageTrain.x.shape[1] === (isCifar ? 3072 : 784) && imageTrain.y.shape[0] === trainSize)) throw new Error(`unexpected dataset shape ${imageTrain.x.shape} / ${imageTrain.y.shape}`);
}
plot.table(checks11)
""")

code("11a", r"""
`${dataset}: CNN + Adam ${(100 * cnnAccuracy).toFixed(1)}%, MLP + Adam ${(100 * mlpAccuracy).toFixed(1)}%. First-epoch loss on ${sweepSize} images, 3 seeds: ` +
`Adam (best η ${best11.Adam}) ${meanOf11(seeds11.Adam).toFixed(3)}, plain SGD (best η ${best11["plain SGD"]}) ${meanOf11(seeds11["plain SGD"]).toFixed(3)}, plain SGD at 0.01 ${untunedSgd11.toFixed(3)}: ` +
`tuning removes ${(100 * (untunedSgd11 - meanOf11(seeds11["plain SGD"])) / Math.max(1e-9, untunedSgd11 - meanOf11(seeds11.Adam))).toFixed(0)}% of the untuned gap`
""")

md("12", r"""
## Summary

- The articles' LeNet-style CNN needs its first convolution padded (or the flatten size changed) to run on 28×28 MNIST; optimlab's `models.lenet()` does that.
- With the same images, epochs and batch size, the CNN beats the MLP's test accuracy with fewer parameters: weight sharing and locality suit images.
- Adam with $\eta = 10^{-3}$ trains the CNN much faster per step than plain SGD with $\eta = 0.01$. Tuning plain SGD's $\eta$ removes only part of that gap over one short epoch (the printed line under the assertions says how much); compare optimizers at their own best $\eta$, and give SGD momentum before judging it (exercise 1's solution measures how much of the gap momentum closes).

**Exercises**

1. Give SGD momentum 0.9 and $\eta = 0.05$. How close does it get to Adam on this budget?
2. Set `dataset = "cifar10"` (after putting the CIFAR-10 binary batches in the cache folder). How large is the gap between CNN and MLP on colour images, and how far below MNIST are both?
3. Add `dropout: 0.3` to `models.lenet` and train for more epochs. When does dropout start to help the test accuracy?

<details><summary>Solution to exercise 1</summary>

In the collapsed code cell below (tagged `solution`; CI runs it like every other cell, and its check fails if the answer is wrong).
</details>
""")

code("13", r"""
// Solution to exercise 1 (collapsed; CI runs it): SGD with momentum 0.9 and η = 0.05 on the budget of the §2 comparison (one epoch on the
// sweep set, seeds 1–3, the same initial weights and batches as the other rows). Momentum makes the effective step η/(1 − β) = 0.5.
const momentumSgd11: number[] = [];
for (const s of [1, 2, 3]) {
  const net = isCifar ? models.lenet({ channels: 3, size: 32, seed: 31 + s }) : models.lenet({ seed: 31 + s });
  const h = await train.fit(net, { optimizer: new optim.SGD({ lr: 0.05, momentum: 0.9 }), loss: losses.crossEntropy, train: sweepSet, epochs: 1, batchSize: 32, progress: true, seed: 33 + s, name: `SGD momentum 0.9, η = 0.05, seed ${s}` });
  net.dispose();
  momentumSgd11.push(h.final("loss"));
}
/** The share of the gap between plain SGD at 0.01 and tuned Adam that a mean first-epoch loss closes. */
const closedGap = (loss: number) => (untunedSgd11 - loss) / Math.max(1e-9, untunedSgd11 - meanOf11(seeds11.Adam));
// The check (on the MNIST budget): momentum SGD ends below plain SGD at 0.01 on every seed; the reverse comparison is the control.
const belowUntuned = (xs: number[], ys: number[]) => xs.every((v, i) => v < ys[i]);
const untunedRow = [untunedSgd11, untunedSgd11, untunedSgd11];
if (enoughData && !(belowUntuned(momentumSgd11, untunedRow) && !belowUntuned(untunedRow, momentumSgd11))) throw new Error(`momentum SGD (${momentumSgd11}) should end below plain SGD at 0.01 (${untunedSgd11}) on every seed`);
plot.table([
  { optimizer: "SGD, momentum 0.9, η = 0.05", "first-epoch loss, 3 seeds": momentumSgd11.map((v) => v.toFixed(3)).join(", "), mean: meanOf11(momentumSgd11), "share of the gap closed": closedGap(meanOf11(momentumSgd11)) },
  { optimizer: `plain SGD, best η = ${best11["plain SGD"]}`, "first-epoch loss, 3 seeds": seeds11["plain SGD"].map((v) => v.toFixed(3)).join(", "), mean: meanOf11(seeds11["plain SGD"]), "share of the gap closed": closedGap(meanOf11(seeds11["plain SGD"])) },
  { optimizer: `Adam, best η = ${best11.Adam}`, "first-epoch loss, 3 seeds": seeds11.Adam.map((v) => v.toFixed(3)).join(", "), mean: meanOf11(seeds11.Adam), "share of the gap closed": 1 },
  { optimizer: "plain SGD, η = 0.01 (seed 0)", "first-epoch loss, 3 seeds": untunedSgd11.toFixed(3), mean: untunedSgd11, "share of the gap closed": 0 },
])
""", SOLUTION)


nb = {"cells": cells, "metadata": {'kernelspec': {'name': 'optimlab', 'display_name': 'TypeScript (optimlab)', 'language': 'typescript'}, 'language_info': {'name': 'typescript', 'file_extension': '.ts', 'mimetype': 'text/typescript'}}, "nbformat": 4, "nbformat_minor": 5}
root = os.environ.get("OPTIMLAB_NOTEBOOK_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.makedirs(os.path.join(root, "notebooks"), exist_ok=True)
with open(os.path.join(root, "notebooks", "11-cnn-with-adam.ipynb"), "w", encoding="utf-8") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
    f.write("\n")
