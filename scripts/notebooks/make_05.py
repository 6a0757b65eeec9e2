"""Writes notebooks/05-weight-decay-vs-l2.ipynb (stable cell ids, no outputs); test/notebooks/generators.test.ts checks the
committed notebook is exactly this output. OPTIMLAB_NOTEBOOK_OUT redirects the output folder."""
import json
import os
cells = []
def md(id, text, metadata=None): cells.append({"cell_type": "markdown", "id": f"05-{id}", "metadata": metadata or {}, "source": text.strip("\n").splitlines(True)})
def code(id, text, metadata=None): cells.append({"cell_type": "code", "id": f"05-{id}", "metadata": metadata or {}, "source": text.strip("\n").splitlines(True), "execution_count": None, "outputs": []})
SOLUTION = {"jupyter": {"source_hidden": True}, "tags": ["solution"]}

md("00", r"""
# 05 · Weight decay vs L2 regularization (and why AdamW exists)

**Reproduces:** article 5 (`seeds/004_75a28a0732f83ea3.txt`) §3.1 "L2正则化" and §4.1 "L2正则化实例"; article 1 (`seeds/000_ab823c159ee66074.txt`) §3.5 and §5 ("Adam + L2").

**You will learn**

- why adding $\frac{\lambda}{2}\lVert\theta\rVert^2$ to the loss and passing `weightDecay: λ` to SGD are *the same algorithm*, step for step;
- why that equivalence breaks for Adam, and what AdamW's *decoupled* weight decay does instead;
- how to check such a claim numerically instead of trusting a formula;
- what AdamW buys in held-out loss, and where: on a problem whose overfitting weights have large gradients, against a negative control where no weights do.

Run time: 16–23 s, kernel start included, measured on 2026-12-07 on two CPU cores: 16 s in a CI run (two notebooks at a time, load average ≈ 2), 18 and 23 s here on the machine shared with other jobs (load average 6.2–7.4); §4's short training runs show a progress bar. To scale up, raise `n`/`features` of the regression set and the step counts, and `nTrain05`/`epochs05` in §4.
""")

code("01", r"""
import { optim, losses, data, models, train, plot, backend, seed } from "optimlab";
import * as tf from "@tensorflow/tfjs";
await backend.ready();
seed(0);
""")

md("02", r"""
## 1. Two ways to write the same penalty

L2 regularization adds a penalty to the loss (article 5, §3.1):

$$J(\theta) = L(\theta) + \frac{\lambda}{2}\lVert\theta\rVert_2^2, \qquad \nabla J(\theta) = \nabla L(\theta) + \lambda\theta .$$

One SGD step on $J$ with learning rate $\eta$ is therefore

$$\theta_{t+1} = \theta_t - \eta\big(\nabla L(\theta_t) + \lambda\theta_t\big) = (1-\eta\lambda)\,\theta_t - \eta\nabla L(\theta_t),$$

i.e. the weights are first *decayed* by the factor $(1-\eta\lambda)$ and then moved along the data gradient.
That is exactly what `torch.optim.SGD(weight_decay=λ)` — and `optim.SGD({ weightDecay: λ })` here — does:
it adds $\lambda\theta$ to the gradient before the update.

We check it on a small linear regression: the same data, the same initial weights, two optimizers.
""")

md("02a", r"""
> **The article says** (article 5, §3.1): "L2正则化的惩罚项是权重的L2范数，即权重的平方和" ("the L2 penalty is the weights' L2 norm, i.e. the sum of
> the squared weights").
>
> **What actually happens:** the sum of squares is the **squared** L2 norm $\lVert\theta\rVert_2^2$; the norm is its square root. The two are different
> penalties: the gradient of $\lVert\theta\rVert_2^2$ is $2\theta$ (a pull proportional to each weight — weight decay), while the gradient of
> $\lVert\theta\rVert_2$ is $\theta/\lVert\theta\rVert_2$, a unit-length pull whatever the weights' size. The next cell evaluates both on the same vector;
> a vector of norm 1, where norm and squared norm coincide, is the control.
""")

code("02b", r"""
const normRows = [[3, 4], [0.6, 0.8]].map((v) => {
  const theta = tf.tensor1d(v);
  const sumOfSquares = theta.square().sum().dataSync()[0];
  const norm = theta.norm().dataSync()[0];
  theta.dispose();
  return { θ: v.join(", "), "Σθ² (the article's formula)": sumOfSquares, "‖θ‖₂ (the L2 norm)": norm };
});
plot.table(normRows)
""")

code("03", r"""
const reg = data.linearRegression({ n: 64, features: 8, noise: 0.5, seed: 1 });
const lambda = 0.1;

/** Fresh copies of the same initial weights, so every run starts from the same point. */
function initialParams(): { w: tf.Variable; b: tf.Variable } {
  return { w: tf.variable(tf.fill([8, 1], 0.5)), b: tf.variable(tf.zeros([1])) };
}

/** Mean squared error of the linear model on the regression set. */
function dataLoss(p: { w: tf.Variable; b: tf.Variable }): tf.Scalar {
  return losses.mse(reg.x.matMul(p.w).add(p.b), reg.y);
}

/** (λ/2)·‖θ‖² over all parameters, the same set of parameters the optimizer decays. */
function l2Penalty(p: { w: tf.Variable; b: tf.Variable }): tf.Scalar {
  return tf.addN([p.w.square().sum(), p.b.square().sum()]).mul(lambda / 2) as tf.Scalar;
}
""")

md("04", r"""
`run` trains for a number of steps and records the full weight vector after every step, so we can
compare whole trajectories, not just end points.
""")

code("05", r"""
function run(opt: tf.Optimizer, withPenalty: boolean, steps = 100): number[][] {
  const p = initialParams();
  const path: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.minimize(() => (withPenalty ? dataLoss(p).add(l2Penalty(p)) : dataLoss(p)) as tf.Scalar);
    path.push([...p.w.dataSync(), ...p.b.dataSync()]);
  }
  p.w.dispose();
  p.b.dispose();
  opt.dispose();
  return path;
}

/** Largest absolute difference between two trajectories, over all steps and coordinates. */
function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, t) => row.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[t][i])))));
  return m;
}

const sgdL2 = run(new optim.SGD({ lr: 0.05 }), true);
const sgdWd = run(new optim.SGD({ lr: 0.05, weightDecay: lambda }), false);
const sgdGap = maxDiff(sgdL2, sgdWd);
sgdGap
""")

md("06", r"""
The two SGD trajectories agree to float32 rounding. The same is true with momentum, because the
penalty gradient enters the momentum buffer exactly like the weight-decay term does:
""")

code("07", r"""
const momL2 = run(new optim.SGD({ lr: 0.05, momentum: 0.9 }), true);
const momWd = run(new optim.SGD({ lr: 0.05, momentum: 0.9, weightDecay: lambda }), false);
const momentumGap = maxDiff(momL2, momWd);
momentumGap
""")

md("08", r"""
## 2. Adam: `weightDecay` is still L2, and that is the problem

`torch.optim.Adam(weight_decay=λ)` also just adds $\lambda\theta$ to the gradient ("coupled" weight decay).
So `Adam + penalty in the loss` and `Adam({ weightDecay })` are again the same algorithm. But Adam then divides
the whole gradient, penalty included, by $\sqrt{\hat v_t}+\epsilon$:

$$\theta_{t+1} = \theta_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}, \qquad m_t \text{ and } v_t \text{ built from } g_t = \nabla L(\theta_t) + \lambda\theta_t .$$

Weights whose data gradients are large (large $\hat v_t$) are therefore decayed *less* than weights with small
gradients: the penalty is no longer "shrink every weight by the same factor".
**AdamW** (Loshchilov & Hutter, 2019) decouples the decay from the adaptive step:

$$\theta_{t+1} = (1-\eta\lambda)\,\theta_t - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}, \qquad m_t, v_t \text{ built from } g_t = \nabla L(\theta_t).$$
""")

code("09", r"""
const adamL2 = run(new optim.Adam({ lr: 0.05 }), true);
const adamWd = run(new optim.Adam({ lr: 0.05, weightDecay: lambda }), false);
const adamW = run(new optim.AdamW({ lr: 0.05, weightDecay: lambda }), false);
const adamCoupledGap = maxDiff(adamL2, adamWd);
const adamVsAdamW = maxDiff(adamL2, adamW);
({ adamCoupledGap: adamCoupledGap, adamVsAdamW: adamVsAdamW })
""")

md("10", r"""
Plot the distance of each trajectory from the initial point, step by step. SGD+L2 and SGD(weightDecay) lie on top of each other.
Adam + L2 and AdamW are different algorithms, but on this well-conditioned regression they end close together (both end points are printed
after the plot) — the difference between them shows up when gradient scales differ between weights, which §3 isolates.
""")

code("11", r"""
const start = sgdL2[0].map(() => 0.5);
start[start.length - 1] = 0;
const dist = (path: number[][]) => path.map((row) => Math.hypot(...row.map((v, i) => v - start[i])));
plot.line(
  {
    "SGD + L2 in loss": dist(sgdL2),
    "SGD weightDecay": { y: dist(sgdWd), dashed: true },
    "Adam + L2 in loss": dist(adamL2),
    "AdamW": { y: dist(adamW), dashed: true },
  },
  { title: "Distance travelled from the initial weights", xLabel: "step", yLabel: "‖θ_t − θ_0‖" },
)
""")

code("11a", r"""
const endDistance = (path: number[][]) => dist(path)[path.length - 1];
({ "Adam + L2, final ‖θ − θ0‖": endDistance(adamL2), "AdamW, final ‖θ − θ0‖": endDistance(adamW), "largest gap along the way": adamVsAdamW })
""")

md("12", r"""
## 3. What the difference does: decay that depends on the gradient scale

A clean way to see it: three weights, all starting at $1$, whose data gradients are pure noise (no signal at all)
with very different scales $s = (0.01,\ 1,\ 100)$: $g_{t,j} = s_j\,\xi_{t,j}$ with $\xi_{t,j}\sim\mathcal N(0,1)$. The only thing
that should move the weights on average is the penalty $\lambda = 1$, with $\eta = 0.01$ and 300 steps.

- **AdamW** shrinks each weight by $(1-\eta\lambda)$ per step, whatever its gradient scale: all three shrink from $1$ to below $0.3$ (checked in §5; the decay alone would give $0.99^{300}\approx 0.05$,
  and Adam's noisy steps of size about $\eta$ scatter them around that).
- **Adam + L2** divides $s_j\xi + \lambda\theta_j$ by its running RMS: for $s_j = 100$ the penalty is a negligible part of the
  gradient, so that weight is hardly regularized; for $s_j = 0.01$ the penalty dominates and the weight is driven to $0$ at full speed $\eta$ per step.
""")

code("13", r"""
const noiseScales = [0.01, 1, 100];
const noiseSteps = 300;
const noise = tf.randomNormal([noiseSteps, 3], 0, 1, "float32", 7).mul(tf.tensor1d(noiseScales));
function decayPaths(opt: tf.Optimizer, coupledPenalty: number): number[][] {
  const theta = tf.variable(tf.ones([3]));
  const paths: number[][] = [[], [], []];
  for (let t = 0; t < noiseSteps; t++) {
    opt.minimize(() => {
      // d/dθ of (ξ_t · θ) is the noise row: a "data gradient" with no signal.
      const fake = noise.slice([t, 0], [1, 3]).reshape([3]).mul(theta).sum();
      return (coupledPenalty > 0 ? fake.add(theta.square().sum().mul(coupledPenalty / 2)) : fake) as tf.Scalar;
    });
    theta.dataSync().forEach((v, j) => paths[j].push(v));
  }
  theta.dispose();
  opt.dispose();
  return paths;
}
const pathsAdamL2 = decayPaths(new optim.Adam({ lr: 0.01 }), 1);
const pathsAdamW = decayPaths(new optim.AdamW({ lr: 0.01, weightDecay: 1 }), 0);
const decaySeries: { [name: string]: { y: number[]; dashed?: boolean } } = {};
noiseScales.forEach((sj, j) => {
  decaySeries[`Adam + L2, s=${sj}`] = { y: pathsAdamL2[j] };
  decaySeries[`AdamW, s=${sj}`] = { y: pathsAdamW[j], dashed: true };
});
plot.line(decaySeries, { title: "Weights under pure-noise gradients of scale s, λ = 1", xLabel: "step", yLabel: "θ_j" })
""")

code("14", r"""
const finalAdamL2 = pathsAdamL2.map((p) => p[p.length - 1]);
const finalAdamW = pathsAdamW.map((p) => p[p.length - 1]);
({ finalAdamL2: finalAdamL2, finalAdamW: finalAdamW })
""")

md("15", r"""
> **The article says** (article 5, §4.1): build `optim.SGD(..., weight_decay=1e-5)` **and** add
> `0.5 * weight_decay * nn.utils.weight_decay_grad_v2(model.parameters(), device='cuda')` to the loss.
>
> 原文（article 5 §4.1，"L2正则化实例"）：「loss += 0.5 * optimizer.param_groups[0]['weight_decay'] * nn.utils.weight_decay_grad_v2(model.parameters(), device='cuda')」
>
> **What actually happens:** `torch.nn.utils.weight_decay_grad_v2` does not exist (the line raises
> `AttributeError`). And if it did, the penalty would be applied twice: `weight_decay=λ` in the optimizer
> already *is* L2 regularization for SGD, as shown in §1. Use **one** of the two:
> `SGD(weightDecay: λ)` *or* `loss + λ/2·Σθ²`. The article's model also has no activation between
> `fc1` and `fc2`, so it is a linear model; see notebook 04 for the fixed MNIST example.

> **The article says** (article 1, §5): "在图像识别任务中，可以使用Adam优化算法和L2正则化来提高模型性能" ("for image recognition, use the Adam
> optimizer and L2 regularization to improve the model").
>
> **What actually happens:** the advice is *suboptimal, not wrong*: Adam + L2 is a legitimate, working regularizer. But with Adam, L2 in the loss
> (or `Adam(weight_decay=…)`) is not weight decay: §3 shows it regularizes weights unevenly, by their gradient scale. AdamW decays every weight
> alike and makes the best $\lambda$ independent of the learning rate's adaptive scaling (Loshchilov & Hutter, 2019). What that buys in held-out
> loss is measured in §4 below, each method at its own tuned $\lambda$, over 3 seeds: a clear gain where the weights that overfit are the ones with
> large gradients, and none in the negative control where no weights are singled out.
""")

md("15p", r"""
### The article's PyTorch, corrected: article 5 §4.1 (L2 with SGD)

**As quoted** (article 5, §4.1 — running it raises `NameError`, checked by CI):

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

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = self.fc2(x)
        return x

# 定义损失函数
criterion = nn.CrossEntropyLoss()

# 定义优化器
optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-5)

# 训练模型
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss += 0.5 * optimizer.param_groups[0]['weight_decay'] * nn.utils.weight_decay_grad_v2(model.parameters(), device='cuda')
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print(f'Epoch {epoch + 1}, loss: {running_loss / len(trainloader)}')
```

**Corrected** (create `model`, add the missing ReLU, and use `weight_decay` alone — the last lines check that it equals the L2 penalty in the loss; run by `test/notebooks/pytorch.test.ts` with Debian's `python3-torch`, on small stand-in data):

```python corrected
import torch
import torch.nn as nn

torch.manual_seed(0)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))     # an activation between the layers

images, labels = torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,))
trainloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=32)
model = Net()                                        # the article never creates `model`
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-5)   # this alone is L2 for SGD
assert not hasattr(nn.utils, "weight_decay_grad_v2")
for epoch in range(2):
    for inputs, targets in trainloader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)     # no second penalty: weight_decay already adds λθ to the gradient
        loss.backward()
        optimizer.step()

# weight_decay=λ and a (λ/2)·Σθ² term in the loss give the same SGD step.
torch.manual_seed(1)
a, b = nn.Linear(4, 1), nn.Linear(4, 1)
b.load_state_dict(a.state_dict())
x, y = torch.randn(16, 4), torch.randn(16, 1)
opt_a = torch.optim.SGD(a.parameters(), lr=0.1, weight_decay=0.01)
opt_b = torch.optim.SGD(b.parameters(), lr=0.1)
for _ in range(5):
    opt_a.zero_grad(); nn.functional.mse_loss(a(x), y).backward(); opt_a.step()
    opt_b.zero_grad(); (nn.functional.mse_loss(b(x), y) + 0.01 / 2 * sum(p.pow(2).sum() for p in b.parameters())).backward(); opt_b.step()
assert torch.allclose(a.weight, b.weight, atol=1e-6)
```

**Ours** (TypeScript, as run in this notebook):

```typescript
const sgdWd = run(new optim.SGD({ lr: 0.05, weightDecay: lambda }), false);   // §1: identical to L2 in the loss
```
""")

md("16", r"""
## 4. What AdamW buys in held-out loss

§3 says *when* the two should differ: Adam + L2 regularizes the weights with large historical gradients less, because their penalty is divided by a
large $\sqrt{\hat v_t}$ (Loshchilov & Hutter, 2019, §2). So AdamW should generalize better where the weights that overfit are exactly those with large
gradients — and not at all where no group of weights has systematically larger gradients. (An earlier version of this section compared the two on
512 MNIST images with an MLP and found no difference beyond the seed-to-seed noise: that problem singles out no weights.) We build both cases:

- binary classification with 5 informative features $x_1,\dots,x_5 \sim \mathcal N(0, 1)$, label $\mathbb 1[w^{*\top}x_{1..5} > 0]$, 15% of the
  *training* labels flipped, and 35 pure-noise features;
- **loud noise features**: the 35 noise features have standard deviation 3, so the first-layer weights attached to them get about 3× larger
  gradients — and they are the weights through which the network memorizes the flipped labels;
- **negative control**: the same task with noise features of standard deviation 1, the scale of the informative ones.

An overparameterized MLP `40 → 64 → 64 → 2` learns from `nTrain05` = 200 examples with Adam ($\eta = 0.01$, batches of 50) and a cosine schedule over
`epochs05` = 40 epochs. Every setting runs on 3 seeds (fresh data, initial weights and batch order). Each method is tuned on its own grid — Adam + L2
$\lambda \in \{0.03, 0.06, 0.1, 0.2, 0.3\}$, AdamW $\lambda \in \{3, 6, 10, 20, 30\}$ (steps of about 2×; AdamW's $\lambda$ enters as $\eta\lambda$ per step, so its useful range is
different) — by the mean validation loss of the 3 seeds on 1000 clean held-out examples per seed; the runs at each method's best $\lambda$ are then
scored on 1000 clean test examples per seed.
Adam without regularization is the baseline in the loud setting.
""")

code("16a", r"""
const nTrain05 = 200;
const epochs05 = 40;
const nInformative = 5;
const nNoise = 35;
const wStar05 = tf.randomNormal([nInformative, 1], 0, 1, "float32", 999);
/** n examples: 5 informative N(0, 1) features, 35 noise features of standard deviation `loud`; labels from the informative ones, a fraction `flip` flipped. */
function noisyTask(n: number, loud: number, dataSeed: number, flip: number) {
  const informative = tf.randomNormal([n, nInformative], 0, 1, "float32", dataSeed);
  const clean = Array.from(tf.tidy(() => informative.matMul(wStar05).dataSync()), (v) => (v > 0 ? 1 : 0));
  const rng = backend.rng(dataSeed + 2);
  const labels = clean.map((c) => (rng.uniform() < flip ? 1 - c : c));
  const x = tf.tidy(() => tf.concat([informative, tf.randomNormal([n, nNoise], 0, loud, "float32", dataSeed + 1)], 1));
  informative.dispose();
  return { x, y: tf.tensor1d(labels, "int32") };
}
type Method05 = "Adam + L2" | "AdamW" | "Adam, no regularization";
const grid05: { [method in Method05]: number[] } = { "Adam + L2": [0.03, 0.06, 0.1, 0.2, 0.3], AdamW: [3, 6, 10, 20, 30], "Adam, no regularization": [0] };
const makeOptimizer05 = (method: Method05, lam: number) =>
  method === "AdamW" ? new optim.AdamW({ lr: 0.01, weightDecay: lam }) : new optim.Adam({ lr: 0.01, weightDecay: method === "Adam + L2" ? lam : 0 });
const settings05: { [setting: string]: number } = { "loud noise features (σ = 3)": 3, "negative control (σ = 1)": 1 };
const runs05 = 3 * (2 * (grid05["Adam + L2"].length + grid05.AdamW.length) + 1);
const bar05 = new train.Progress({ name: "λ sweeps + 3 seeds, two settings", epochs: 1, stepsPerEpoch: runs05 });
const start05 = performance.now();
let done05 = 0;
type Run05 = { valLoss: number; testLoss: number; testAcc: number; noiseShare: number };
async function run05(method: Method05, lam: number, loud: number, runSeed: number): Promise<Run05> {
  const trainSet = noisyTask(nTrain05, loud, 100 * runSeed + 10, 0.15);
  const valSet = noisyTask(1000, loud, 100 * runSeed + 20, 0);
  const testSet = noisyTask(1000, loud, 100 * runSeed + 30, 0);
  const net = models.mlp({ sizes: [nInformative + nNoise, 64, 64, 2], seed: 40 + runSeed });
  const opt = makeOptimizer05(method, lam);
  await train.fit(net, {
    optimizer: opt, scheduler: new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: epochs05 }), loss: losses.crossEntropy,
    train: trainSet, epochs: epochs05, batchSize: 50, progress: false, seed: 50 + runSeed,
  });
  const metrics = [{ name: "accuracy", fn: train.accuracy }];
  const onVal = train.evaluateModel(net, valSet, losses.crossEntropy, metrics);
  const onTest = train.evaluateModel(net, testSet, losses.crossEntropy, metrics);
  // How much of the first layer's input comes through the noise features: Σ|W| per feature times the feature's scale.
  const noiseShare = tf.tidy(() => {
    const perFeature = (net.layers[0].getWeights()[0] as tf.Tensor).abs().sum(1).mul(tf.concat([tf.ones([nInformative]), tf.fill([nNoise], loud)]));
    return perFeature.slice([nInformative], [nNoise]).sum().div(perFeature.sum()).dataSync()[0];
  });
  net.dispose();
  tf.dispose([trainSet.x, trainSet.y, valSet.x, valSet.y, testSet.x, testSet.y]);
  const seconds = (performance.now() - start05) / 1000;
  bar05.update({ epoch: 1, epochs: 1, step: ++done05, stepsPerEpoch: runs05, samplesPerSecond: (done05 * nTrain05 * epochs05) / seconds, elapsed: seconds }, true);
  return { valLoss: onVal.loss, testLoss: onTest.loss, testAcc: onTest.accuracy, noiseShare };
}
const sweep05: { setting: string; method: string; λ: number; "validation loss, mean of 3 seeds": number }[] = [];
const tuned05: { [setting: string]: { [method: string]: { λ: number; runs: Run05[] } } } = {};
for (const [setting, loud] of Object.entries(settings05)) {
  tuned05[setting] = {};
  const methods = (Object.keys(grid05) as Method05[]).filter((m) => loud === 3 || m !== "Adam, no regularization");
  for (const method of methods) {
    const candidates: { λ: number; runs: Run05[]; valLoss: number }[] = [];
    for (const lam of grid05[method]) {
      const runs: Run05[] = [];
      for (const s of [1, 2, 3]) runs.push(await run05(method, lam, loud, s));
      const valLoss = runs.reduce((a, r) => a + r.valLoss, 0) / runs.length;
      candidates.push({ λ: lam, runs, valLoss });
      sweep05.push({ setting, method, λ: lam, "validation loss, mean of 3 seeds": valLoss });
    }
    tuned05[setting][method] = candidates.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
  }
}
bar05.finish();
const meanStd05 = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
};
const edgeOf05 = (method: string, lam: number) => { const g = grid05[method as Method05]; return g.length > 1 && (lam === g[0] || lam === g[g.length - 1]); };
// display(…) shows a table in the middle of a cell (only the last expression is shown by itself).
// A method with a single λ (the unregularized baseline) has nothing tuned, so none of its rows is marked.
const isTunedBest05 = (r: (typeof sweep05)[number]) => grid05[r.method as Method05].length > 1 && r.λ === tuned05[r.setting][r.method].λ;
display(plot.table(sweep05.map((r) => ({ ...r, best: isTunedBest05(r) ? (edgeOf05(r.method, r.λ) ? "◀ best (edge of the grid)" : "◀ best") : "" }))));
const summary05 = Object.entries(tuned05).flatMap(([setting, byMethod]) => Object.entries(byMethod).map(([method, t]) => ({
  setting, method, "best λ": t.λ,
  "test loss, mean of 3 seeds": meanStd05(t.runs.map((r) => r.testLoss)).mean, "± std": meanStd05(t.runs.map((r) => r.testLoss)).std,
  "test accuracy": meanStd05(t.runs.map((r) => r.testAcc)).mean, "acc ± std": meanStd05(t.runs.map((r) => r.testAcc)).std,
  "per-seed test loss": t.runs.map((r) => r.testLoss.toFixed(3)).join(", "),
  "noise features' share of layer-1 input": meanStd05(t.runs.map((r) => r.noiseShare)).mean,
})));
plot.table(summary05)
""")

md("16b", r"""
Read the second table row by row, and compare its last column: the share of the first layer's input that comes through the noise features
(Σ|W| of each feature's weights times the feature's scale). With loud noise features, the weights on those features carry the large gradients;
Adam + L2 divides their penalty by that scale, so at its tuned $\lambda$ they are restrained little (compare its share with no regularization's),
and the next $\lambda$ of its grid is no way out (its validation loss is in the sweep table: a larger $\lambda$ flattens the informative weights
as well). AdamW shrinks every weight by the same factor per step. In the control every weight sees gradients of the same scale, and the two methods
tuned on their own grids end close together. The assertions below compare the gap in test loss between the two methods with the seed-to-seed
spread, in both settings; the accuracy columns are shown, not asserted.

## 5. Assertions

These cells fail the notebook run (and CI) if the effect disappears. Each check also runs on a negative control, where it must fail.
""")

code("17", r"""
/** Runs one check on the effect and on its negative control: it must hold on the first and fail on the second. */
function checkAgainstControl<T>(claim: string, check: (run: T) => boolean, effect: T, control: T, detail: string) {
  const onEffect = check(effect);
  const onControl = check(control);
  if (!onEffect) throw new Error(`${claim}: the check fails on the effect (${detail})`);
  if (onControl) throw new Error(`${claim}: the check also passes on the negative control, so it proves nothing (${detail})`);
  return { claim, "check on the effect": onEffect, "check on the control": onControl, detail };
}
const sgdPlainVsL2 = maxDiff(sgdL2, run(new optim.SGD({ lr: 0.05 }), false));
const sameTrajectory = (gap: number) => gap <= 1e-6;
const allShrunk = (finals: number[]) => finals.every((v) => Math.abs(v) < 0.3);
type Tuned05 = { [method: string]: { λ: number; runs: Run05[] } };
const testLosses = (t: Tuned05, method: string) => t[method].runs.map((r) => r.testLoss);
/** AdamW's gain over Adam + L2 in test loss, seed by seed, and the larger of the two methods' seed spreads. */
function gain05(t: Tuned05) {
  const perSeed = testLosses(t, "Adam + L2").map((v, i) => v - testLosses(t, "AdamW")[i]);
  const spread = Math.max(meanStd05(testLosses(t, "Adam + L2")).std, meanStd05(testLosses(t, "AdamW")).std);
  return { perSeed, mean: meanStd05(perSeed).mean, spread };
}
const loudGain = gain05(tuned05["loud noise features (σ = 3)"]);
const controlGain = gain05(tuned05["negative control (σ = 1)"]);
const realGain = (t: Tuned05) => { const g = gain05(t); return g.perSeed.every((v) => v > 0) && g.mean > 2 * g.spread; };
const describeGain = (g: ReturnType<typeof gain05>) => `gain ${g.mean.toFixed(3)} (per seed ${g.perSeed.map((v) => v.toFixed(3)).join(", ")}), 2 × spread ${(2 * g.spread).toFixed(3)}`;
const checks05 = [
  checkAgainstControl("SGD: L2 in the loss ≡ weightDecay, step for step; SGD without any penalty is the control", sameTrajectory, sgdGap, sgdPlainVsL2, `gap ${sgdGap.toExponential(1)} vs ${sgdPlainVsL2.toExponential(1)} without penalty`),
  checkAgainstControl("with momentum too; AdamW against Adam + L2 is the control", sameTrajectory, momentumGap, adamVsAdamW, `gap ${momentumGap.toExponential(1)} vs ${adamVsAdamW.toExponential(1)}`),
  checkAgainstControl("Adam(weightDecay) is coupled L2: it equals Adam + L2 in the loss (≤ 1e-5); AdamW is the control", (gap: number) => gap <= 1e-5, adamCoupledGap, adamVsAdamW, `gap ${adamCoupledGap.toExponential(1)} vs ${adamVsAdamW.toExponential(1)}`),
  checkAgainstControl("pure-noise gradients: AdamW shrinks all three weights below 0.3 whatever their gradient scale; Adam + L2 is the control", allShrunk, finalAdamW, finalAdamL2, `AdamW ${finalAdamW.map((v) => v.toFixed(3))}, Adam + L2 ${finalAdamL2.map((v) => v.toFixed(3))}`),
  checkAgainstControl("loud noise features: AdamW at its tuned λ beats Adam + L2 at its tuned λ in test loss on every seed, by more than twice the seed spread; the same task with noise features of scale 1 is the control", realGain, tuned05["loud noise features (σ = 3)"], tuned05["negative control (σ = 1)"], `loud: ${describeGain(loudGain)}; control: ${describeGain(controlGain)}`),
  checkAgainstControl("Σθ² is the squared norm, not the norm (article 5 §3.1); a unit vector is the control", (r: (typeof normRows)[number]) => Math.abs(r["Σθ² (the article's formula)"] - r["‖θ‖₂ (the L2 norm)"]) > 1e-3, normRows[0], normRows[1], `[3, 4]: Σθ² = ${normRows[0]["Σθ² (the article's formula)"]}, ‖θ‖ = ${normRows[0]["‖θ‖₂ (the L2 norm)"]}`),
];
plot.table(checks05)
""")

code("17a", r"""
const loudRows = summary05.filter((r) => r.setting.startsWith("loud"));
const loudLoss = (method: Method05) => {
  const row = loudRows.find((r) => r.method === method);
  return row ? `${row["test loss, mean of 3 seeds"].toFixed(3)} ± ${row["± std"].toFixed(3)}` : "not run";
};
`SGD: L2 ≡ weight decay (max |Δθ| = ${sgdGap.toExponential(1)}); Adam + L2 vs AdamW: largest gap ${adamVsAdamW.toFixed(3)} along the way, ` +
`final distances ${endDistance(adamL2).toFixed(3)} vs ${endDistance(adamW).toFixed(3)}. Test loss at each one's tuned λ (3 seeds), loud noise features: ` +
`Adam + L2 ${loudLoss("Adam + L2")}, AdamW ${loudLoss("AdamW")}, no regularization ${loudLoss("Adam, no regularization")}` +
`; AdamW's ${describeGain(loudGain)}. Control (noise of scale 1): ${describeGain(controlGain)}`
""")

md("18", r"""
## Summary

- For SGD (with or without momentum), L2 in the loss and `weightDecay` produce identical trajectories.
- For Adam, `weightDecay` is coupled L2: the penalty is rescaled by the adaptive denominator, so weights with large gradients are barely regularized.
- AdamW decays every weight by $(1-\eta\lambda)$ per step, independently of the gradient statistics. "Adam + L2" is suboptimal rather than wrong: where the weights that overfit are those with large gradients (noise features of large scale), AdamW at its tuned $\lambda$ reaches a lower test loss than Adam + L2 at its tuned $\lambda$, beyond the seed spread; where no weights are singled out (the control), the two tie. §5 prints both gaps.
- The sum of squared weights is the *squared* L2 norm.
- Never combine `weightDecay` in the optimizer *and* an explicit L2 term unless you mean $2\lambda$.

**Exercises**

1. Write "decoupled SGD" yourself: each step, multiply the weights by $(1-\eta\lambda)$ and take a plain SGD step. Does it match `SGD({ weightDecay: λ })` to float32 rounding? Does it matter whether the gradient is taken before or after the decay (see §1's formula)?
2. In §3, change the noise scales to `[1, 1, 1]`. Do Adam + L2 and AdamW now regularize the three weights alike?
3. Use `weightDecayFilter: (name) => !name.includes("bias")` to exempt biases, as is common in practice, and check which trajectories still agree.

<details><summary>Solution to exercise 1</summary>

In the collapsed code cell below (tagged `solution`; CI runs it like every other cell, and its check fails if the answer is wrong).
</details>
""")

code("19", r"""
// Solution to exercise 1 (collapsed; CI runs it): "decoupled SGD" by hand. The order matters: the gradient must be taken
// at the weights *before* the decay; decaying first and then taking the gradient at the decayed weights is a different algorithm.
function handDecayed(gradientFirst: boolean, steps = 100): number[][] {
  const p = initialParams();
  const eta = 0.05;
  const path: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const decay = () => { p.w.assign(p.w.mul(1 - eta * lambda)); p.b.assign(p.b.mul(1 - eta * lambda)); };
    if (!gradientFirst) decay();
    const { grads, value } = tf.variableGrads(() => dataLoss(p), [p.w, p.b]);
    if (gradientFirst) decay();
    p.w.assign(p.w.sub(grads[p.w.name].mul(eta)));
    p.b.assign(p.b.sub(grads[p.b.name].mul(eta)));
    tf.dispose([value, ...Object.values(grads)]);
    path.push([...p.w.dataSync(), ...p.b.dataSync()]);
  }
  p.w.dispose();
  p.b.dispose();
  return path;
}
const gradientFirstGap = maxDiff(handDecayed(true), sgdWd);
const decayFirstGap = maxDiff(handDecayed(false), sgdWd);
if (!(gradientFirstGap <= 1e-5 && decayFirstGap > 1e-4)) throw new Error(`gradient-then-decay should match SGD(weightDecay) (${gradientFirstGap}); decay-then-gradient should not (${decayFirstGap})`);
({ "gradient at θ_t, then decay: max |Δθ| vs SGD(weightDecay)": gradientFirstGap, "decay first, gradient at the decayed θ": decayFirstGap })
""", SOLUTION)


nb = {"cells": cells, "metadata": {'kernelspec': {'name': 'optimlab', 'display_name': 'TypeScript (optimlab)', 'language': 'typescript'}, 'language_info': {'name': 'typescript', 'file_extension': '.ts', 'mimetype': 'text/typescript'}}, "nbformat": 4, "nbformat_minor": 5}
root = os.environ.get("OPTIMLAB_NOTEBOOK_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
os.makedirs(os.path.join(root, "notebooks"), exist_ok=True)
with open(os.path.join(root, "notebooks", "05-weight-decay-vs-l2.ipynb"), "w", encoding="utf-8") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
    f.write("\n")
