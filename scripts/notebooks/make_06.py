"""Writes notebooks/06-dropout.ipynb (stable cell ids, no outputs); test/notebooks/generators.test.ts checks the
committed notebook is exactly this output. OPTIMLAB_NOTEBOOK_OUT redirects the output folder."""
import json
import os
cells = []
def md(id, text, metadata=None): cells.append({"cell_type": "markdown", "id": f"06-{id}", "metadata": metadata or {}, "source": text.strip("\n").splitlines(True)})
def code(id, text, metadata=None): cells.append({"cell_type": "code", "id": f"06-{id}", "metadata": metadata or {}, "source": text.strip("\n").splitlines(True), "execution_count": None, "outputs": []})
SOLUTION = {"jupyter": {"source_hidden": True}, "tags": ["solution"]}

md("00", r"""
# 06 · Dropout

**Reproduces:** article 1 (`seeds/000_ab823c159ee66074.txt`) §3.6 and §4.3; article 2 (`seeds/001_f7681a802ea0517e.txt`) §3.3;
article 5 (`seeds/004_75a28a0732f83ea3.txt`) §2.3, §3.2 and §4.2 "Dropout实例".

**You will learn**

- the correct (inverted) dropout formula, and why the formulas in three of the articles are wrong;
- what training mode and evaluation mode change;
- how dropout improves the validation loss and accuracy of an overfitting MNIST network with noisy labels, and why a smaller gap between training and validation alone proves nothing (underfitting at large $p$ shrinks it too).

Run time: 30–54 s, kernel start included, measured on 2026-12-07 on two CPU cores: 30 s in a CI run (two notebooks at a time, load average ≈ 2), 33 and 54 s here on the machine shared with other jobs (load average 5.6–7.1); every training run shows a progress bar. To scale up, raise `smallTrainSize` and `dropoutEpochs`.
""")

code("01", r"""
import { regularize, data, models, losses, optim, train, plot, backend, seed } from "optimlab";
import * as tf from "@tensorflow/tfjs";
await backend.ready();
seed(0);
""")

md("02", r"""
## 1. Inverted dropout

In training, each activation is kept with probability $1-p$ and the kept ones are scaled up (PyTorch's `nn.Dropout(p)`, `regularize.dropout` here):

$$y_i = \frac{m_i\,x_i}{1-p}, \qquad m_i \sim \text{Bernoulli}(1-p) \text{ independently}, \qquad \mathbb E[y_i] = \frac{(1-p)\,x_i}{1-p} = x_i .$$

In evaluation, $y = x$: nothing is dropped and nothing is rescaled, because the training-time scaling already made the expected activation match.
""")

code("03", r"""
const onesBig = tf.ones([200000]);
const dropoutRows = [0.2, 0.5, 0.8].map((p) => {
  const y = regularize.dropout(onesBig, p, { training: true, seed: 1 });
  const values = y.dataSync();
  const zeros = values.filter((v) => v === 0).length / values.length;
  const row = { p, "fraction zeroed": zeros, "mean (expected 1)": y.mean().dataSync()[0], "kept value": 1 / (1 - p) };
  y.dispose();
  return row;
});
plot.table(dropoutRows)
""")

md("04", r"""
> **The articles say:**
> - article 1, §3.6: $p_i^{(l+1)} = p_i^{(l)}/(1-\alpha)$ — every output divided by $1-\alpha$, with no random mask at all;
> - article 2, §3.3: $\hat y = \frac{1}{1-p}\sum_j \frac{a_j}{M}\cdot\text{random}(0,1)\cdot\theta_j$, implemented as "multiply the input by a random matrix with entries between 0 and 1";
> - article 5, §3.2: $z_i = \sum_j a_j W_{ij}(1-r_j)$ "where $r_j$ is the dropout probability", with all units used unchanged at test time.
>
> 原文（article 1 §3.6）：「$\alpha$表示Dropout率」
> 原文（article 2 §3.3）：「将这个矩阵与模型的输入相乘」
> 原文（article 5 §3.2）：「是随机丢弃的概率」
>
> **What actually happens:** article 1's formula drops nothing and inflates every activation by $1/(1-\alpha)$; article 2 multiplies by
> *uniform* noise, which never zeroes a unit and changes the mean to $\frac{1}{2(1-p)}$; article 5 multiplies by $1-r_j$ (a constant if $r_j$ is the probability) and, if $r_j$ is read as
> a Bernoulli sample, has no $1/(1-p)$ rescaling, so training-time activations are on average $(1-p)$ times the test-time ones. The table below measures the mean and the
> fraction of zeros of each rule on an input of ones.
""")

code("05", r"""
function ruleStats(name: string, p: number, apply: (x: tf.Tensor) => tf.Tensor) {
  return tf.tidy(() => {
    const y = apply(onesBig);
    return { rule: name, p, mean: y.mean().dataSync()[0], "fraction zeroed": y.equal(0).mean().dataSync()[0] };
  });
}
const uniformNoise = (x: tf.Tensor) => tf.randomUniform(x.shape, 0, 1, "float32", 3);
const bernoulliKeep = (x: tf.Tensor, p: number) => tf.randomUniform(x.shape, 0, 1, "float32", 4).greaterEqual(p).toFloat();
const ruleRows = [0.2, 0.5].flatMap((p) => [
  ruleStats("inverted dropout (PyTorch)", p, (x) => regularize.dropout(x, p, { seed: 2 })),
  ruleStats("article 1: x/(1−α)", p, (x) => x.div(1 - p)),
  ruleStats("article 2: x·U(0,1)/(1−p)", p, (x) => x.mul(uniformNoise(x)).div(1 - p)),
  ruleStats("article 5: x·mask, no rescale", p, (x) => x.mul(bernoulliKeep(x, p))),
]);
plot.table(ruleRows)
""")

md("06", r"""
## 2. Training mode and evaluation mode

`models.mlp({ dropout: p })` inserts a dropout layer after each hidden activation. `train.fit` calls the model with `training: true`;
evaluation (`train.evaluateModel`, validation inside `fit`) uses `training: false`. In training mode two calls on the same input differ; in evaluation they are identical.
The same net without dropout, the control, gives identical calls in both modes.
In PyTorch this is `model.train()` / `model.eval()` — which none of the articles' training loops call.
""")

code("07", r"""
const probeNet = models.mlp({ sizes: [784, 64, 10], dropout: 0.5, seed: 5 });
const probeX = tf.randomUniform([4, 784], 0, 1, "float32", 6);
// The control: the same net without dropout, whose two calls agree in both modes.
const plainProbeNet = models.mlp({ sizes: [784, 64, 10], seed: 5 });
const outputsDiffer = (training: boolean, net = probeNet) =>
  tf.tidy(() => {
    const a = net.apply(probeX, { training }) as tf.Tensor;
    const b = net.apply(probeX, { training }) as tf.Tensor;
    return a.sub(b).abs().max().dataSync()[0];
  });
const trainModeDiff = outputsDiffer(true);
const evalModeDiff = outputsDiffer(false);
const plainTrainModeDiff = outputsDiffer(true, plainProbeNet);
const plainEvalModeDiff = outputsDiffer(false, plainProbeNet);
({ trainModeDiff, evalModeDiff, plainTrainModeDiff, plainEvalModeDiff })
""")

md("08", r"""
## 3. Dropout against overfitting

A `784 → 256 → 256 → 10` MLP trained with Adam on only `smallTrainSize` MNIST images, each of whose labels is replaced by another, random class
with probability 0.2, so that about a fifth carry a **wrong label** (the count is printed below; a common situation with real data), overfits badly: without
dropout it memorizes the wrong labels too — its training accuracy ends near 100% (the "train acc" column below) and it predicts the wrong label of every
mislabelled image ("wrong labels fitted": the fraction of those images predicted with their wrong label) while validation suffers. We train it with $p \in \{0, 0.5, 0.9\}$ from the same initial weights and compare the validation loss and accuracy,
and the **generalization gap** (validation loss minus training loss), all measured in evaluation mode.
""")

code("09", r"""
const smallTrainSize = 512;
// 24 epochs: dropout slows the fit; after 16 the p = 0.5 net was still far from fitting its training set and its validation loss was not below no dropout's on every seed.
const dropoutEpochs = 24;
const cleanTrain = await data.mnist({ split: "train", limit: smallTrainSize });
const heldOut = await data.mnist({ split: "test", limit: 500 });
// Replace 20% of the training labels by a different, random class (seeded).
const labelRng = backend.rng(9);
const cleanLabels: number[] = Array.from(cleanTrain.y.dataSync(), (v) => Number(v));
const noisyLabels = cleanLabels.map((label) => (labelRng.uniform() < 0.2 ? (label + 1 + labelRng.int(9)) % 10 : label));
const smallTrain = { x: cleanTrain.x, y: tf.tensor1d(noisyLabels, "int32") };
// The images whose label was changed, with their wrong label: the fraction a net predicts "correctly" here is how much of the noise it memorized.
const wrongIndices = noisyLabels.flatMap((label, i) => (label !== cleanLabels[i] ? [i] : []));
const wrongSet = { x: tf.gather(cleanTrain.x, wrongIndices), y: tf.tensor1d(wrongIndices.map((i) => noisyLabels[i]), "int32") };
console.log(`wrong labels: ${wrongIndices.length} of ${smallTrainSize} images (${((100 * wrongIndices.length) / smallTrainSize).toFixed(1)}%)`);
// p = 0.9 is the underfitting control: it shrinks the gap too, for the wrong reason.
const dropoutPs = [0, 0.5, 0.9];
type DropoutResult = { history: train.History; trainLoss: number; valLoss: number; trainAcc: number; valAcc: number; wrongFit: number };
/** Trains the 784-256-256-10 MLP with dropout p; runSeed changes the initial weights and the data order (the labels stay the same). */
async function dropoutRun(p: number, runSeed: number): Promise<DropoutResult> {
  const net = models.mlp({ sizes: [784, 256, 256, 10], dropout: p, seed: 7 + 10 * runSeed });
  const history = await train.fit(net, {
    optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: smallTrain, validation: heldOut,
    epochs: dropoutEpochs, batchSize: 64, metrics: ["accuracy"], progress: true, seed: 8 + 10 * runSeed, name: `p = ${p}, seed ${runSeed}`,
  });
  const metrics = [{ name: "accuracy", fn: train.accuracy }];
  const onTrain = train.evaluateModel(net, smallTrain, losses.crossEntropy, metrics);
  const onVal = train.evaluateModel(net, heldOut, losses.crossEntropy, metrics);
  const onWrong = train.evaluateModel(net, wrongSet, losses.crossEntropy, metrics);
  net.dispose();
  return { history, trainLoss: onTrain.loss, valLoss: onVal.loss, trainAcc: onTrain.accuracy, valAcc: onVal.accuracy, wrongFit: onWrong.accuracy };
}
const dropoutResults = new Map<number, DropoutResult>();
for (const p of dropoutPs) dropoutResults.set(p, await dropoutRun(p, 0));
const gapRows = dropoutPs.map((p) => {
  const r = dropoutResults.get(p)!;
  return { p, "train loss": r.trainLoss, "validation loss": r.valLoss, "gap": r.valLoss - r.trainLoss, "train acc": r.trainAcc, "wrong labels fitted": r.wrongFit, "validation acc": r.valAcc };
});
plot.table(gapRows)
""")

md("10", r"""
Move the slider to see the training and validation curves for each $p$ (the training curve is recorded in training mode, with dropout active).
""")

code("11", r"""
plot.slider(dropoutPs, (p) => plot.lossCurves([dropoutResults.get(p)!.history], { x: "epoch", title: `Dropout p = ${p}`, yLabel: "cross-entropy (nats)" }), { label: "dropout p" })
""")

code("12", r"""
plot.line(
  { "validation − training loss": { x: dropoutPs, y: gapRows.map((r) => r.gap) } },
  { title: "Generalization gap against dropout rate", xLabel: "dropout p", yLabel: "loss gap (nats)", markers: true },
)
""")

md("12a", r"""
**The gap is the wrong thing to assert.** A smaller validation−training gap also comes with *underfitting*: at $p = 0.9$ the network barely fits
the training set, so the gap shrinks while the validation loss gets worse (row $p = 0.9$ above). What dropout must show is a **better validation
loss and accuracy** than no dropout — checked on 3 seeds (initial weights and data order) for $p = 0$ and $p = 0.5$, and for $p = 0.9$, whose
smaller gap and worse validation loss §4 asserts on the same 3 seeds:
""")

code("12b", r"""
const seedRuns06 = new Map<number, DropoutResult[]>(dropoutPs.map((p) => [p, [dropoutResults.get(p)!]]));
for (const s of [1, 2]) for (const p of dropoutPs) seedRuns06.get(p)!.push(await dropoutRun(p, s));
const meanStd06 = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
};
plot.table(dropoutPs.map((p) => {
  const rs = seedRuns06.get(p)!;
  const vl = meanStd06(rs.map((r) => r.valLoss));
  const va = meanStd06(rs.map((r) => r.valAcc));
  return { p, "validation loss (3 seeds)": vl.mean, "± std": vl.std, "validation acc": va.mean, "acc ± std": va.std, "train loss": meanStd06(rs.map((r) => r.trainLoss)).mean, "train acc": meanStd06(rs.map((r) => r.trainAcc)).mean, "wrong labels fitted": meanStd06(rs.map((r) => r.wrongFit)).mean, "per-seed validation loss": rs.map((r) => r.valLoss.toFixed(3)).join(", "), "per-seed gap": rs.map((r) => (r.valLoss - r.trainLoss).toFixed(3)).join(", ") };
}))
""")

md("13", r"""
> **The article says** (article 5, FAQ): "Dropout and Batch Normalization are both methods to prevent overfitting … Batch Normalization normalizes the input data."
>
> 原文（article 5 FAQ）：「Batch Normalization通过归一化输入数据来实现模型的正则化」
>
> **What actually happens:** batch norm normalizes each layer's *activations* with minibatch statistics; its main effect is on optimization
> (it allows larger learning rates), and its regularizing effect is a side effect of batch noise. Notebook 10 compares the two.

> **The article says** (article 5, §4.1–4.2): both examples define `class Net` and then train `model`:
> 原文（article 5 §4.1–4.2）：「optimizer = optim.SGD(model.parameters(), lr=0.01)」
>
> **What actually happens:** `model` is never created (`model = Net()` is missing), so both snippets raise `NameError`; `trainloader` is never defined
> either. §4.2's `Net` also applies dropout between `fc1` and `fc2` with no activation, so apart from the noise it is a linear model. The corrected
> PyTorch below instantiates the model, adds the ReLU and switches `model.train()` / `model.eval()`.
""")

md("13p", r"""
### The article's PyTorch, corrected: article 1 §4.3 (dropout)

**As quoted** (article 1, §4.3 — running it raises `NameError`, checked by CI):

```python article raises=NameError
import torch
import torch.nn as nn
import torch.optim as optim

# 定义模型
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 1)
        self.dropout = nn.Dropout(p=0.5)

    def forward(self, x):
        x = self.dropout(torch.relu(self.fc1(x)))
        x = self.fc2(x)
        return x

# 定义损失函数
criterion = nn.MSELoss()

# 定义优化器
optimizer = optim.SGD(net.parameters(), lr=0.01)

# 训练模型
for epoch in range(1000):
    optimizer.zero_grad()
    outputs = net(inputs)
    loss = criterion(outputs, targets)
    loss.backward()
    optimizer.step()
```

**Corrected** (create `net`, and switch `train()`/`eval()` — checked: eval mode is deterministic, train mode is not; run by `test/notebooks/pytorch.test.ts` with Debian's `python3-torch`, on small stand-in data):

```python corrected
import torch
import torch.nn as nn

torch.manual_seed(0)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 1)
        self.dropout = nn.Dropout(p=0.5)

    def forward(self, x):
        return self.fc2(self.dropout(torch.relu(self.fc1(x))))

inputs, targets = torch.randn(64, 10), torch.randn(64, 1)
net = Net()
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
net.train()                                          # dropout active while fitting
for epoch in range(100):
    optimizer.zero_grad()
    loss = criterion(net(inputs), targets)
    loss.backward()
    optimizer.step()
net.eval()                                           # and off for evaluation: the output is deterministic
with torch.no_grad():
    assert torch.equal(net(inputs), net(inputs))
net.train()
with torch.no_grad():
    assert not torch.equal(net(inputs), net(inputs))
```

**Ours** (TypeScript, as run in this notebook):

```typescript
const net = models.mlp({ sizes: [10, 5, 1], dropout: 0.5, seed: 0 });   // train.fit trains in training mode, evaluates in eval mode
```
""")

md("13q", r"""
### The article's PyTorch, corrected: article 5 §4.2 (dropout)

**As quoted** (article 5, §4.2 — running it raises `NameError`, checked by CI):

```python article raises=NameError
import torch
import torch.nn as nn
import torch.optim as optim

# 定义模型
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = self.dropout(x)
        x = self.fc2(x)
        return x

# 定义损失函数
criterion = nn.CrossEntropyLoss()

# 定义优化器
optimizer = optim.SGD(model.parameters(), lr=0.01)

# 训练模型
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print(f'Epoch {epoch + 1}, loss: {running_loss / len(trainloader)}')
```

**Corrected** (create `model`, put a ReLU between the layers, and check inverted dropout's mask; run by `test/notebooks/pytorch.test.ts` with Debian's `python3-torch`, on small stand-in data):

```python corrected
import torch
import torch.nn as nn

torch.manual_seed(0)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))                  # the article has no activation here: a linear model
        return self.fc2(self.dropout(x))

images, labels = torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))
trainloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=32)
model = Net()                                        # the article never creates `model`
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
model.train()
for epoch in range(2):
    for inputs, targets in trainloader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
model.eval()                                         # all units, no rescaling needed: nn.Dropout scaled by 1/(1-p) in training
with torch.no_grad():
    assert torch.equal(model(images[:4]), model(images[:4]))
# nn.Dropout zeroes a fraction p and keeps the mean (inverted dropout).
drop = nn.Dropout(0.5).train()
out = drop(torch.ones(100000))
assert abs((out == 0).float().mean().item() - 0.5) < 0.01 and abs(out.mean().item() - 1) < 0.02
```

**Ours** (TypeScript, as run in this notebook):

```typescript
const net = models.mlp({ sizes: [784, 128, 10], dropout: 0.5, seed: 7 });   // ReLU between the layers, inverted dropout
```

## 4. Assertions
""")

code("14", r"""
/** Runs one check on the effect and on its negative control: it must hold on the first and fail on the second. */
function checkAgainstControl<T>(claim: string, check: (run: T) => boolean, effect: T, control: T, detail: string) {
  const onEffect = check(effect);
  const onControl = check(control);
  if (!onEffect) throw new Error(`${claim}: the check fails on the effect (${detail})`);
  if (onControl) throw new Error(`${claim}: the check also passes on the negative control, so it proves nothing (${detail})`);
  return { claim, "check on the effect": onEffect, "check on the control": onControl, detail };
}
type MaskStats = { p: number; mean: number; zeroed: number };
const preservesMean = (r: MaskStats) => Math.abs(r.mean - 1) < 0.02 && Math.abs(r.zeroed - r.p) < 0.01;
const ruleStatsOf = (rule: string, p: number): MaskStats => {
  const r = ruleRows.find((x) => x.rule === rule && x.p === p)!;
  return { p, mean: r.mean, zeroed: r["fraction zeroed"] };
};
const maskChecks = [0.2, 0.5].flatMap((p) => {
  const row = dropoutRows.find((r) => r.p === p)!;
  const effect: MaskStats = { p, mean: row["mean (expected 1)"], zeroed: row["fraction zeroed"] };
  return ["article 1: x/(1−α)", "article 2: x·U(0,1)/(1−p)", "article 5: x·mask, no rescale"].map((rule) => {
    const control = ruleStatsOf(rule, p);
    return checkAgainstControl(`inverted dropout p = ${p} zeroes a fraction p and keeps the mean; control: ${rule}`, preservesMean, effect, control, `zeroed ${effect.zeroed.toFixed(3)}, mean ${effect.mean.toFixed(3)}; control: zeroed ${control.zeroed.toFixed(3)}, mean ${control.mean.toFixed(3)}`);
  });
});
const withDrop = seedRuns06.get(0.5)!;
const without = seedRuns06.get(0)!;
const underfit = seedRuns06.get(0.9)!;
// The negative control of "p = 0.5 is better": the same net without dropout on 3 other seeds (initial weights and data order), i.e. what chance alone gives.
const otherSeeds06: DropoutResult[] = [];
for (const s of [3, 4, 5]) otherSeeds06.push(await dropoutRun(0, s));
const better = ([a, b]: DropoutResult[][]) => a.every((r, i) => r.valLoss < b[i].valLoss && r.valAcc >= b[i].valAcc);
const gap06 = (r: DropoutResult) => r.valLoss - r.trainLoss;
/** The gap check, seed by seed: validation − training gap below 0.6× the gap without dropout on the same seed. */
const gapShrinks = (runs: DropoutResult[]) => runs.every((r, i) => gap06(r) < 0.6 * gap06(without[i]));
const worseThanNoDropout = (runs: DropoutResult[]) => runs.every((r, i) => r.valLoss > without[i].valLoss);
const losses3 = (runs: DropoutResult[]) => runs.map((r) => r.valLoss.toFixed(3)).join(", ");
const checks06 = [
  ...maskChecks,
  checkAgainstControl("training mode is random, evaluation mode deterministic; the same net without dropout is the control", ([train_, eval_]: number[]) => train_ > 1e-3 && eval_ === 0, [trainModeDiff, evalModeDiff], [plainTrainModeDiff, plainEvalModeDiff], `train-mode difference ${trainModeDiff.toFixed(3)}, eval-mode ${evalModeDiff}; without dropout: ${plainTrainModeDiff}, ${plainEvalModeDiff}`),
  checkAgainstControl("p = 0.5 lowers validation loss and keeps or raises validation accuracy on each of 3 seeds; no dropout on 3 other seeds is the control", better, [withDrop, without], [otherSeeds06, without], `validation loss ${without.map((r) => r.valLoss.toFixed(3))} → ${withDrop.map((r) => r.valLoss.toFixed(3))}; no dropout, seeds 3–5: ${otherSeeds06.map((r) => r.valLoss.toFixed(3))}, accuracy ${without.map((r) => r.valAcc.toFixed(3))} → ${otherSeeds06.map((r) => r.valAcc.toFixed(3))}`),
  checkAgainstControl("the gap check (gap below 0.6× the no-dropout gap) passes at p = 0.9 on each of 3 seeds; no dropout is the control", gapShrinks, underfit, without, `gap at p = 0.9: ${underfit.map((r) => gap06(r).toFixed(3)).join(", ")}; without dropout: ${without.map((r) => gap06(r).toFixed(3)).join(", ")}`),
  checkAgainstControl("…yet p = 0.9's validation loss is worse than without dropout on each of 3 seeds: the gap check passes on underfitting too; p = 0.5 is the control", worseThanNoDropout, underfit, withDrop, `validation loss at p = 0.9: ${losses3(underfit)}; p = 0.5: ${losses3(withDrop)}; without dropout: ${losses3(without)}; p = 0.5 passes the gap check too: ${gapShrinks(withDrop)}`),
];
plot.table(checks06)
""")

code("14a", r"""
const vl0 = meanStd06(without.map((r) => r.valLoss));
const vl5 = meanStd06(withDrop.map((r) => r.valLoss));
const va0 = meanStd06(without.map((r) => r.valAcc));
const va5 = meanStd06(withDrop.map((r) => r.valAcc));
const vl9 = meanStd06(underfit.map((r) => r.valLoss));
`validation loss ${vl0.mean.toFixed(3)} ± ${vl0.std.toFixed(3)} without dropout → ${vl5.mean.toFixed(3)} ± ${vl5.std.toFixed(3)} at p = 0.5; accuracy ${va0.mean.toFixed(3)} → ${va5.mean.toFixed(3)} (3 seeds). p = 0.9 passes the gap check on every seed (${gapShrinks(underfit)}) but its validation loss is ${vl9.mean.toFixed(3)} ± ${vl9.std.toFixed(3)}`
""")

md("15", r"""
## Summary

- Inverted dropout keeps each unit with probability $1-p$ and scales kept units by $1/(1-p)$; evaluation mode is the identity.
- Articles 1, 2 and 5 give formulas that either drop nothing, use uniform noise, or forget the rescaling.
- Always switch modes: `training: true` while fitting, `false` for evaluation (`model.train()` / `model.eval()` in PyTorch).
- On a small training set with noisy labels, dropout reduces the memorization of the noise but does not prevent it: at $p = 0.5$ the network still fits 0.45 of the wrong labels (1 without dropout) and reaches a training accuracy of 0.89 on the noisy labels (1 without), means of 3 seeds in §3's second table; its validation loss is better on each of the 3 seeds. A smaller gap alone proves nothing — underfitting ($p = 0.9$) shrinks it too.

**Exercises**

1. Set the label-noise rate to 0 (keep the 512 images). Does dropout still help, and by how much compared with noisy labels? Then try `smallTrainSize = 4096` too.
2. Remove the $1/(1-p)$ scaling (article 5's formula) by writing your own layer, and evaluate without rescaling the weights. What happens to validation accuracy for $p=0.5$?
3. Combine dropout with L2 (`regularizer`) or max-norm (notebook 08). Which gives the best validation loss here (not the smallest gap: §3 shows why), on 3 seeds?

<details><summary>Solutions to exercises 1, 2 and 3</summary>

In the three collapsed code cells below (tagged `solution`; CI runs them like every other cell, and their checks fail if an answer is wrong).
The first answers exercise 1 on the 512 images only (4096 images would take eight times as long).
</details>
""")

code("15a", r"""
// Solution to exercise 1 (collapsed; CI runs it): the same 512 images with their clean labels, p = 0 and p = 0.5 on the 3 seeds of §3.
const cleanRuns = new Map<number, { valLoss: number; valAcc: number }[]>([[0, []], [0.5, []]]);
for (const s of [0, 1, 2]) for (const p of [0, 0.5]) {
  const net = models.mlp({ sizes: [784, 256, 256, 10], dropout: p, seed: 7 + 10 * s });
  await train.fit(net, {
    optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: cleanTrain,
    epochs: dropoutEpochs, batchSize: 64, progress: true, seed: 8 + 10 * s, name: `clean labels, p = ${p}, seed ${s}`,
  });
  const scores = train.evaluateModel(net, heldOut, losses.crossEntropy, [{ name: "accuracy", fn: train.accuracy }]);
  net.dispose();
  cleanRuns.get(p)!.push({ valLoss: scores.loss, valAcc: scores.accuracy });
}
const gainPerSeed = (runs: Map<number, { valLoss: number }[]>) => runs.get(0)!.map((r, i) => r.valLoss - runs.get(0.5)![i].valLoss);
const cleanGain = gainPerSeed(cleanRuns);
const noisyGain = gainPerSeed(seedRuns06);
// The check: dropout's gain in validation loss is larger with the wrong labels than with clean ones on every seed (there is less noise to
// memorize). The control is the same check where dropout is absent: the "gain" of a change of seed alone on the noisy labels (no dropout,
// seeds 3–5 of §4 against seeds 0–2), which must not beat the clean-label gain. Whether dropout still helps at all on clean labels is in the table.
const largerOnEverySeed = ([a, b]: number[][]) => a.every((v, i) => v > b[i]);
const chanceGain = seedRuns06.get(0)!.map((r, i) => r.valLoss - otherSeeds06[i].valLoss);
if (!largerOnEverySeed([noisyGain, cleanGain])) throw new Error(`dropout's gain should be larger with noisy labels (${noisyGain}) than with clean ones (${cleanGain}) on every seed`);
if (largerOnEverySeed([chanceGain, cleanGain])) throw new Error(`control: a change of seed alone (${chanceGain}) should not beat the clean-label gain (${cleanGain}) on every seed`);
console.log(`gain per seed: noisy labels ${noisyGain.map((v) => v.toFixed(3)).join(", ")}; clean labels ${cleanGain.map((v) => v.toFixed(3)).join(", ")}; control, no dropout, another seed: ${chanceGain.map((v) => v.toFixed(3)).join(", ")}`);
plot.table([
  { labels: "clean", "validation loss, p = 0 (3 seeds)": meanStd06(cleanRuns.get(0)!.map((r) => r.valLoss)).mean, "p = 0.5": meanStd06(cleanRuns.get(0.5)!.map((r) => r.valLoss)).mean, "gain per seed": cleanGain.map((v) => v.toFixed(3)).join(", "), "accuracy, p = 0": meanStd06(cleanRuns.get(0)!.map((r) => r.valAcc)).mean, "accuracy, p = 0.5": meanStd06(cleanRuns.get(0.5)!.map((r) => r.valAcc)).mean },
  { labels: "20% wrong (§3)", "validation loss, p = 0 (3 seeds)": meanStd06(seedRuns06.get(0)!.map((r) => r.valLoss)).mean, "p = 0.5": meanStd06(seedRuns06.get(0.5)!.map((r) => r.valLoss)).mean, "gain per seed": noisyGain.map((v) => v.toFixed(3)).join(", "), "accuracy, p = 0": meanStd06(seedRuns06.get(0)!.map((r) => r.valAcc)).mean, "accuracy, p = 0.5": meanStd06(seedRuns06.get(0.5)!.map((r) => r.valAcc)).mean },
])
""", SOLUTION)

code("16", r"""
// Solution to exercise 2 (collapsed; CI runs it): article 5's dropout — a Bernoulli mask, no 1/(1 − p) rescaling — as our own layer, trained
// like the p = 0.5 run of §3 (same initial weights, seed 0). At test time all units are used unchanged, so every dropout layer passes on
// 1/(1 − p) = 2× what it passed on in training, and the logits are inflated (about 2² = 4× through two layers, less with the biases). The check
// measures that mismatch: mean |logit| in evaluation over mean |logit| in training mode. The control is the same net evaluated with the
// activations scaled by 1 − p (the classic test-time weight scaling), where the mismatch is gone. The table shows what it does to accuracy and loss.
class UnscaledDropout extends tf.layers.Layer {
  static className = "UnscaledDropout";
  calls = 0;
  /** What evaluation multiplies the activations by: 1 (article 5) or 1 − p (weight scaling). */
  testScale = 1;
  constructor(readonly rate: number, readonly maskSeed: number) {
    super({});
  }
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training) return x.mul(this.testScale);
    return x.mul(tf.randomUniform(x.shape, 0, 1, "float32", this.maskSeed + this.calls++).greaterEqual(this.rate).toFloat());
  }
}
const unscaledDrops = [new UnscaledDropout(0.5, 1000), new UnscaledDropout(0.5, 2000)];
const unscaledNet = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [784], units: 256, activation: "relu" }), unscaledDrops[0],
  tf.layers.dense({ units: 256, activation: "relu" }), unscaledDrops[1], tf.layers.dense({ units: 10 }),
] });
const sameStart = models.mlp({ sizes: [784, 256, 256, 10], dropout: 0.5, seed: 7 });
unscaledNet.setWeights(sameStart.getWeights());
sameStart.dispose();
await train.fit(unscaledNet, {
  optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: smallTrain,
  epochs: dropoutEpochs, batchSize: 64, progress: true, seed: 8, name: "article 5's dropout (no rescaling), p = 0.5",
});
const meanAbsLogit = (training: boolean) => tf.tidy(() => (unscaledNet.apply(heldOut.x, { training }) as tf.Tensor).abs().mean().dataSync()[0]);
const trainingModeLogit = meanAbsLogit(true);
const evaluateWithScale = (scale: number) => {
  unscaledDrops.forEach((layer) => (layer.testScale = scale));
  const scores = train.evaluateModel(unscaledNet, heldOut, losses.crossEntropy, [{ name: "accuracy", fn: train.accuracy }]);
  return { loss: scores.loss, accuracy: scores.accuracy, logitRatio: meanAbsLogit(false) / trainingModeLogit };
};
const articleEval = evaluateWithScale(1);
const scaledEval = evaluateWithScale(0.5);
unscaledNet.dispose();
const invertedRun = dropoutResults.get(0.5)!;
const inflated = (r: { logitRatio: number }) => r.logitRatio > 1.5;
if (!(inflated(articleEval) && !inflated(scaledEval))) throw new Error(`test-time logits should be inflated without rescaling (${articleEval.logitRatio.toFixed(2)}×) and not with test-time scaling (${scaledEval.logitRatio.toFixed(2)}×)`);
plot.table([
  { "p = 0.5": "article 5: no rescaling in training or at test", "test / training mean |logit|": articleEval.logitRatio, "validation loss": articleEval.loss, "validation acc": articleEval.accuracy },
  { "p = 0.5": "same net, activations × (1 − p) at test (control)", "test / training mean |logit|": scaledEval.logitRatio, "validation loss": scaledEval.loss, "validation acc": scaledEval.accuracy },
  { "p = 0.5": "inverted dropout (§3, seed 0)", "test / training mean |logit|": NaN, "validation loss": invertedRun.valLoss, "validation acc": invertedRun.valAcc },
])
""", SOLUTION)

code("16a", r"""
// Solution to exercise 3 (collapsed; CI runs it): dropout p = 0.5 combined with a max-norm constraint (notebook 08; the pairing of Srivastava
// et al., 2014), on the 3 seeds and noisy labels of §3, against p = 0.5 alone (same initial weights and batches), scored by validation loss, not
// by the gap (§3 shows why). Notebook 08's cap c = 3 is too loose for these nets (try it: no column reaches it, and the runs come out identical
// to dropout alone), so the cap here is c = 1; the last column shows the constraint acting.
const maxNormRuns06: { valLoss: number; valAcc: number; largestNorm: number }[] = [];
for (const s of [0, 1, 2]) {
  const net = models.mlp({ sizes: [784, 256, 256, 10], dropout: 0.5, seed: 7 + 10 * s });
  await train.fit(net, {
    optimizer: new optim.Adam({ lr: 1e-3 }), loss: losses.crossEntropy, train: smallTrain, epochs: dropoutEpochs, batchSize: 64,
    progress: true, seed: 8 + 10 * s, name: `p = 0.5 + max-norm 1, seed ${s}`,
    callbacks: { onStepEnd: () => regularize.applyMaxNorm(net.trainableWeights, 1) },
  });
  const scores = train.evaluateModel(net, heldOut, losses.crossEntropy, [{ name: "accuracy", fn: train.accuracy }]);
  const largestNorm = tf.tidy(() => (net.layers[0].getWeights()[0] as tf.Tensor).square().sum(0).sqrt().max().dataSync()[0]);
  net.dispose();
  maxNormRuns06.push({ valLoss: scores.loss, valAcc: scores.accuracy, largestNorm });
}
const dropoutOnly06 = seedRuns06.get(0.5)!;
// The check: the cap acts (some column sits at norm 1), and here it costs validation loss on every seed — dropout alone is the better choice on
// this problem. The control is the same check where the cap is absent: dropout alone on 3 other seeds (3–5) in place of the capped runs.
const dropoutOtherSeeds06: number[] = [];
for (const s of [3, 4, 5]) dropoutOtherSeeds06.push((await dropoutRun(0.5, s)).valLoss);
const lowerOnEverySeed06 = ([a, b]: number[][]) => a.every((v, i) => v < b[i]);
const onlyLoss = dropoutOnly06.map((r) => r.valLoss);
const cappedLoss = maxNormRuns06.map((r) => r.valLoss);
const binds = maxNormRuns06.every((r) => r.largestNorm > 0.999 && r.largestNorm < 1.001);
if (!(binds && lowerOnEverySeed06([onlyLoss, cappedLoss]))) throw new Error(`max-norm 1 should bind (${maxNormRuns06.map((r) => r.largestNorm)}) and dropout alone (${onlyLoss}) should beat dropout + max-norm 1 (${cappedLoss}) on every seed`);
if (lowerOnEverySeed06([onlyLoss, dropoutOtherSeeds06])) throw new Error(`control: dropout alone on other seeds (${dropoutOtherSeeds06}) should not lose to dropout alone (${onlyLoss}) on every seed`);
console.log(`validation loss per seed: dropout 0.5 ${onlyLoss.map((v) => v.toFixed(3)).join(", ")}; + max-norm 1 ${cappedLoss.map((v) => v.toFixed(3)).join(", ")}; control, dropout 0.5 on seeds 3–5: ${dropoutOtherSeeds06.map((v) => v.toFixed(3)).join(", ")}`);
plot.table([
  { regularization: "dropout 0.5", "validation loss (3 seeds)": meanStd06(dropoutOnly06.map((r) => r.valLoss)).mean, "± std": meanStd06(dropoutOnly06.map((r) => r.valLoss)).std, "per seed": dropoutOnly06.map((r) => r.valLoss.toFixed(3)).join(", "), "validation acc": meanStd06(dropoutOnly06.map((r) => r.valAcc)).mean, "largest layer-1 column norm": NaN },
  { regularization: "dropout 0.5 + max-norm 1", "validation loss (3 seeds)": meanStd06(maxNormRuns06.map((r) => r.valLoss)).mean, "± std": meanStd06(maxNormRuns06.map((r) => r.valLoss)).std, "per seed": maxNormRuns06.map((r) => r.valLoss.toFixed(3)).join(", "), "validation acc": meanStd06(maxNormRuns06.map((r) => r.valAcc)).mean, "largest layer-1 column norm": Math.max(...maxNormRuns06.map((r) => r.largestNorm)) },
])
""", SOLUTION)


nb = {"cells": cells, "metadata": {'kernelspec': {'name': 'optimlab', 'display_name': 'TypeScript (optimlab)', 'language': 'typescript'}, 'language_info': {'name': 'typescript', 'file_extension': '.ts', 'mimetype': 'text/typescript'}}, "nbformat": 4, "nbformat_minor": 5}
root = os.environ.get("OPTIMLAB_NOTEBOOK_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.makedirs(os.path.join(root, "notebooks"), exist_ok=True)
with open(os.path.join(root, "notebooks", "06-dropout.ipynb"), "w", encoding="utf-8") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
    f.write("\n")
